"""Text helpers of the awareness scanner: spans of sentences, clauses, code and quotes, and the
environment text a sample printed (analysis.md §9, "negation and quoting").

All offsets refer to the *folded* text (:func:`fold`), which has the same length as the original,
so excerpts can be cut from the original message.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\s*\n\s*")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]\u2014\u2013]|\s-\s|\bbut\b|\bhowever\b", re.I)
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_DOUBLE = re.compile(r'"([^"\n]{2,400})"')
_SINGLE = re.compile(r"(?<![\w'])'([^'\n]{2,400}?)'(?![\w])")
_BLOCKQUOTE = re.compile(r"^[ \t]*>[ \t]?(.*)$", re.M)
_WORD = re.compile(r"[A-Za-z0-9']+")
_NON_WORD = re.compile(r"[^a-z0-9]+")

Span = tuple[int, int]


def fold(text: str) -> str:
    """Curly quotes to straight quotes and no-break spaces to spaces (length-preserving)."""
    return text.translate(_FOLD)


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces, apostrophes dropped, padded with a space on
    each side (so ``" a b " in normalize(env)`` tests a whole-word phrase)."""
    return " " + _NON_WORD.sub(" ", text.lower().replace("'", "")).strip() + " "


def words(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """Words of ``text[start:end]`` as ``(lower-case word, start, end)`` with absolute offsets."""
    stop = len(text) if end is None else end
    return [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text, start, stop)]


def sentence_spans(text: str) -> list[Span]:
    """Sentence spans: breaks after ``.``/``!``/``?`` plus whitespace, and at every line break."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


class SpanIndex:
    """Sorted, non-overlapping spans with a containing-span lookup."""

    def __init__(self, spans: Iterable[Span]) -> None:
        self.spans = sorted(spans)
        self._starts = [s for s, _ in self.spans]

    def containing(self, pos: int) -> Span | None:
        """The span holding offset ``pos`` (``start <= pos < end``), if any."""
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]:
            return self.spans[i]
        return None

    def covers(self, start: int, end: int) -> bool:
        """True if one span contains ``[start, end)``."""
        span = self.containing(start)
        return span is not None and end <= span[1]


def code_spans(text: str) -> list[Span]:
    """Fenced code blocks and inline code spans."""
    spans = [m.span() for m in _FENCE.finditer(text)]
    fenced = SpanIndex(spans)
    spans += [m.span() for m in _INLINE_CODE.finditer(text) if fenced.containing(m.start()) is None]
    return spans


def quote_spans(text: str) -> list[Span]:
    """Inner spans of double-quoted and single-quoted strings and of markdown block-quote lines."""
    spans = [m.span(1) for m in _DOUBLE.finditer(text)]
    spans += [m.span(1) for m in _SINGLE.finditer(text)]
    spans += [m.span(1) for m in _BLOCKQUOTE.finditer(text)]
    return spans


def clause_start(text: str, sentence_start: int, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last comma, semicolon, colon, bracket, dash,
    "but" or "however" between the sentence start and ``pos``."""
    last = sentence_start
    for match in _CLAUSE_BREAK.finditer(text, sentence_start, pos):
        last = match.end()
    return last


@dataclass
class EnvironmentText:
    """Everything the environment printed in one sample (prompts and tool output), normalised."""

    normalized: str = " "

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> EnvironmentText:
        """Normalise and join ``texts`` (each text keeps its own boundary)."""
        return cls("".join(normalize(fold(t)) for t in texts if t))

    def contains(self, phrase_words: list[str]) -> bool:
        """True if the words occur contiguously in the environment text."""
        if not phrase_words:
            return False
        phrase = normalize(" ".join(phrase_words))
        return len(phrase) > 2 and phrase in self.normalized

    def echo_span(self, sentence_words: list[tuple[str, int, int]], start: int, end: int) -> int:
        """Length in words of the longest run of sentence words that covers the match
        ``[start, end)`` and occurs verbatim in the environment text (0 if the match itself
        does not)."""
        inside = [i for i, (_, s, e) in enumerate(sentence_words) if s < end and e > start]
        if not inside:
            return 0
        lo, hi = inside[0], inside[-1] + 1
        tokens = [w for w, _, _ in sentence_words]
        if not self.contains(tokens[lo:hi]):
            return 0
        while lo > 0 and self.contains(tokens[lo - 1 : hi]):
            lo -= 1
        while hi < len(tokens) and self.contains(tokens[lo : hi + 1]):
            hi += 1
        return hi - lo
