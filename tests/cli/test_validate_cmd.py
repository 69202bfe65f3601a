"""``ic validate`` runs its steps, writes a dry-run manifest and fails when a step fails."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from inspect_ic.cli import app
from inspect_ic.runner.validation import STEP_NAMES, Step, default_steps, run_validation


def test_default_steps_cover_lint_types_unit_and_the_full_matrix() -> None:
    steps = default_steps()
    assert [s.name for s in steps] == list(STEP_NAMES)
    assert steps[-1].env == {"IC_FULL_MATRIX": "1", "IC_FULL_RELIABILITY": "1"}
    assert default_steps(full_matrix=False)[-1].env == {
        "IC_FULL_MATRIX": "0",
        "IC_FULL_RELIABILITY": "0",
    }
    assert any("--ignore=tests/e2e" in c for c in steps[2].commands[0])


def test_run_validation_writes_the_dry_run_manifest(tmp_path: Path) -> None:
    steps = [
        Step("lint", [[sys.executable, "-c", "print('clean')"]]),
        Step("unit", [[sys.executable, "-c", "import sys; sys.exit(3)"]]),
    ]
    code = run_validation(
        steps, tmp_path, ["ic", "validate"], Console(file=open("/dev/null", "w")), tmp_path
    )
    assert code == 1
    [manifest_path] = list((tmp_path / "validation").glob("*/run_manifest.json"))
    m = json.loads(manifest_path.read_text())
    assert m["mode"] == "validate" and m["status"] == "failed" and m["exit_code"] == 1
    assert m["validation"]["steps"]["lint"]["ok"] is True
    assert m["validation"]["steps"]["unit"]["returncode"] == 3
    assert {"repo", "python", "packages", "files", "env", "toolchain"} <= set(m)
    assert (manifest_path.parent / "lint.log").read_text().endswith("clean\n")


def test_validate_command_with_every_step_skipped(tmp_path: Path) -> None:
    args = ["validate", "--logs-dir", str(tmp_path)]
    for step in STEP_NAMES:
        args += ["--skip", step]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Validation manifest:" in result.output


def test_ic_help_lists_every_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "run", "validate", "smoke"):
        assert command in result.output
