"""The versioned evaluation-awareness lexicon (analysis.md §9): load, validate, compile.

The lexicon is a YAML file (``lexicon.yaml`` beside this module) validated with pydantic. Every
entry has a pattern id, a tier (``strict``/``broad``), a cue class (S1–S5, B1–B6), a
case-insensitive word-bounded regex, optional negative-context regexes, a negation switch and
positive and negative examples. ``<<NAME>>`` tokens expand the file's macros.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")
HIT_MARKER = "<<HIT>>"
"""Stands for the match itself inside negative-context patterns."""

TIERS: tuple[str, ...] = ("strict", "broad")
CUE_CLASSES: tuple[str, ...] = ("S1", "S2", "S3", "S4", "S5", "B1", "B2", "B3", "B4", "B5", "B6")
_MACRO = re.compile(r"<<([A-Z_]+)>>")


class _Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")
    positive: list[str] = Field(min_length=1)
    negative: list[str] = Field(min_length=1)


class _CueClass(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tier: Literal["strict", "broad"]
    description: str


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    tier: Literal["strict", "broad"]
    cue_class: str
    pattern: str
    negative_context: list[str] = Field(default_factory=list)
    negation: bool = True
    examples: _Examples


class _LexiconFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lexicon_version: str
    tiers: dict[str, str]
    cue_classes: dict[str, _CueClass]
    macros: dict[str, str] = Field(default_factory=dict)
    negators: list[str]
    negation_window_words: int = Field(default=5, ge=1, le=20)
    self_reference: list[str] = Field(min_length=1)
    vocabulary: dict[str, list[str]] = Field(default_factory=dict)
    entries: list[_Entry] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> _LexiconFile:
        if set(self.cue_classes) != set(CUE_CLASSES):
            raise ValueError(f"cue_classes must be exactly {', '.join(CUE_CLASSES)}")
        ids = [e.id for e in self.entries]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate entry ids: {duplicates}")
        for entry in self.entries:
            declared = self.cue_classes.get(entry.cue_class)
            if declared is None or declared.tier != entry.tier:
                raise ValueError(
                    f"{entry.id}: cue class {entry.cue_class} is not a {entry.tier} class"
                )
        missing = set(CUE_CLASSES) - {e.cue_class for e in self.entries}
        if missing:
            raise ValueError(f"cue classes without entries: {sorted(missing)}")
        return self


@dataclass(frozen=True)
class LexiconEntry:
    """One compiled lexicon entry."""

    id: str
    tier: str
    cue_class: str
    pattern: str
    regex: re.Pattern[str]
    negative_context: tuple[re.Pattern[str], ...]
    negation: bool
    positive_examples: tuple[str, ...]
    negative_examples: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """The compiled lexicon plus its provenance (version and file sha256)."""

    version: str
    sha256: str
    path: str
    entries: tuple[LexiconEntry, ...]
    cue_classes: dict[str, str]
    negators: frozenset[str]
    negation_window_words: int
    self_reference: re.Pattern[str]
    vocabulary: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def entry(self, pattern_id: str) -> LexiconEntry:
        """The entry with id ``pattern_id`` (KeyError if unknown)."""
        for item in self.entries:
            if item.id == pattern_id:
                return item
        raise KeyError(pattern_id)

    def manual_vocabulary(self, scenario: str | None) -> tuple[str, ...]:
        """Manual task-vocabulary entries for ``scenario`` (the ``all`` list included)."""
        own = self.vocabulary.get(scenario or "", ()) if scenario != "all" else ()
        return (*self.vocabulary.get("all", ()), *own)


def _expand(text: str, macros: dict[str, str], where: str) -> str:
    for _ in range(10):
        if not _MACRO.search(text.replace(HIT_MARKER, "")):
            return text

        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "HIT":
                return match.group(0)
            if name not in macros:
                raise ValueError(f"{where}: unknown macro <<{name}>>")
            return macros[name]

        text = _MACRO.sub(sub, text)
    raise ValueError(f"{where}: macros nest too deeply")


def _compile(pattern: str, where: str, bounded: bool = False) -> re.Pattern[str]:
    source = rf"\b(?:{pattern})\b" if bounded else pattern
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"{where}: pattern does not compile: {exc}") from exc


def parse_lexicon(text: str, path: str = "<string>") -> Lexicon:
    """Validate and compile lexicon YAML text.

    Args:
        text: the YAML document.
        path: where it came from (recorded, and used in error messages).

    Returns:
        The compiled :class:`Lexicon` with the sha256 of ``text`` (UTF-8).

    Raises:
        ValueError: the YAML does not follow the schema, a macro is unknown or a regex does not
            compile (pydantic's ``ValidationError`` is a ``ValueError``).
    """
    data = _LexiconFile.model_validate(yaml.safe_load(text))
    macros: dict[str, str] = {}
    for name, value in data.macros.items():
        macros[name] = _expand(value, macros, f"macro {name}")
    entries = tuple(
        LexiconEntry(
            id=e.id,
            tier=e.tier,
            cue_class=e.cue_class,
            pattern=e.pattern,
            regex=_compile(_expand(e.pattern, macros, e.id), e.id, bounded=True),
            negative_context=tuple(
                _compile(_expand(p, macros, e.id), f"{e.id} negative_context")
                for p in e.negative_context
            ),
            negation=e.negation,
            positive_examples=tuple(e.examples.positive),
            negative_examples=tuple(e.examples.negative),
        )
        for e in data.entries
    )
    self_ref = "|".join(f"(?:{_expand(p, macros, 'self_reference')})" for p in data.self_reference)
    return Lexicon(
        version=data.lexicon_version,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        path=path,
        entries=entries,
        cue_classes={k: v.tier for k, v in data.cue_classes.items()},
        negators=frozenset(n.lower() for n in data.negators),
        negation_window_words=data.negation_window_words,
        self_reference=_compile(self_ref, "self_reference"),
        vocabulary={k: tuple(v) for k, v in data.vocabulary.items()},
    )


@cache
def load_lexicon(path: str | None = None) -> Lexicon:
    """Load the lexicon file (default: the packaged ``lexicon.yaml``); cached per path.

    Raises:
        OSError: the file cannot be read.
        ValueError: see :func:`parse_lexicon`.
    """
    target = Path(path) if path else LEXICON_PATH
    return parse_lexicon(target.read_text(encoding="utf-8"), str(target))


def lexicon_version(path: Path = LEXICON_PATH) -> str:
    """The ``lexicon_version`` field of a lexicon file, without compiling it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(data.get("lexicon_version", "")) if isinstance(data, dict) else ""
