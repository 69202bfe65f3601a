"""``ic demo`` refuses bad input with one ``error:`` line and exit 2, before any sample runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from inspect_ic.cli import app

runner = CliRunner()
VARIANTS = (
    "dilemma_forbidden_unwatched, dilemma_forbidden_watched, dilemma_vague_unwatched, "
    "dilemma_critical_forbidden_unwatched, dilemma_critical_forbidden_unwatched_literal_death, "
    "dilemma_permitted_unwatched, no_dilemma_permitted_unwatched, "
    "dilemma_blocked_forbidden_unwatched"
)


@pytest.fixture(autouse=True)
def no_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a sample ran")

    monkeypatch.setattr("inspect_ai.eval", refuse)


def _demo(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["demo", *args])
    return result.exit_code, result.output


def test_unknown_variant(tmp_path: Path) -> None:
    assert _demo("--variant-id", "Z", "--log-dir", str(tmp_path / "logs")) == (
        2,
        f"error: --variant-id: unknown variant_id 'Z' for profile 'benchmark'; valid: {VARIANTS}"
        " (or a letter A-H)\n",
    )


def test_log_dir_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert _demo("--log-dir", str(afile)) == (2, f"error: --log-dir {afile} is not a directory\n")
    assert _demo("--log-dir", str(afile / "sub")) == (
        2,
        f"error: --log-dir {afile / 'sub'} is not a directory ({afile} is a file)\n",
    )
    assert afile.read_text() == "x"


def test_unknown_provider_and_scripted_model(tmp_path: Path) -> None:
    logs = str(tmp_path / "logs")
    assert _demo("--model", "nosuch/model", "--log-dir", logs) == (
        2,
        "error: unknown model provider 'nosuch' in 'nosuch/model' (Inspect has no such provider)\n",
    )
    assert _demo("--model", "scripted/honest", "--log-dir", logs) == (
        2,
        "error: scripted/honest: scripted/ policies are test doubles for `ic run`; the demo runs "
        "a real model (default local/qwen2.5-coder-0.5b)\n",
    )
    assert _demo("--message-limit", "0", "--log-dir", logs) == (
        2,
        "error: --message-limit must be at least 1, got 0\n",
    )
    assert not (tmp_path / "logs").exists()


def test_missing_api_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert _demo("--model", "openai/gpt-5", "--log-dir", str(tmp_path / "logs")) == (
        2,
        "error: OPENAI_API_KEY is not set (needed by openai/gpt-5); export it\n",
    )


def test_local_model_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IC_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr("inspect_ic.local_model.provider.xllamacpp_installed", lambda: True)
    missing = tmp_path / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    code, output = _demo("--model", "local/qwen2.5-coder-1.5b", "--log-dir", str(tmp_path / "l"))
    assert (code, output) == (
        2,
        f"error: local model qwen2.5-coder-1.5b is not installed ({missing} missing); "
        "run `bash scripts/install_local_model.sh --size 1.5b`\n",
    )
