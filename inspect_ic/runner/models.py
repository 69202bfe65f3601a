"""Model ids, provider credentials and per-model generation settings.

Model names are Inspect names (``provider/model``). The runner adds OpenRouter's ``:exacto``
routing pin (unless ``IC_OPENROUTER_EXACTO=0``), checks that each provider's key is *present*
(values are never read beyond a truthiness test, never logged or written), and derives each
model's generation config from options and the seed-compatible environment variables
``OPENAI_REASONING_EFFORT``, ``OPENAI_REASONING_SUMMARY`` and ``ANTHROPIC_REASONING_TOKENS``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from inspect_ic.runner.errors import UsageError

# Reported in the manifest whatever models run (presence only).
CREDENTIAL_VARS: tuple[str, ...] = (
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "OPENROUTER_API_KEY",
    "GOOGLE_API_KEY",
    "GEMINI_API_KEY",
    "MISTRAL_API_KEY",
    "XAI_API_KEY",
    "HF_TOKEN",
    "HUGGINGFACEHUB_API_TOKEN",
)

# Provider prefix -> the variables any one of which authenticates it.
PROVIDER_KEYS: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_API_KEY",),
    "anthropic": ("ANTHROPIC_API_KEY",),
    "google": ("GOOGLE_API_KEY", "GEMINI_API_KEY"),
    "openrouter": ("OPENROUTER_API_KEY",),
    "mistral": ("MISTRAL_API_KEY",),
    "grok": ("XAI_API_KEY",),
    "together": ("TOGETHER_API_KEY",),
    "groq": ("GROQ_API_KEY",),
    "fireworks": ("FIREWORKS_API_KEY",),
    "perplexity": ("PERPLEXITY_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "hf-inference-providers": ("HF_TOKEN", "HUGGINGFACEHUB_API_TOKEN"),
}
# Providers that run locally (or are test doubles): no key, and the bwrap-only rule still holds.
KEYLESS_PROVIDERS: frozenset[str] = frozenset(
    {"mockllm", "scripted", "local", "ollama", "vllm", "sglang", "hf", "llama-cpp-python"}
)
# Providers whose outputs come from no real model (``--sandbox local`` is allowed for them).
TEST_DOUBLE_PROVIDERS: frozenset[str] = frozenset({"mockllm", "scripted"})


def provider_of(model: str) -> str:
    """The provider prefix of an Inspect model name (``openai/gpt-5`` -> ``openai``)."""
    return model.split("/", 1)[0]


def is_real_model(model: str) -> bool:
    """Whether ``model`` calls an actual language model (anything but mockllm/scripted)."""
    return provider_of(model) not in TEST_DOUBLE_PROVIDERS


def normalize_model(model: str, env: Mapping[str, str] | None = None) -> str:
    """Apply routing pins: OpenRouter ids get ``:exacto`` unless ``IC_OPENROUTER_EXACTO=0``.

    Raises:
        UsageError: a name without a ``provider/`` prefix.
    """
    env = os.environ if env is None else env
    model = model.strip()
    if "/" not in model or model.endswith("/"):
        raise UsageError(
            f"model {model!r} is not an Inspect model name; use provider/model, e.g. "
            "openai/gpt-5, anthropic/claude-sonnet-4-5, openrouter/qwen/qwen3-coder, scripted/noop"
        )
    if provider_of(model) == "openrouter" and env.get("IC_OPENROUTER_EXACTO", "1") != "0":
        name = model.split("/", 1)[1]
        if ":" not in name.rsplit("/", 1)[-1]:
            model = f"{model}:exacto"
    return model


def missing_credentials(models: list[str], env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{model: variable to set}`` for every model whose provider key is absent."""
    env = os.environ if env is None else env
    missing: dict[str, str] = {}
    for model in models:
        keys = PROVIDER_KEYS.get(provider_of(model))
        if keys and not any(env.get(k) for k in keys):
            missing[model] = keys[0]
    return missing


def require_credentials(models: list[str], env: Mapping[str, str] | None = None) -> None:
    """Raise a one-line :class:`UsageError` naming the first missing variable."""
    missing = missing_credentials(models, env)
    if missing:
        model, var = next(iter(missing.items()))
        raise UsageError(f"{var} is not set (needed by {model}); export it or add it to .env")


