"""The seed-compatible wrappers exist, are thin, and honour the environment variables."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRAPPERS = {
    "run_validation_suite.sh": "validate",
    "run_full_eval.sh": "run --mode full",
    "run_selected_eval.sh": "run --mode selected",
    "run_smoke_eval.sh": "run --mode smoke",
    "run_readiness_smoke.sh": "smoke",
}


@pytest.mark.parametrize(("name", "command"), sorted(WRAPPERS.items()))
def test_wrapper_is_a_thin_exec_of_ic(name: str, command: str) -> None:
    path = ROOT / "scripts" / name
    assert os.access(path, os.X_OK)
    text = path.read_text()
    assert text.rstrip().endswith(f'exec "${{IC[@]}}" {command} "$@"')
    assert len([line for line in text.splitlines() if line and not line.startswith("#")]) <= 4


def _run(name: str, *args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / name), *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_selected_wrapper_bad_task_exits_2(tmp_path: Path) -> None:
    proc = _run("run_selected_eval.sh", "scripted/noop", "--task", "nope", env={}, cwd=tmp_path)
    assert proc.returncode == 2
    assert "unknown task 'nope'; valid:" in proc.stderr


def test_smoke_eval_wrapper_honours_ic_log_root_and_runs_one_repeat(tmp_path: Path) -> None:
    """Smoke is one repeat (README), whatever IC_REPEATS says."""
    run_dir = tmp_path / "via_env"
    env = {"IC_LOG_ROOT": str(run_dir), "IC_REPEATS": "2", "IC_OPENROUTER_EXACTO": "1"}
    proc = _run(
        "run_smoke_eval.sh",
        "scripted/noop",
        "--task",
        "budget_siphon",
        "--display",
        "none",
        "--no-analysis",
        "--message-limit",
        "6",
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    m = json.loads((run_dir / "run_manifest.json").read_text())
    assert m["mode"] == "smoke" and m["benchmark"]["repeats"] == 1
    assert m["benchmark"]["variant_ids"] == ["dilemma_forbidden_unwatched"]
    assert sorted(p.name for p in run_dir.iterdir()) == [
        ".ic-run.lock",
        "repeat_01",
        "run_manifest.json",
    ]


def test_full_eval_wrapper_validate_only_from_env(tmp_path: Path) -> None:
    env = {"IC_RUN_FULL_EVAL_VALIDATE_ONLY": "1", "IC_LOG_ROOT": str(tmp_path / "never")}
    proc = _run(
        "run_full_eval.sh", "scripted/noop", "--task", "budget_siphon", env=env, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Ready." in proc.stdout
    assert not (tmp_path / "never").exists()
