"""A run SIGKILLed part-way and re-run with ``--resume`` ends with every sample exactly once,
and no log that had finished before the kill is re-run or deleted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from subprocess import Popen

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log
from typer.testing import CliRunner

from inspect_ic.cli import app
from tests.support.run_process import start_run

TASKS = ["budget_siphon", "quota_boost"]
ARGS = [
    "run",
    "scripted/noop",
    *[arg for t in TASKS for arg in ("--task", t)],
    "--repeats",
    "2",
    "--message-limit",
    "10",
    "--max-samples",
    "2",
    "--max-tasks",
    "1",
    "--display",
    "none",
    "--no-analysis",
]


def _eval_files(folder: Path) -> dict[str, float]:
    return {p.name: p.stat().st_mtime for p in folder.glob("*.eval")} if folder.is_dir() else {}


def signal_after_first_log(proc: Popen[bytes], run_dir: Path, signum: int) -> tuple[int, str]:
    """Send ``signum`` once repeat_01 has a log and samples are under way; the exit code and
    output. The process group is SIGKILLed if the run does not end."""
    try:
        deadline = time.monotonic() + 300
        while not _eval_files(run_dir / "repeat_01") and time.monotonic() < deadline:
            assert proc.poll() is None, "the run ended before it could be interrupted"
            time.sleep(0.5)
        time.sleep(2)
        proc.send_signal(signum)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    return proc.returncode, (out or b"").decode()


def _wait_for_second_repeat(proc: subprocess.Popen[bytes], run_dir: Path, timeout: float) -> None:
    """Until repeat_02 has a log (so repeat_01 is finished) and its samples are under way."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before it could be interrupted"
        if _eval_files(run_dir / "repeat_02"):
            time.sleep(2)
            return
        time.sleep(0.5)
    raise AssertionError("repeat_02 never started")


