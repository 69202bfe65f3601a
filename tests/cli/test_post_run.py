"""The post-run analysis runs automatically, and a failing analysis never loses the run."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from inspect_ic.cli import app

ARGS = ["run", "scripted/noop", "--task", "budget_siphon", "--variant-id", "A", "--display", "none"]
ARGS += ["--message-limit", "6"]


def _run(run_dir: Path) -> Any:
    return CliRunner().invoke(app, [*ARGS, "--log-root", str(run_dir)])


def test_analysis_output_is_pointed_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Path] = []

    def fake_analyze(run_dir: Path) -> Any:
        out = Path(run_dir) / "tool_analysis"
        out.mkdir()
        (out / "tool_trace_report.md").write_text("# report\n")
        seen.append(Path(run_dir))
        return SimpleNamespace(out_dir=out)

    monkeypatch.setattr("inspect_ic.analysis.pipeline.analyze_run", fake_analyze)
    result = _run(tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert seen == [tmp_path / "run"]
    text = result.output.replace("\n", "")
    assert f"Tables:  {tmp_path / 'run' / 'tool_analysis'}" in text
    assert "tool_trace_report.md" in text
    manifest = json.loads((tmp_path / "run" / "run_manifest.json").read_text())
    assert manifest["post_run"]["analysis"]["status"] == "completed"


def test_failing_analysis_keeps_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(run_dir: Path) -> Any:
        raise RuntimeError("analysis exploded")

    monkeypatch.setattr("inspect_ic.analysis.pipeline.analyze_run", broken)
    result = _run(tmp_path / "run")
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "run" / "run_manifest.json").read_text())
    assert manifest["status"] == "completed"
    assert manifest["post_run"]["analysis"]["status"] == "failed"
    assert "analysis exploded" in manifest["post_run"]["analysis"]["error"]
    assert list((tmp_path / "run" / "repeat_01").glob("*.eval"))
    assert "inspect view --log-dir" in result.output


def test_view_line_uses_the_venv_inspect_when_not_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    import sys

    from inspect_ic.runner.postrun import inspect_command, view_command

    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: "/usr/bin/inspect")
    assert view_command(Path("runs/x")) == "inspect view --log-dir runs/x"
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    local = Path(sys.executable).parent / "inspect"
    assert local.is_file()  # the venv's console script
    assert inspect_command() == str(local)  # cwd (tmp_path) is not above the venv
    monkeypatch.chdir(local.parents[2])
    assert inspect_command() == str(local.relative_to(local.parents[2]))  # e.g. .venv/bin/inspect
    monkeypatch.chdir(tmp_path)

    monkeypatch.setattr("inspect_ic.analysis.pipeline.analyze_run", lambda run_dir: None)
    result = CliRunner().invoke(app, [*ARGS, "--no-analysis", "--log-root", "run"])
    assert result.exit_code == 0, result.output
    view = [line for line in result.output.splitlines() if line.startswith("View:")]
    assert view == [f"View:    {local} view --log-dir run"], result.output