def credential_presence(env: Mapping[str, str] | None = None) -> dict[str, bool]:
    """Whether each known credential variable is set. Presence only: values are never kept."""
    env = os.environ if env is None else env
    return {var: bool(env.get(var)) for var in CREDENTIAL_VARS}


@dataclass
class GenerationSettings:
    """Options that shape every model's generation config (``None`` = provider default)."""

    temperature: float | None = None
    max_tokens: int | None = None
    reasoning_effort: str | None = None
    reasoning_summary: str | None = None
    reasoning_tokens: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> GenerationSettings:
        """Settings from the seed-compatible environment variables, then explicit overrides."""
        env = os.environ if env is None else env
        tokens = env.get("ANTHROPIC_REASONING_TOKENS") or None
        settings = cls(
            reasoning_effort=env.get("OPENAI_REASONING_EFFORT") or None,
            reasoning_summary=env.get("OPENAI_REASONING_SUMMARY") or None,
            reasoning_tokens=int(tokens) if tokens else None,
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(settings, key, value)
        return settings


def _is_openai_family(model: str) -> bool:
    parts = model.split("/")
    return parts[0] in ("openai", "azureai") or (parts[0] == "openrouter" and parts[1] == "openai")


def _is_anthropic_family(model: str) -> bool:
    parts = model.split("/")
    return parts[0] in ("anthropic", "bedrock") or (
        parts[0] == "openrouter" and parts[1] == "anthropic"
    )


def generation_config(model: str, settings: GenerationSettings) -> dict[str, Any]:
    """The ``GenerateConfig`` fields for ``model`` (reasoning options only where they apply)."""
    config: dict[str, Any] = {}
    if settings.temperature is not None:
        config["temperature"] = settings.temperature
    if settings.max_tokens is not None:
        config["max_tokens"] = settings.max_tokens
    if _is_openai_family(model):
        if settings.reasoning_effort:
            config["reasoning_effort"] = settings.reasoning_effort
        if settings.reasoning_summary:
            config["reasoning_summary"] = settings.reasoning_summary
    if _is_anthropic_family(model) and settings.reasoning_tokens:
        config["reasoning_tokens"] = settings.reasoning_tokens
    config.update(settings.extra)
    return config


def generation_record(model: str, settings: GenerationSettings) -> dict[str, Any]:
    """The manifest's ``run_config.generation[model]`` entry (every field, nulls included)."""
    config = generation_config(model, settings)
    name = model.split("/", 1)[1] if "/" in model else model
    pin = name.rsplit(":", 1)[1] if provider_of(model) == "openrouter" and ":" in name else None
    return {
        "temperature": config.get("temperature"),
        "max_tokens": config.get("max_tokens"),
        "reasoning_effort": config.get("reasoning_effort"),
        "reasoning_summary": config.get("reasoning_summary"),
        "reasoning_tokens": config.get("reasoning_tokens"),
        "provider_routing_pins": {"openrouter_variant": pin} if pin else {},
        "config": config,
    }


def build_model(model: str, settings: GenerationSettings) -> Any:
    """Instantiate the Inspect ``Model`` (no model call is made).

    Raises:
        Exception: whatever Inspect raises when the provider is unknown or its SDK is missing.
    """
    from inspect_ai.model import GenerateConfig, get_model

    import inspect_ic.runner.scripted  # noqa: F401  (registers scripted/<policy>)

    return get_model(model, config=GenerateConfig(**generation_config(model, settings)))


def model_error_reason(exc: BaseException) -> str:
    """One line from the error Inspect raises for a model it cannot build (rich markup and the
    ``ERROR:`` prefix of its prerequisite errors removed, e.g. ``... Install with: pip install
    anthropic``)."""
    text = str(getattr(exc, "message", "") or exc) or type(exc).__name__
    text = re.sub(r"\[/?(?:bold|red|yellow|green|blue|cyan|italic)[a-z ]*\]", "", text)
    text = re.sub(r"^\s*ERROR:\s*", "", text)
    return " ".join(text.split())


def resolve_models(models: list[str], settings: GenerationSettings) -> list[Any]:
    """Build every model (provider registered, SDK importable); no model call is made.

    Raises:
        UsageError: one line naming the first model that does not resolve and why (for a
            missing SDK, the ``pip install`` it needs).
    """
    built = []
    for model in models:
        try:
            built.append(build_model(model, settings))
        except Exception as exc:
            raise UsageError(f"model {model} cannot be used: {model_error_reason(exc)}") from None
    return built
