"""Inspect generation settings to a llama.cpp completion request.

Defaults follow Qwen2.5-Coder's recommended sampling (temperature 0.7, top-p 0.8, top-k 20) with
the repetition penalty switched off (``repeat_penalty=1.0``: llama.cpp's default 1.1 damages
JSON) and a fixed seed, so a rerun with the same inputs reproduces the same completions. Greedy
decoding (temperature 0) is allowed but makes this small model loop on repeated text.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import GenerateConfig
from inspect_ai.tool import ToolChoice, ToolFunction, ToolInfo

from inspect_ic.local_model.grammar import GrammarMode

DEFAULT_TEMPERATURE = 0.7
DEFAULT_TOP_P = 0.8
DEFAULT_TOP_K = 20
DEFAULT_SEED = 1234
DEFAULT_MAX_TOKENS = 512
"""Completion budget per step when the run sets none (tokens)."""


def grammar_mode(
    tools: list[ToolInfo], tool_choice: ToolChoice
) -> tuple[GrammarMode, list[ToolInfo]]:
    """Grammar mode and the tools callable under ``tool_choice``.

    ``auto`` -> text or calls to any tool; ``any`` -> at least one call; a
    :class:`~inspect_ai.tool.ToolFunction` -> at least one call, to that tool only; ``none`` ->
    text only (also when no tools are offered). Unknown forced tool names fall back to all tools.
    """
    if tool_choice == "none" or not tools:
        return "none", []
    if tool_choice == "any":
        return "required", list(tools)
    if isinstance(tool_choice, ToolFunction):
        chosen = [t for t in tools if t.name == tool_choice.name]
        return "required", chosen or list(tools)
    return "auto", list(tools)


def sampling_fields(config: GenerateConfig) -> dict[str, Any]:
    """Sampling fields of a llama.cpp request from ``config`` (defaults filled in)."""
    fields: dict[str, Any] = {
        "n_predict": config.max_tokens or DEFAULT_MAX_TOKENS,
        "temperature": DEFAULT_TEMPERATURE if config.temperature is None else config.temperature,
        "top_p": DEFAULT_TOP_P if config.top_p is None else config.top_p,
        "top_k": DEFAULT_TOP_K if config.top_k is None else config.top_k,
        "seed": DEFAULT_SEED if config.seed is None else config.seed,
        "repeat_penalty": 1.0,
    }
    if config.frequency_penalty is not None:
        fields["frequency_penalty"] = config.frequency_penalty
    if config.presence_penalty is not None:
        fields["presence_penalty"] = config.presence_penalty
    if config.stop_seqs:
        fields["stop"] = list(config.stop_seqs)
    return fields


def completion_request(prompt: str, grammar: str | None, config: GenerateConfig) -> dict[str, Any]:
    """The complete request: prompt, optional grammar, sampling, prompt-cache reuse on."""
    request: dict[str, Any] = {"prompt": prompt, **sampling_fields(config), "cache_prompt": True}
    if grammar is not None:
        request["grammar"] = grammar
    return request
