"""Model ids, credential presence and per-model generation settings."""

from __future__ import annotations

import pytest

from inspect_ic.runner.errors import UsageError
from inspect_ic.runner.models import (
    CREDENTIAL_VARS,
    GenerationSettings,
    credential_presence,
    generation_config,
    generation_record,
    missing_credentials,
    normalize_model,
    require_credentials,
)


def test_openrouter_ids_get_exacto_unless_disabled_or_pinned() -> None:
    assert (
        normalize_model("openrouter/qwen/qwen3-coder", {}) == "openrouter/qwen/qwen3-coder:exacto"
    )
    assert (
        normalize_model("openrouter/qwen/qwen3-coder", {"IC_OPENROUTER_EXACTO": "0"})
        == "openrouter/qwen/qwen3-coder"
    )
    assert normalize_model("openrouter/x/y:free", {}) == "openrouter/x/y:free"
    assert normalize_model("openai/gpt-5", {}) == "openai/gpt-5"


def test_model_without_provider_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="provider/model"):
        normalize_model("gpt-5", {})


def test_missing_credentials_names_the_variable() -> None:
    env = {"ANTHROPIC_API_KEY": "x"}
    models = ["anthropic/claude", "openai/gpt-5", "scripted/noop", "local/qwen2.5-coder-0.5b"]
    assert missing_credentials(models, env) == {"openai/gpt-5": "OPENAI_API_KEY"}
    with pytest.raises(UsageError, match="OPENAI_API_KEY is not set"):
        require_credentials(models, env)


def test_gemini_key_satisfies_google() -> None:
    assert missing_credentials(["google/gemini-2.5-pro"], {"GEMINI_API_KEY": "k"}) == {}


def test_credential_presence_is_boolean_only() -> None:
    secret = "sk-do-not-write-me"
    presence = credential_presence({"OPENAI_API_KEY": secret})
    assert set(presence) == set(CREDENTIAL_VARS)
    assert presence["OPENAI_API_KEY"] is True and presence["ANTHROPIC_API_KEY"] is False
    assert secret not in repr(presence)


def test_generation_settings_from_env_and_overrides() -> None:
    env = {
        "OPENAI_REASONING_EFFORT": "high",
        "OPENAI_REASONING_SUMMARY": "detailed",
        "ANTHROPIC_REASONING_TOKENS": "4096",
    }
    settings = GenerationSettings.from_env(env, temperature=0.0)
    assert generation_config("openai/gpt-5", settings) == {
        "temperature": 0.0,
        "reasoning_effort": "high",
        "reasoning_summary": "detailed",
    }
    assert generation_config("anthropic/claude-sonnet-4-5", settings) == {
        "temperature": 0.0,
        "reasoning_tokens": 4096,
    }
    assert (
        generation_config("openrouter/openai/gpt-oss-120b", settings)["reasoning_effort"] == "high"
    )
    assert "reasoning_effort" not in generation_config("openrouter/qwen/qwen3-coder", settings)


def test_generation_record_has_every_field_and_routing_pin() -> None:
    record = generation_record("openrouter/qwen/qwen3-coder:exacto", GenerationSettings())
    assert set(record) >= {
        "temperature",
        "max_tokens",
        "reasoning_effort",
        "reasoning_summary",
        "provider_routing_pins",
    }
    assert record["provider_routing_pins"] == {"openrouter_variant": "exacto"}
