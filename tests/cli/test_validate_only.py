"""``ic run --validate-only`` checks tasks, sandboxes, keys and model names with no model call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from inspect_ic.cli import app
from inspect_ic.runner.provenance import package_version
from inspect_ic.runner.scripted import ScriptedModelAPI

runner = CliRunner()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Policies whose scripted model was asked for a turn."""
    seen: list[str] = []
    original = ScriptedModelAPI.generate

    async def spy(self: ScriptedModelAPI, *args: Any, **kwargs: Any) -> Any:
        seen.append(self.policy)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(ScriptedModelAPI, "generate", spy)
    return seen


def test_validate_only_never_calls_the_model_under_test(tmp_path: Path, calls: list[str]) -> None:
    run_dir = tmp_path / "run"
    args = ["run", "scripted/honest", "--task", "budget_siphon", "--validate-only"]
    result = runner.invoke(app, [*args, "--log-root", str(run_dir)])
    assert result.exit_code == 0, result.output
    assert "Ready." in result.output
    for check in ("task loads", "sandbox + bootstrap", "credentials", "model resolves", "log root"):
        assert check in result.output
    assert "honest" not in calls  # the sandbox round-trip is driven by the noop double only
    assert set(calls) <= {"noop"}
    assert not run_dir.exists()


def test_validate_only_from_environment(monkeypatch: pytest.MonkeyPatch, calls: list[str]) -> None:
    monkeypatch.setenv("IC_RUN_FULL_EVAL_VALIDATE_ONLY", "1")
    result = runner.invoke(
        app, ["run", "scripted/honest", "--task", "quota_boost", "--variant-id", "H"]
    )
    assert result.exit_code == 0, result.output
    assert "Validate-only preflight" in result.output
    assert "honest" not in calls
    assert not Path("logs").exists()


def test_validate_only_reports_an_unresolvable_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "dummy-key")
    result = runner.invoke(
        app,
        ["run", "openai/gpt-5", "--task", "budget_siphon", "--variant-id", "A", "--validate-only"],
    )
    if package_version("openai") is None:
        assert result.exit_code == 1, result.output
        assert "FAIL" in result.output and "openai" in result.output
    else:
        assert result.exit_code == 0, result.output
    assert "dummy-key" not in result.output
