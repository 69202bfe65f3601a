"""``.env`` loading, the GEMINI alias and environment parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspect_ic.runner.envsetup import (
    apply_key_aliases,
    env_flag,
    env_int,
    env_list,
    load_dotenv_files,
)
from inspect_ic.runner.errors import UsageError


def test_gemini_alias_sets_google_only_when_missing() -> None:
    env = {"GEMINI_API_KEY": "g"}
    apply_key_aliases(env)
    assert env["GOOGLE_API_KEY"] == "g"
    env = {"GEMINI_API_KEY": "g", "GOOGLE_API_KEY": "own"}
    apply_key_aliases(env)
    assert env["GOOGLE_API_KEY"] == "own"


def test_dotenv_is_loaded_without_overriding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("IC_TEST_FROM_DOTENV=file\nIC_TEST_ALREADY_SET=file\n")
    monkeypatch.setenv("IC_TEST_ALREADY_SET", "shell")
    monkeypatch.delenv("IC_TEST_FROM_DOTENV", raising=False)
    loaded = load_dotenv_files(tmp_path)
    import os

    assert tmp_path / ".env" in loaded
    assert os.environ["IC_TEST_FROM_DOTENV"] == "file"
    assert os.environ["IC_TEST_ALREADY_SET"] == "shell"
    monkeypatch.delenv("IC_TEST_FROM_DOTENV")


def test_env_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IC_REPEATS", "4")
    monkeypatch.setenv("IC_ENABLE_TOOL_TRACE_AUDIT", "true")
    monkeypatch.setenv("IC_TOOL_TRACE_AUDIT_MODELS", "openai/gpt-5, anthropic/claude")
    assert env_int("IC_REPEATS") == 4
    assert env_flag("IC_ENABLE_TOOL_TRACE_AUDIT") is True
    assert env_list("IC_TOOL_TRACE_AUDIT_MODELS") == ["openai/gpt-5", "anthropic/claude"]
    monkeypatch.setenv("IC_REPEATS", "three")
    with pytest.raises(UsageError, match="IC_REPEATS must be an integer"):
        env_int("IC_REPEATS")
