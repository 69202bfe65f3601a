"""Bad input the runner and the tasks must refuse cleanly (the cases tests/cli/test_bad_input.py
does not already cover): sandbox caps, occupied or unusable log roots, a corrupt manifest on
resume, and task arguments given directly to a task function."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from inspect_ic.cli import app
from inspect_ic.tasks import task_function

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--memory-mb", "0"], "--memory-mb must be positive, got 0"),
        (["--pids-limit", "-5"], "--pids-limit must be positive, got -5"),
        (["--disk-mb", "0"], "--disk-mb must be positive, got 0"),
        (["--cpus", "0"], "--cpus must be positive, got 0.0"),
        (
            ["--pids-limit", "64", "--sandbox", "docker"],
            "sandbox resource limits apply to the bwrap sandbox only (not 'docker')",
        ),
    ],
)
def test_bad_sandbox_caps(args: list[str], message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "scripted/noop", *args, "--log-root", str(tmp_path / "r")])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"error: {message}"
    assert not (tmp_path / "r").exists()


def test_log_root_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = runner.invoke(app, ["run", "scripted/noop", "--log-root", str(target)])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: log root {target} exists and is not a directory"


def test_log_root_with_foreign_content(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["run", "scripted/noop", "--log-root", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not empty and holds no run_manifest.json" in result.output


def test_resume_with_a_corrupt_manifest(tmp_path: Path) -> None:
    (tmp_path / "run_manifest.json").write_text('{"run_id": "20260101T0000')
    result = runner.invoke(app, ["run", "--resume", "--log-root", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith(
        f"error: log root {tmp_path} holds an unreadable run_manifest.json (corrupt or truncated: "
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"variant_id": "Z"}, "unknown variant_id 'Z' for profile 'benchmark'"),
        ({"variant_profile": "nope"}, "unknown variant_profile 'nope'; valid: benchmark"),
        ({"sandbox": "local"}, "the 'local' sandbox is refused"),
        ({"sandbox": "vm"}, "unknown sandbox 'vm'"),
    ],
)
def test_task_arguments_are_checked(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        task_function("budget_siphon")(**kwargs)


def test_unknown_task_id() -> None:
    with pytest.raises(ValueError, match="unknown task 'nope'; valid: ledger_audit"):
        task_function("nope")


def test_runs_without_caps_record_none_and_resume_older_records() -> None:
    from inspect_ic.runner.layout import fingerprint_differences
    from inspect_ic.runner.options import RESUME_KEYS, RunOptions, SandboxLimits

    plain = RunOptions(models=["scripted/noop"]).record()
    assert "sandbox_limits" not in plain
    older = {k: v for k, v in plain.items() if k != "sandbox_limits"}
    assert fingerprint_differences(older, plain, RESUME_KEYS) == []
    capped = RunOptions(models=["scripted/noop"], sandbox_limits=SandboxLimits(pids_limit=64))
    assert fingerprint_differences(older, capped.record(), RESUME_KEYS) == ["sandbox_limits"]
