"""Malformed or truncated logs are reported by name and skipped; the run is still analysed."""

from __future__ import annotations

from pathlib import Path

from inspect_ic.analysis.logs import read_run
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


def test_empty_run_writes_empty_tables(tmp_path: Path) -> None:
    run = tmp_path / "empty"
    (run / "repeat_01").mkdir(parents=True)
    result = analyze_run(run, options=AnalysisOptions(figures=False))
    assert result.manifest["samples"] == 0
    header = (result.out_dir / "deterministic_state_table.csv").read_text().splitlines()[0]
    assert header.startswith("log_file,eval_log_path")
    assert "No rows are available." in (result.out_dir / "tool_trace_report.md").read_text()
