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
