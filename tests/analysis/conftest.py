"""Shared fixtures: the synthetic paper grid (built once per session) and small synthetic runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from inspect_ic.analysis.pipeline import AnalysisOptions, AnalysisResult, analyze_run
from inspect_ic.analysis.synthetic import SyntheticGrid, build_paper_grid
from inspect_ic.analysis.synthetic.plan import PAPER_MODELS, benchmark_plan
from inspect_ic.analysis.synthetic.writer import write_run

TEST_BOOTSTRAP_B = 400
TEST_ASSOCIATION_B = 50
CALLS_PER_SAMPLE = 6


@dataclass
class AnalysedGrid:
    """The synthetic grid and its analysis."""

    grid: SyntheticGrid
    bench: AnalysisResult
    diagnostic: AnalysisResult

    @property
    def state(self) -> pd.DataFrame:
        return self.bench.tables["state"]


@pytest.fixture(scope="session")
def analysed_grid(tmp_path_factory: pytest.TempPathFactory) -> AnalysedGrid:
    """The paper grid (short transcripts) analysed with small bootstrap sizes."""
    root = tmp_path_factory.mktemp("synthetic")
    grid = build_paper_grid(root, calls_per_sample=CALLS_PER_SAMPLE)
    options = AnalysisOptions(bootstrap_b=TEST_BOOTSTRAP_B, association_b=TEST_ASSOCIATION_B)
    bench = analyze_run(grid.benchmark_run, options=options)
    assert grid.diagnostic_run is not None
    diagnostic = analyze_run(
        grid.diagnostic_run,
        options=AnalysisOptions(
            bootstrap_b=TEST_BOOTSTRAP_B, association_b=TEST_ASSOCIATION_B, figures=False
        ),
    )
    return AnalysedGrid(grid, bench, diagnostic)


def small_run(
    root: Path,
    models: tuple[str, ...] = PAPER_MODELS[:1],
    tasks: tuple[str, ...] = ("budget_siphon",),
    calls: int = 8,
) -> Path:
    """A small synthetic run (the planned labels of the chosen models and tasks)."""
    plans = [p for p in benchmark_plan() if p.model in models and p.scenario in tasks]
    write_run(root, plans, calls_per_sample=calls)
    return root


@pytest.fixture
def small_run_dir(tmp_path: Path) -> Path:
    """One model × budget_siphon × 3 repeats (24 samples)."""
    return small_run(tmp_path / "run")
