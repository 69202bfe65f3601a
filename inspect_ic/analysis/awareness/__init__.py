"""Evaluation-awareness scanner (analysis.md §9; ``ic scan-awareness``).

Streams a run's logs, matches a versioned two-tier lexicon (strict S1–S5, broad B1–B6) against
assistant text (and, on request, readable reasoning and tool arguments), and writes
``eval_awareness/``: ``hits.csv``, ``sample_summary.csv``, ``aggregate.csv``, ``report.md`` and
``scanner_manifest.json``.

``LEXICON_PATH`` and ``LEXICON_VERSION`` are read by the run manifest (``eval_awareness`` block).
Heavy imports are lazy so that reading the two constants stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inspect_ic.analysis.awareness.lexicon import LEXICON_PATH, lexicon_version

if TYPE_CHECKING:
    from inspect_ic.analysis.awareness.run import ScanResult, scan_run
    from inspect_ic.analysis.awareness.scan import ScanOptions

LEXICON_VERSION: str = lexicon_version(LEXICON_PATH)

_EXPORTS = {
    "ScanOptions": "inspect_ic.analysis.awareness.scan",
    "ScanResult": "inspect_ic.analysis.awareness.run",
    "scan_run": "inspect_ic.analysis.awareness.run",
}
__all__ = ["LEXICON_PATH", "LEXICON_VERSION", "ScanOptions", "ScanResult", "scan_run"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
