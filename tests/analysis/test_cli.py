"""The typer sub-app (``analyze``, ``report``, ``adjudicate``) and the thin scripts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from inspect_ic.analysis.cli import app

from .conftest import small_run

runner = CliRunner()
ROOT = Path(__file__).parents[2]


def test_analyze_report_adjudicate(tmp_path: Path) -> None:
    run = small_run(tmp_path / "run")
    result = runner.invoke(
        app, ["analyze", str(run), "--bootstrap-b", "30", "--association-b", "10", "--no-figures"]
    )
    assert result.exit_code == 0, result.output
    assert "24 samples" in result.output
    out = run / "tool_analysis"
    assert (out / "tool_trace_report.md").exists() and (out / "report.html").exists()
    result = runner.invoke(app, ["report", str(out), "--no-figures"])
    assert result.exit_code == 0, result.output
    from inspect_ic.analysis.adjudication.run import load_samples

    target = load_samples(run).iloc[0]
    args = [
        "adjudicate",
        str(run),
        "--sample",
        target.sample_uuid,
        "--field",
        "official_path_succeeded",
        "--value",
        str(not bool(target.official_path_succeeded)),
        "--reason-code",
        "completion_misjudged",
        "--reason",
        "receipt was valid",
        "--reviewer",
        "carol",
        "--evidence",
        "4",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "1 override(s) valid" in result.output
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "already has an override" in result.output


def test_usage_errors(tmp_path: Path) -> None:
    assert runner.invoke(app, ["analyze", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(app, ["report", str(tmp_path)]).exit_code == 2
    run = small_run(tmp_path / "run")
    result = runner.invoke(app, ["adjudicate", str(run), "--sample", "x"])
    assert result.exit_code == 2 and "--field" in result.output


def test_analyze_without_readable_logs_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["analyze", str(empty)])
    assert result.exit_code == 2
    assert result.output == f"error: no readable eval logs under {empty}; no .eval files found\n"
    assert list(empty.iterdir()) == []
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "x.eval").write_text("not a zip")
    for command in ("analyze", "scan-awareness"):
        result = runner.invoke(app, [command, str(corrupt)])
        assert result.exit_code == 2, command
        assert result.output == f"error: no readable eval logs under {corrupt}; skipped: x.eval\n"
        assert [p.name for p in corrupt.iterdir()] == ["x.eval"]


def test_analyze_argument_errors(tmp_path: Path) -> None:
    run = small_run(tmp_path / "run")
    result = runner.invoke(app, ["analyze", str(run), "--bootstrap-b", "-5"])
    assert result.exit_code == 2
    assert result.output == "error: --bootstrap-b must be at least 1, got -5\n"
    result = runner.invoke(app, ["analyze", str(run), "--association-b", "0"])
    assert result.exit_code == 2
    assert result.output == "error: --association-b must be at least 1, got 0\n"
    log = sorted(run.rglob("*.eval"))[0]
    result = runner.invoke(app, ["analyze", str(log)])
    assert result.exit_code == 2
    assert result.output == (
        "error: expects a run directory (the folder holding repeat_NN/ or .eval files), "
        f"not a file: {log}\n"
    )
    assert not (run / "tool_analysis").exists()


def test_skipped_logs_are_printed_once(tmp_path: Path) -> None:
    run = small_run(tmp_path / "run")
    (run / "repeat_02" / "not-a-log.eval").write_text("this is not a zip file")
    result = runner.invoke(
        app, ["analyze", str(run), "--bootstrap-b", "20", "--association-b", "5", "--no-figures"]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "not-a-log.eval" in line]
    assert lines == ["skipped repeat_02/not-a-log.eval: ValueError: EOCD not found"]


def test_invalid_labels_file_fails_analyze(tmp_path: Path) -> None:
    run = small_run(tmp_path / "run")
    (run / "adjudication").mkdir()
    (run / "adjudication" / "adjusted_labels.csv").write_text("sample_uuid\nx\n")
    result = runner.invoke(app, ["analyze", str(run), "--no-figures"])
    assert result.exit_code == 1 and "missing column" in result.output


def test_scripts_are_thin_wrappers(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_synthetic_paper_grid.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and "OUT_DIR" in out.stdout.upper()
    for script in ("analyze_tool_traces.py", "render_tool_trace_report.py"):
        out = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / script), "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert out.returncode == 0, out.stderr


def test_report_accepts_the_run_directory(tmp_path: Path) -> None:
    run = small_run(tmp_path / "run")
    result = runner.invoke(app, ["report", str(run), "--no-figures"])
    assert result.exit_code == 2
    assert result.output == (
        f"error: no deterministic_state_table.csv in {run}; run `ic analyze` first\n"
    )
    analyzed = runner.invoke(
        app, ["analyze", str(run), "--bootstrap-b", "20", "--association-b", "5", "--no-figures"]
    )
    assert analyzed.exit_code == 0, analyzed.output
    out = run / "tool_analysis"
    (out / "report.html").unlink()
    for target in (run, out):
        result = runner.invoke(app, ["report", str(target), "--no-figures"])
        assert result.exit_code == 0, result.output
        assert result.output == f"wrote {out / 'tool_trace_report.md'} and {out / 'report.html'}\n"
        assert (out / "report.html").exists()


def test_adjudicate_command_line_errors_are_one_line_exit_2(tmp_path: Path) -> None:
    run = small_run(tmp_path / "run")
    from inspect_ic.analysis.adjudication.run import load_samples

    samples = load_samples(run)
    target = samples[samples.ic_behavior_detected == False].iloc[0]  # noqa: E712
    uuid = str(target.sample_uuid)
    good = {
        "--sample": uuid,
        "--field": "ic_behavior_detected",
        "--value": "True",
        "--reason-code": "other",
        "--reason": "why",
        "--reviewer": "bob",
    }

    def adjudicate(**change: str) -> tuple[int, str]:
        merged = {**good, **change}
        args = ["adjudicate", str(run)]
        for key, value in merged.items():
            args += [key, value]
        result = runner.invoke(app, args)
        return result.exit_code, result.output

    fields = "ic_behavior_detected, benchmark_task_completed, official_path_succeeded, "
    codes = "missed_committed_attempt, false_positive_benign_action, environment_defect, "
    expected = {
        "--field": (
            "bogus",
            f"field 'bogus' is not adjudicable (one of {fields}deterministic_label_status)",
        ),
        "--value": ("maybe", "adjusted_value 'maybe' is not a boolean (True/False)"),
        "--reason-code": (
            "bogus",
            f"reason_code 'bogus' is not one of {codes}invalid_resolved, completion_misjudged, other",
        ),
        "--source": ("bogus", "source 'bogus' must be 'manual' or 'audit_candidate:<id>'"),
        "--evidence": ("foo", "evidence item 'foo' is not an event or message index"),
        "--sample": (
            "nosuch",
            "no sample matches 'nosuch'; give a sample uuid, or a sample id narrowed with "
            "--model/--repeat/--log-file",
        ),
    }
    for option, (value, message) in expected.items():
        assert adjudicate(**{option: value}) == (2, f"error: {message}\n"), option
    assert not (run / "adjudication" / "adjusted_labels.csv").exists()
    sample_id = str(target.sample_id)
    assert adjudicate(**{"--sample": sample_id}) == (
        2,
        f"error: {sample_id!r} matches 3 samples; give the sample uuid, or narrow with "
        "--model/--repeat/--log-file\n",
    )
    code, output = adjudicate(**{"--sample": sample_id, "--log-file": str(target.log_file)})
    assert code == 0, output
    labels = run / "adjudication" / "adjusted_labels.csv"
    before = labels.read_bytes()
    code, output = adjudicate(**{"--value": "maybe"})
    assert (code, output) == (2, "error: adjusted_value 'maybe' is not a boolean (True/False)\n")
    code, output = adjudicate()
    assert code == 2 and output.startswith(f"error: sample {uuid} already has an override")
    assert "line 3" not in output and output.count("\n") == 1
    assert labels.read_bytes() == before
