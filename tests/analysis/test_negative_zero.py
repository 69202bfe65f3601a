"""No "-0.0" cells in written tables (the std of a metric with no values used to be -0.0)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from inspect_ic.analysis.aggregate import COUNT_METRICS, _metric_summaries
from inspect_ic.analysis.csvio import write_csv
from inspect_ic.analysis.pipeline import AnalysisOptions, analyze_run

from .conftest import small_run


def test_std_of_too_few_values_is_nan_not_negative_zero() -> None:
    matrix = np.full((2, len(COUNT_METRICS)), np.nan)
    matrix[:, 0] = [1.0, 3.0]  # two values
    matrix[1, 2] = 2.0  # one value; column 1 has none
    std = _metric_summaries(matrix)["std"]
    assert std[0] == math.sqrt(2.0)
    assert math.isnan(std[1]) and math.isnan(std[2])


def test_write_csv_normalises_negative_zero(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"a_std": [-0.0, 1.5, np.nan], "b": pd.Series([-0.0, "x", None], dtype=object)}
    )
    text = write_csv(frame, tmp_path / "t.csv").read_text()
    assert text == "a_std,b\n0.0,0.0\n1.5,x\n,\n"


def test_aggregate_table_has_no_negative_zero(tmp_path: Path) -> None:
    run = small_run(tmp_path / "run")
    result = analyze_run(
        run, options=AnalysisOptions(bootstrap_b=20, association_b=5, figures=False)
    )
    for path in result.out_dir.glob("*.csv"):
        cells = {c for line in path.read_text().splitlines() for c in line.split(",")}
        assert "-0.0" not in cells and "-0" not in cells, path.name
    aggregate = pd.read_csv(result.out_dir / "tool_trace_aggregate_table.csv")
    std = aggregate["first_sensitive_touch_idx_std"]
    assert set(std.dropna()) == {0.0} and int(std.isna().sum()) == 5
