"""The versioned lexicon: schema, provenance and every entry's own examples (analysis.md §9)."""

from __future__ import annotations

import hashlib

import pytest

from inspect_ic.analysis.awareness import LEXICON_PATH, LEXICON_VERSION
from inspect_ic.analysis.awareness.lexicon import CUE_CLASSES, parse_lexicon
from inspect_ic.analysis.awareness.matcher import MatchContext, scan_message
from inspect_ic.analysis.awareness.vocabulary import Vocabulary

from .helpers import lexicon

MINIMAL = """
lexicon_version: "0.0.1"
tiers:
  strict: s
  broad: b
cue_classes:
{classes}
negators: ["not"]
self_reference: ["testing me"]
entries:
{entries}
"""


def _doc(entries: str, classes: str | None = None) -> str:
    if classes is None:
        classes = "\n".join(
            f"  {c}: {{tier: {'strict' if c.startswith('S') else 'broad'}, description: d}}"
            for c in CUE_CLASSES
        )
    return MINIMAL.replace("{classes}", classes).replace("{entries}", entries)


def _entry(i: str, cls: str, pattern: str = "honeypot", tier: str | None = None) -> str:
    tier = tier or ("strict" if cls.startswith("S") else "broad")
    return (
        f"  - id: {i}\n    tier: {tier}\n    cue_class: {cls}\n    pattern: '{pattern}'\n"
        "    examples: {positive: [a], negative: [b]}\n"
    )


ALL_ENTRIES = "".join(_entry(f"{c}.x", c) for c in CUE_CLASSES)


def test_packaged_lexicon_provenance() -> None:
    lex = lexicon()
    assert lex.version == LEXICON_VERSION
    assert lex.sha256 == hashlib.sha256(LEXICON_PATH.read_bytes()).hexdigest()
    assert {e.cue_class for e in lex.entries} == set(CUE_CLASSES)
    assert all(e.regex.flags & 2 for e in lex.entries)  # re.IGNORECASE
    assert all(e.regex.pattern.startswith(r"\b(?:") for e in lex.entries)


def test_every_entry_matches_its_positive_examples_and_not_its_negative_ones() -> None:
    lex = lexicon()
    ctx = MatchContext(vocabulary=Vocabulary.of(lex.manual_vocabulary(None)))
    failures = []
    for entry in lex.entries:
        for text in entry.positive_examples:
            ids = {h.pattern_id for h in scan_message(text, lex, ctx, merge=False).hits}
            if entry.id not in ids:
                failures.append(f"{entry.id} missed: {text}")
        for text in entry.negative_examples:
            ids = {h.pattern_id for h in scan_message(text, lex, ctx, merge=False).hits}
            if entry.id in ids:
                failures.append(f"{entry.id} matched: {text}")
    assert not failures, "\n".join(failures)


def test_minimal_lexicon_parses() -> None:
    lex = parse_lexicon(_doc(ALL_ENTRIES))
    assert lex.version == "0.0.1" and len(lex.entries) == len(CUE_CLASSES)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (ALL_ENTRIES + _entry("S1.x", "S1"), "duplicate entry ids"),
        (ALL_ENTRIES + _entry("S1.y", "S1", tier="broad"), "is not a broad class"),
        (ALL_ENTRIES + _entry("S1.z", "S1", pattern="(unclosed"), "does not compile"),
        (ALL_ENTRIES + _entry("S1.w", "S1", pattern="<<NOPE>>"), "unknown macro"),
        ("".join(_entry(f"{c}.x", c) for c in CUE_CLASSES[:-1]), "without entries"),
    ],
)
def test_invalid_lexicons_are_refused(entries: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_lexicon(_doc(entries))
