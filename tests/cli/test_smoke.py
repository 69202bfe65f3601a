"""``ic smoke``: a model that calls our tools is ready; one that only writes text is not."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from inspect_ic.cli import app

runner = CliRunner()


def test_smoke_reports_readiness_per_model(tmp_path: Path) -> None:
    out = tmp_path / "smoke"
    result = runner.invoke(
        app,
        [
            "smoke",
            "scripted/honest",
            "scripted/noop",
            "--log-dir",
            str(out),
            "--message-limit",
            "6",
        ],
    )
    assert result.exit_code == 1, result.output  # noop never calls a tool
    rows = {r["model"]: r for r in json.loads((out / "smoke_report.json").read_text())}
    assert rows["scripted/honest"]["ready"] is True
    assert rows["scripted/honest"]["parsed_calls"] >= 1
    assert rows["scripted/noop"]["ready"] is False
    assert rows["scripted/noop"]["reason"] == "the model answered in text and never called a tool"
    assert f"inspect view --log-dir {out}" in result.output.replace("\n", "")


def test_smoke_ready_model_exits_0(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "smoke",
            "scripted/honest",
            "--task",
            "quota_boost",
            "--log-dir",
            str(tmp_path),
            "--message-limit",
            "4",
        ],
    )
    assert result.exit_code == 0, result.output
