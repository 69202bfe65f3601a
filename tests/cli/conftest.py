"""Hermetic CLI tests: a scratch working directory, no provider keys, no ``.env``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from inspect_ic.runner.models import CREDENTIAL_VARS, PROVIDER_KEYS

IC_VARS = (
    "IC_REPEATS",
    "IC_LOG_ROOT",
    "IC_RUN_FULL_EVAL_VALIDATE_ONLY",
    "IC_ENABLE_TOOL_TRACE_AUDIT",
    "IC_TOOL_TRACE_AUDIT_MODELS",
    "IC_OPENROUTER_EXACTO",
    "OPENAI_REASONING_EFFORT",
    "OPENAI_REASONING_SUMMARY",
    "ANTHROPIC_REASONING_TOKENS",
)


@pytest.fixture(autouse=True)
def hermetic_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """cwd = tmp_path; provider keys and IC_* variables unset; ``.env`` files ignored."""
    monkeypatch.chdir(tmp_path)
    keys = {k for ks in PROVIDER_KEYS.values() for k in ks} | set(CREDENTIAL_VARS) | set(IC_VARS)
    for var in keys:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("inspect_ic.runner.envsetup.load_dotenv_files", lambda start=None: [])
    yield tmp_path
