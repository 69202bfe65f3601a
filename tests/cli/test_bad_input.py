"""Each bad input ends with a one-line error naming the valid values (or the variable) and exit 2,
before any run directory is created."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inspect_ic.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["run", "scripted/noop", "--task", "nope"],
            "unknown task 'nope'; valid: ledger_audit, budget_siphon",
        ),
        (
            ["run", "scripted/noop", "--variant-id", "Z"],
            "unknown variant_id 'Z' for profile 'benchmark'; valid: dilemma_forbidden_unwatched",
        ),
        (
            ["run", "scripted/noop", "--variant-profile", "bogus"],
            "unknown variant profile 'bogus'; valid: benchmark, diagnostic, extension",
        ),
        (
            ["run", "scripted/noop", "--sandbox", "vm"],
            "unknown sandbox 'vm'; valid: bwrap, local, docker, k8s",
        ),
        (
            ["run", "scripted/noop", "--mode", "turbo"],
            "unknown mode 'turbo'; valid: full, selected, smoke",
        ),
        (["run", "openai/gpt-5"], "OPENAI_API_KEY is not set (needed by openai/gpt-5)"),
        (["run", "openrouter/qwen/qwen3-coder"], "OPENROUTER_API_KEY is not set"),
        (["run", "gpt-5"], "is not an Inspect model name"),
        (["run"], "name at least one model"),
        (["run", "scripted/noop", "--repeats", "0"], "--repeats must be at least 1"),
        (["smoke", "anthropic/claude-sonnet-4-5"], "ANTHROPIC_API_KEY is not set"),
        (["smoke", "scripted/noop", "--task", "nope"], "unknown task 'nope'"),
        (
            ["validate", "--skip", "everything"],
            "unknown validation step 'everything'; valid: lint, types, unit, matrix",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ") and message in lines[0]
    assert not (tmp_path / "logs").exists() or args[0] == "validate"


def test_local_sandbox_is_refused_for_real_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "dummy")
    result = runner.invoke(app, ["run", "openai/gpt-5", "--sandbox", "local"])
    assert result.exit_code == 2
    assert "--sandbox local is refused for real models (openai/gpt-5)" in result.output


def test_log_root_holding_another_run_is_refused(tmp_path: Path) -> None:
    run_dir = tmp_path / "occupied"
    run_dir.mkdir()
    (run_dir / "run_manifest.json").write_text(
        json.dumps({"run_id": "20260101T000000Z_abc1234", "status": "completed", "run_options": {}})
    )
    result = runner.invoke(app, ["run", "scripted/noop", "--log-root", str(run_dir)])
    assert result.exit_code == 2
    assert "already holds run 20260101T000000Z_abc1234" in result.output
    assert "--resume" in result.output
    resumed = runner.invoke(app, ["run", "scripted/noop", "--log-root", str(run_dir), "--resume"])
    assert resumed.exit_code == 2
    assert "holds a different run (differs in: models" in resumed.output


@pytest.mark.parametrize(
    "args",
    [
        ["run", "scripted/noop", "--max-samples", "0"],
        ["run", "scripted/noop", "--max-sandboxes", "0"],
        ["run", "scripted/noop", "--max-tasks", "0"],
        ["run", "scripted/noop", "--max-connections", "0"],
        ["run", "scripted/noop", "--message-limit", "0"],
        ["run", "scripted/noop", "--working-limit", "0"],
        ["run", "scripted/noop", "--token-limit", "0"],
        ["run", "scripted/noop", "--time-limit", "0"],
        ["run", "scripted/noop", "--max-tokens", "0"],
        ["run", "scripted/noop", "--max-samples", "-1"],
        ["run", "scripted/noop", "--retry-attempts", "-1"],
        ["run", "--resume", "--log-root", "somewhere", "--max-samples", "0"],
        ["smoke", "scripted/noop", "--message-limit", "0"],
    ],
)
def test_counts_below_their_minimum_exit_2(args: list[str], tmp_path: Path) -> None:
    """A zero concurrency limit would hang the run; a zero message limit would run nothing."""
    option = next(a for a in args if a.startswith("--") and a != "--resume" and a != "--log-root")
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output
    assert "greater than or equal to" in result.output
    assert not (tmp_path / "logs").exists() and not (tmp_path / "somewhere").exists()


@pytest.mark.parametrize(
    ("log_root", "message"),
    [
        ("afile/sub", "cannot be created: afile is not a directory"),
        ("afile", "log root afile exists and is not a directory"),
        ("/proc/ic-forbidden", "cannot be created or written: No such file or directory"),
    ],
)
def test_unusable_log_root_exits_2_with_one_line(log_root: str, message: str) -> None:
    Path("afile").write_text("not a directory\n")
    args = ["run", "scripted/noop", "--task", "budget_siphon", "--variant-id", "A"]
    result = runner.invoke(app, [*args, "--display", "none", "--log-root", log_root])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: log root {log_root}") and message in lines[0]
    assert "choose another --log-root" in lines[0] or "not a directory" in lines[0]


SELECT = ["--task", "budget_siphon", "--variant-id", "A", "--display", "none"]


def _one_error_line(result: object) -> str:
    output = getattr(result, "output", "")
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("error: ")
    return lines[0]


def test_unknown_provider_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    args = ["run", "nosuchprovider/model", *SELECT, "--log-root", str(run_dir)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    line = _one_error_line(result)
    assert "model nosuchprovider/model cannot be used" in line and "not recognized" in line
    assert not run_dir.exists()
    # nothing was left behind, so the same root is still usable (and --resume has nothing)
    resumed = runner.invoke(app, ["run", "--resume", "--log-root", str(run_dir)])
    assert resumed.exit_code == 2 and "nothing to resume" in resumed.output


def test_missing_provider_sdk_names_the_pip_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "dummy-key")
    monkeypatch.setitem(sys.modules, "anthropic", None)  # import anthropic -> ImportError
    run_dir = tmp_path / "run"
    args = ["run", "anthropic/claude-ic-no-sdk", *SELECT, "--log-root", str(run_dir)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    line = _one_error_line(result)
    assert line.startswith("error: model anthropic/claude-ic-no-sdk cannot be used: ")
    assert "requires optional dependencies" in line and "pip install anthropic" in line
    assert "[bold]" not in line and "dummy-key" not in line
    assert not run_dir.exists()


def test_unknown_scripted_policy_lists_the_valid_ones(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    args = ["run", "scripted/nosuchpolicy", *SELECT, "--task", "quota_boost"]
    result = runner.invoke(app, [*args, "--log-root", str(run_dir)])
    assert result.exit_code == 2, result.output
    line = _one_error_line(result)
    assert "unknown scripted policy 'nosuchpolicy' for task(s) budget_siphon, quota_boost" in line
    valid = line.split("valid: ", 1)[1].split(", ")
    # the union over the selected tasks, plus the adversarial cases
    assert {"noop", "honest", "shortcut_transfer", "shortcut_legacy_key"} <= set(valid)
    assert "adv_exceed_limits" in valid
    assert not run_dir.exists()


def test_smoke_refuses_an_unknown_scripted_policy(tmp_path: Path) -> None:
    result = runner.invoke(app, ["smoke", "scripted/nosuchpolicy", "--log-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "unknown scripted policy 'nosuchpolicy' for task(s) budget_siphon" in result.output


def test_resume_from_another_checkout_is_refused(tmp_path: Path) -> None:
    """Inspect pairs logs with tasks by task file path: a run started from another checkout
    cannot be resumed from this one, and the error names the command that can."""
    run_dir = tmp_path / "run"
    args = ["run", "scripted/noop", "--task", "budget_siphon", "--variant-id", "A"]
    first = runner.invoke(
        app, [*args, "--log-root", str(run_dir), "--no-analysis", "--display", "none"]
    )
    assert first.exit_code == 0, first.output
    manifest_path = run_dir / "run_manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["repo"]["root"] = "/srv/other-checkout"
    manifest_path.write_text(json.dumps(manifest))
    before = sorted(p.name for p in run_dir.rglob("*"))
    resumed = runner.invoke(app, ["run", "--resume", "--log-root", str(run_dir)])
    assert resumed.exit_code == 2
    line = " ".join(resumed.output.split())
    assert "holds a run started from the checkout at /srv/other-checkout" in line
    assert f"/srv/other-checkout/.venv/bin/ic run --resume --log-root {run_dir}" in line
    assert sorted(p.name for p in run_dir.rglob("*")) == before
    assert json.loads(manifest_path.read_text())["status"] == "completed"
