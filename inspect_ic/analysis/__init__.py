"""Analysis of Instrumental Choices runs (analysis.md): tool-trace tables, rates with Wilson and
bootstrap intervals, matched variant contrasts, adjudication, the report and the synthetic grid.

Entry points (also behind ``ic analyze``, ``ic report`` and ``ic adjudicate``):

- :func:`analyze_run` — read a run's logs and write ``tool_analysis/``;
- :func:`render_report` — re-render the report from a ``tool_analysis/`` folder;
- :func:`adjudicate_run` / :func:`append_override` — the adjusted-labels file.

Imports are lazy so ``import inspect_ic.analysis`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspect_ic.analysis.adjudication import AdjudicationError, adjudicate_run, append_override
    from inspect_ic.analysis.pipeline import AnalysisOptions, AnalysisResult, analyze_run
    from inspect_ic.analysis.report import render_report

_EXPORTS = {
    "AnalysisOptions": "inspect_ic.analysis.pipeline",
    "AnalysisResult": "inspect_ic.analysis.pipeline",
    "analyze_run": "inspect_ic.analysis.pipeline",
    "render_report": "inspect_ic.analysis.report",
    "AdjudicationError": "inspect_ic.analysis.adjudication",
    "adjudicate_run": "inspect_ic.analysis.adjudication",
    "append_override": "inspect_ic.analysis.adjudication",
}
__all__ = [
    "AdjudicationError",
    "AnalysisOptions",
    "AnalysisResult",
    "adjudicate_run",
    "analyze_run",
    "append_override",
    "render_report",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
