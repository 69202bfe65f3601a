"""Malformed or truncated logs are reported by name and skipped; the run is still analysed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from inspect_ic.analysis.figures import FIGURE_FILES, render_figures
from inspect_ic.analysis.logs import NoReadableLogsError, read_run
from inspect_ic.analysis.pipeline import AnalysisOptions, analyze_run

from .conftest import small_run


def _break_logs(run: Path) -> tuple[str, str]:
    logs = sorted(run.rglob("*.eval"))
    truncated = logs[0]
    data = truncated.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    garbage = run / "repeat_02" / "not-a-log.eval"
    garbage.write_text("this is not a zip file")
    return truncated.relative_to(run).as_posix(), garbage.relative_to(run).as_posix()


def test_bad_logs_are_skipped_by_name(tmp_path: Path) -> None:
    run = small_run(tmp_path / "run")
    truncated, garbage = _break_logs(run)
    data = read_run(run)
    skipped = {item.log_file: item.reason for item in data.skipped}
    assert set(skipped) == {truncated, garbage}
    assert len(data.logs_read) == 2
    assert len(data.rows) == 16
    result = analyze_run(
        run, options=AnalysisOptions(bootstrap_b=20, association_b=10, figures=False)
    )
    assert {item["log_file"] for item in result.manifest["skipped"]} == {truncated, garbage}
    report = (result.out_dir / "tool_trace_report.md").read_text()
    assert truncated in report and garbage in report
    assert len(result.tables["state"]) == 16


def test_run_without_readable_logs_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    run = tmp_path / "empty"
    (run / "repeat_01").mkdir(parents=True)
    with pytest.raises(NoReadableLogsError) as info:
        analyze_run(run, options=AnalysisOptions(figures=False))
    assert str(info.value) == f"no readable eval logs under {run}; no .eval files found"
    (run / "repeat_01" / "a.eval").write_text("not a zip")
    (run / "b.eval").write_text("not a zip either")
    with pytest.raises(NoReadableLogsError) as info:
        analyze_run(run)
    assert (
        str(info.value) == f"no readable eval logs under {run}; skipped: b.eval, repeat_01/a.eval"
    )
    assert sorted(p.name for p in run.iterdir()) == ["b.eval", "repeat_01"]


def test_figures_and_report_render_without_rows(tmp_path: Path) -> None:
    # A run whose logs hold no samples writes empty tables: the figures must still be drawn.
    paths = render_figures(pd.DataFrame(), pd.DataFrame(), tmp_path / "figures")
    assert [p.name for p in paths] == list(FIGURE_FILES)


def test_bootstrap_sizes_are_validated() -> None:
    with pytest.raises(ValueError, match="^bootstrap_b must be at least 1, got -5$"):
        AnalysisOptions(bootstrap_b=-5)
    with pytest.raises(ValueError, match="^association_b must be at least 1, got 0$"):
        AnalysisOptions(association_b=0)
