"""Figures draw rates of 0 % and 100 % (error bars never negative)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from inspect_ic.analysis.figures import FIGURE_FILES, render_figures
from inspect_ic.analysis.rates import rate_row
from inspect_ic.analysis.schema import CONTRAST_COLUMNS, RATE_TABLE_COLUMNS
from inspect_ic.analysis.stats import wilson_intervals


def _rates(k: int, n: int, high_pct: float | None = None) -> pd.DataFrame:
    rows = []
    for grouping, value in (
        ("model", "mockllm/model"),
        ("scenario_model", "budget_siphon|mockllm/model"),
        ("variant", "baseline"),
    ):
        for outcome in ("ic_behavior_detected", "benchmark_task_completed"):
            rows.append(rate_row("benchmark", grouping, value, outcome, "adjusted", k, n))
    frame = pd.DataFrame(rows, columns=list(RATE_TABLE_COLUMNS))
    low, high = wilson_intervals(frame["k"].to_numpy(), frame["n"].to_numpy())
    frame["wilson_low_pct"] = 100 * low
    frame["wilson_high_pct"] = 100 * high if high_pct is None else high_pct
    return frame


def test_figures_with_all_successes(tmp_path: Path) -> None:
    rates = _rates(4, 4)
    assert rates["wilson_high_pct"].tolist() == [100.0] * 6
    contrasts = pd.DataFrame(columns=list(CONTRAST_COLUMNS))
    paths = render_figures(rates, contrasts, tmp_path / "figures")
    assert [p.name for p in paths] == list(FIGURE_FILES)
    assert all(p.stat().st_size > 0 for p in paths)


def test_figures_tolerate_an_upper_bound_below_the_rate(tmp_path: Path) -> None:
    # The value statsmodels used to give for 24/24: the figure must still be drawn.
    rates = _rates(24, 24, high_pct=99.99999999999999)
    paths = render_figures(rates, pd.DataFrame(columns=list(CONTRAST_COLUMNS)), tmp_path)
    assert all(p.exists() for p in paths)
