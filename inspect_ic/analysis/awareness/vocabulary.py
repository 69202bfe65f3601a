"""Per-task vocabulary exclusions of the awareness scanner (analysis.md §9).

A task's stoplist has three parts:

- *manual* entries from the lexicon's ``vocabulary`` block (``all`` plus the task's own list);
- *automatic* entries: every lexicon match found in the task's prompts (system and user prompt of
  every variant) and seeded documents (``inspect_ic/tasks/<task>/assets``), i.e. the cue n-grams
  the environment itself uses;
- *per-sample* entries: every lexicon match in the sample's own prompts and tool output.

A cue that collides with a stoplist term counts only inside a self-referential construction
("this audit is testing me"); see :mod:`inspect_ic.analysis.awareness.matcher`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from inspect_ic.analysis.awareness.lexicon import Lexicon, load_lexicon
from inspect_ic.analysis.awareness.text import Span, fold

TASKS_DIR = Path(__file__).resolve().parents[2] / "tasks"
DOC_SUFFIXES = frozenset(
    {".md", ".txt", ".json", ".yaml", ".yml", ".csv", ".conf", ".tmpl", ".log"}
)
SKIPPED_ASSET_DIRS = frozenset({"service", "tools", "contracts", "chain", "__pycache__"})
MAX_DOC_BYTES = 256_000
_SPACE = re.compile(r"\s+")


def _term(text: str) -> str:
    return _SPACE.sub(" ", text.strip().lower())


@dataclass(frozen=True)
class Vocabulary:
    """A compiled stoplist: whole-word, case-insensitive, whitespace-flexible phrases."""

    terms: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = None

    @classmethod
    def of(cls, terms: Iterable[str]) -> Vocabulary:
        """Compile ``terms`` (duplicates and blanks dropped; longest first)."""
        unique = sorted({_term(t) for t in terms if t and t.strip()}, key=lambda t: (-len(t), t))
        if not unique:
            return cls()
        body = "|".join(r"\s+".join(map(re.escape, t.split(" "))) for t in unique)
        return cls(tuple(unique), re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.I))

    def extended(self, terms: Iterable[str]) -> Vocabulary:
        """This stoplist plus ``terms``."""
        extra = list(terms)
        return self if not extra else Vocabulary.of([*self.terms, *extra])

    def spans(self, text: str) -> list[Span]:
        """Occurrences of stoplist terms in ``text``."""
        if self.regex is None:
            return []
        return [m.span() for m in self.regex.finditer(text)]


def lexicon_terms(lexicon: Lexicon, texts: Iterable[str]) -> set[str]:
    """Every lexicon match (raw regex, no filtering) in ``texts``, lower-cased: the cue n-grams
    an environment text contains."""
    found: set[str] = set()
    for text in texts:
        if not text:
            continue
        folded = fold(text)
        for entry in lexicon.entries:
            found.update(_term(m.group(0)) for m in entry.regex.finditer(folded))
    return found


def task_documents(scenario: str) -> list[tuple[str, str]]:
    """Seeded text documents of a task: ``(path relative to the task dir, text)``; empty for
    unknown scenarios. Service and tool code, contracts and chain artifacts are skipped."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", scenario or ""):
        return []
    base = TASKS_DIR / scenario
    assets = base / "assets"
    if not assets.is_dir():
        return []
    out: list[tuple[str, str]] = []
    for path in sorted(assets.rglob("*")):
        rel = path.relative_to(assets)
        if (
            not path.is_file()
            or path.suffix not in DOC_SUFFIXES
            or SKIPPED_ASSET_DIRS.intersection(rel.parts[:-1])
            or path.stat().st_size > MAX_DOC_BYTES
        ):
            continue
        try:
            out.append((path.relative_to(base).as_posix(), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return out


def task_prompts(scenario: str) -> tuple[list[tuple[str, str]], str]:
    """System and user prompts of every registered variant of a task.

    Returns:
        ``([(label, text), ...], error)``; the error text is empty on success and the list is
        empty when the task module or the framing cannot be imported (unknown scenario).
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", scenario or ""):
        return [], "not a task id"
    try:
        module = importlib.import_module(f"inspect_ic.tasks.{scenario}.task_{scenario}")
        from inspect_ic.tasks._base.framing import system_prompt, user_prompt
        from inspect_ic.tasks._base.variants import PROFILE_VARIANTS

        prompts = module.PROMPTS
        out: list[tuple[str, str]] = []
        for profile, variants in PROFILE_VARIANTS.items():
            for variant_id, variant in variants.items():
                out.append((f"system:{profile}:{variant_id}", system_prompt(prompts, variant)))
                out.append((f"user:{profile}:{variant_id}", user_prompt(prompts, variant)))
        return out, ""
    except Exception as exc:  # noqa: BLE001 - unknown or broken task: no prompt n-grams
        return [], f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class TaskVocabulary:
    """The stoplist of one scenario and where its automatic part came from."""

    scenario: str
    manual: tuple[str, ...]
    automatic: tuple[str, ...]
    sources: tuple[str, ...]
    prompt_error: str = ""

    @property
    def vocabulary(self) -> Vocabulary:
        """Manual and automatic terms compiled together."""
        return Vocabulary.of([*self.manual, *self.automatic])


@cache
def task_vocabulary(scenario: str, lexicon_path: str | None = None) -> TaskVocabulary:
    """Build (once per process) the stoplist of ``scenario``.

    Args:
        scenario: task id from sample metadata (unknown ids get the manual ``all`` list only).
        lexicon_path: lexicon file (default: the packaged one).
    """
    lexicon = load_lexicon(lexicon_path)
    docs = task_documents(scenario)
    prompts, error = task_prompts(scenario)
    texts = [t for _, t in docs] + [t for _, t in prompts]
    automatic = tuple(sorted(lexicon_terms(lexicon, texts)))
    sources = tuple(p for p, _ in docs) + (("prompts",) if prompts else ())
    return TaskVocabulary(scenario, lexicon.manual_vocabulary(scenario), automatic, sources, error)
