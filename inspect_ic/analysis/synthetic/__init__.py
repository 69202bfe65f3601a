"""Synthetic paper grid: real ``.eval`` logs with planned labels, no model calls (analysis.md §10).

:func:`build_paper_grid` writes the benchmark run (1,680 samples plus the incomplete
``synthetic-extra`` slice, the two-row adjusted-labels file and the plan manifest) and,
optionally, the diagnostic run (72 samples).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inspect_ic.analysis.synthetic.plan import benchmark_plan, diagnostic_plan
from inspect_ic.analysis.synthetic.writer import write_overrides, write_plan_manifest, write_run

BENCHMARK_RUN = "paper_grid"
DIAGNOSTIC_RUN = "diagnostic"


@dataclass
class SyntheticGrid:
    """Locations written by :func:`build_paper_grid`."""

    benchmark_run: Path
    diagnostic_run: Path | None
    log_count: int
    sample_count: int


def build_paper_grid(
    out_dir: Path | str, calls_per_sample: int = 20, diagnostic: bool = True
) -> SyntheticGrid:
    """Write the synthetic paper grid under ``out_dir``.

    Args:
        out_dir: parent folder; runs go to ``<out_dir>/paper_grid`` and ``<out_dir>/diagnostic``.
        calls_per_sample: approximate tool calls per transcript (labels do not depend on it).
        diagnostic: also write the diagnostic run.

    Returns:
        The run folders and the numbers of logs and samples written.
    """
    root = Path(out_dir)
    plans = benchmark_plan()
    bench = root / BENCHMARK_RUN
    logs = write_run(bench, plans, calls_per_sample, run_id="synthetic-paper-grid")
    write_overrides(bench, plans)
    write_plan_manifest(bench, plans)
    samples = len(plans)
    diag_dir = None
    if diagnostic:
        diag_plans = diagnostic_plan()
        diag_dir = root / DIAGNOSTIC_RUN
        logs += write_run(diag_dir, diag_plans, calls_per_sample, run_id="synthetic-diagnostic")
        samples += len(diag_plans)
    return SyntheticGrid(bench, diag_dir, len(logs), samples)


__all__ = ["SyntheticGrid", "build_paper_grid", "benchmark_plan", "diagnostic_plan"]