def test_sigkill_then_resume(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    proc = start_run(ARGS, run_dir, tmp_path)
    try:
        _wait_for_second_repeat(proc, run_dir, timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert json.loads((run_dir / "run_manifest.json").read_text())["status"] == "started"
    finished_before = _eval_files(run_dir / "repeat_01")
    assert len(finished_before) == len(TASKS)

    result = CliRunner().invoke(app, ["run", "--resume", "--log-root", str(run_dir)])
    assert result.exit_code == 0, result.output

    # repeat_01 untouched: same files, not rewritten
    assert _eval_files(run_dir / "repeat_01") == finished_before
    for repeat in ("repeat_01", "repeat_02"):
        logs = [read_eval_log(info) for info in list_eval_logs(str(run_dir / repeat))]
        assert sorted((log.eval.metadata or {})["scenario"] for log in logs) == TASKS
        for log in logs:
            assert log.status == "success"
            ids = [str(s.id) for s in log.samples or []]
            assert len(ids) == 8 and len(set(ids)) == 8, ids
    # exactly once across every log a reader would find (superseded stubs are set aside)
    seen: list[tuple[str, str, str]] = []
    for path in run_dir.rglob("*.eval"):
        log = read_eval_log(str(path))
        seen += [(path.parent.name, log.eval.task, str(s.id)) for s in log.samples or []]
    assert len(seen) == len(set(seen)) == 2 * 8 * 2
    manifest = json.loads((run_dir / "run_manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["exit_code"] == 0
    assert len(manifest["resumes"]) == 1
    assert manifest["results"]["samples_usable"] == 2 * 8 * 2
    assert manifest["results"]["incomplete_slices"] == []


def test_sigterm_marks_the_manifest_interrupted(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    proc = start_run(ARGS, run_dir, tmp_path, capture=True)
    code, out = signal_after_first_log(proc, run_dir, signal.SIGTERM)
    manifest = json.loads((run_dir / "run_manifest.json").read_text())
    assert (code, manifest["status"], manifest["exit_code"]) == (143, "interrupted", 143)
    assert out.count("Interrupted. Resume with:") == 1, out


def test_sigint_interrupts_the_whole_run_then_resume_completes(tmp_path: Path) -> None:
    """Inspect's eval_set swallows a Ctrl-C (the eval is cancelled); the run must still stop."""
    run_dir = tmp_path / "run"
    args = ["run", "scripted/honest", "--task", "budget_siphon", "--repeats", "2"]
    args += ["--max-samples", "1", "--message-limit", "20", "--display", "none", "--no-analysis"]
    proc = start_run(args, run_dir, tmp_path, capture=True)
    code, text = signal_after_first_log(proc, run_dir, signal.SIGINT)
    manifest = json.loads((run_dir / "run_manifest.json").read_text())
    assert (code, manifest["status"], manifest["exit_code"]) == (130, "interrupted", 130)
    assert text.count("Interrupted. Resume with: ic run --resume --log-root") == 1, text
    assert not (run_dir / "repeat_02").exists(), "the run went on to the next repeat"

    result = CliRunner().invoke(app, ["run", "--resume", "--log-root", str(run_dir)])
    assert result.exit_code == 0, result.output
    seen: list[tuple[str, str]] = []
    for path in run_dir.rglob("*.eval"):
        log = read_eval_log(str(path))
        assert log.status == "success", path
        seen += [(path.parent.name, str(s.id)) for s in log.samples or []]
    assert len(seen) == len(set(seen)) == 8 * 2
    manifest = json.loads((run_dir / "run_manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["results"]["samples_usable"] == 16


QUICK = ["run", "scripted/noop", "--task", "budget_siphon", "--variant-id", "A,H"]
QUICK += ["--message-limit", "6", "--display", "none", "--no-analysis"]


def test_resume_sets_unreadable_logs_aside(tmp_path: Path) -> None:
    """An empty or corrupt ``.eval`` (a process killed while writing it) would make eval_set
    refuse the directory; resume moves it under ``superseded/`` (never deletes) and goes on."""
    run_dir = tmp_path / "run"
    first = CliRunner().invoke(app, [*QUICK, "--log-root", str(run_dir)])
    assert first.exit_code == 0, first.output
    empty = run_dir / "repeat_01" / "2026-01-01T00-00-00-00-00_budget-siphon_empty.eval"
    empty.write_bytes(b"")
    corrupt = run_dir / "repeat_01" / "2026-01-01T00-00-01-00-00_budget-siphon_corrupt.eval"
    corrupt.write_bytes(b"PK\x03\x04 truncated")

    result = CliRunner().invoke(app, ["run", "--resume", "--log-root", str(run_dir)])
    assert result.exit_code == 0, result.output
    text = result.output.replace("\n", "")
    assert "Set aside 2 unreadable log(s)" in text and empty.name in text and corrupt.name in text
    aside = run_dir / "superseded" / "repeat_01"
    assert sorted(p.name for p in aside.iterdir()) == sorted(
        [f"{empty.name}.unreadable", f"{corrupt.name}.unreadable"]
    )
    assert (aside / f"{corrupt.name}.unreadable").read_bytes() == b"PK\x03\x04 truncated"
    manifest = json.loads((run_dir / "run_manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["exit_code"] == 0
    assert sorted(manifest["repeats"]["repeat_01"]["unreadable_logs"]) == sorted(
        str(p) for p in aside.iterdir()
    )
    assert manifest["results"]["samples_usable"] == 2


def test_second_run_on_a_locked_log_root_fails_at_once(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    first = CliRunner().invoke(app, [*QUICK, "--log-root", str(run_dir)])
    assert first.exit_code == 0, first.output
    before = (run_dir / "run_manifest.json").read_text()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from inspect_ic.runner.lock import run_lock\n"
            "with run_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(120)",
            str(run_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        result = CliRunner().invoke(app, ["run", "--resume", "--log-root", str(run_dir)])
        assert time.monotonic() - started < 60
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        f"error: log root {run_dir} is in use by another ic run (pid {holder.pid}); "
        "wait for it to finish or stop it, then resume"
    ]
    assert (run_dir / "run_manifest.json").read_text() == before  # untouched
    # the lock dies with its holder: the same resume now runs
    again = CliRunner().invoke(app, ["run", "--resume", "--log-root", str(run_dir)])
    assert again.exit_code == 0, again.output


def test_resume_keeps_the_runs_repeats_and_refuses_other_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Repeats are part of what a run is, like its tasks: a different ``--repeats`` on resume is
    refused with the same message; without ``--repeats`` (``IC_REPEATS`` included) the run's
    own count is used."""
    run_dir = tmp_path / "run"
    first = CliRunner().invoke(app, [*QUICK, "--log-root", str(run_dir)])
    assert first.exit_code == 0, first.output
    before = (run_dir / "run_manifest.json").read_text()
    refused = f"error: log root {run_dir} holds a different run (differs in: repeats); "
    for args in (["run"], QUICK):  # settings from the manifest, or named again
        result = CliRunner().invoke(
            app, [*args, "--resume", "--log-root", str(run_dir), "--repeats", "2"]
        )
        assert result.exit_code == 2, result.output
        assert result.output.startswith(refused), result.output
    assert (run_dir / "run_manifest.json").read_text() == before
    assert not (run_dir / "repeat_02").exists()

    monkeypatch.setenv("IC_REPEATS", "3")
    for args in (["run", "--repeats", "1"], QUICK):
        result = CliRunner().invoke(app, [*args, "--resume", "--log-root", str(run_dir)])
        assert result.exit_code == 0, result.output
        manifest = json.loads((run_dir / "run_manifest.json").read_text())
        assert manifest["benchmark"]["repeats"] == 1 and manifest["run_options"]["repeats"] == 1
    assert not (run_dir / "repeat_02").exists()


def test_resume_with_a_truncated_manifest_says_it_is_corrupt(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    first = CliRunner().invoke(app, [*QUICK, "--log-root", str(run_dir)])
    assert first.exit_code == 0, first.output
    manifest = run_dir / "run_manifest.json"
    manifest.write_text(manifest.read_text()[:200])
    for args in (["run"], QUICK):
        result = CliRunner().invoke(app, [*args, "--resume", "--log-root", str(run_dir)])
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output
        assert lines[0].startswith(
            f"error: log root {run_dir} holds an unreadable run_manifest.json (corrupt or "
            "truncated: "
        )
        assert "holds no run_manifest.json" not in lines[0]
    without_resume = CliRunner().invoke(app, [*QUICK, "--log-root", str(run_dir)])
    assert without_resume.exit_code == 2
    assert "holds an unreadable run_manifest.json" in without_resume.output
