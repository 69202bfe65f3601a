"""llama.cpp completion responses to Inspect :class:`~inspect_ai.model.ModelOutput`.

Every output carries ``usage`` (from the server's own token counts, so Inspect never counts
tokens with tiktoken, which would try to download an encoding) and ``metadata["local_model"]``:
how the prompt was rendered, the grammar mode, where each call came from, parse errors, and the
server's timings.
"""

from __future__ import annotations

import uuid
from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessageAssistant,
    ModelOutput,
    ModelUsage,
    StopReason,
)
from inspect_ai.tool import ToolCall

from inspect_ic.local_model.parse import ParsedCompletion

METADATA_KEY = "local_model"


def usage_from_response(response: dict[str, Any]) -> ModelUsage:
    """Token usage: ``input_tokens`` excludes prompt tokens served from the prompt cache."""
    usage = response.get("usage") or {}
    prompt = int(usage.get("prompt_tokens", 0))
    completion = int(usage.get("completion_tokens", 0))
    cached = int((usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0))
    return ModelUsage(
        input_tokens=prompt - cached,
        output_tokens=completion,
        total_tokens=prompt + completion,
        input_tokens_cache_read=cached,
    )


def tool_calls(parsed: ParsedCompletion) -> list[ToolCall]:
    """Inspect tool calls with fresh ids; a call with a parse error keeps it in ``parse_error``."""
    return [
        ToolCall(
            id=f"call_{uuid.uuid4().hex[:16]}",
            function=call.name,
            arguments=call.arguments,
            parse_error=call.error,
        )
        for call in parsed.calls
    ]


def stop_reason(finish_reason: str | None, has_calls: bool) -> StopReason:
    """Inspect stop reason from llama.cpp's ``finish_reason`` (``stop`` / ``length``)."""
    if has_calls:
        return "tool_calls"
    return "max_tokens" if finish_reason == "length" else "stop"


def build_output(
    model: str,
    response: dict[str, Any],
    parsed: ParsedCompletion,
    *,
    elapsed: float,
    metadata: dict[str, Any],
) -> ModelOutput:
    """Assemble the output of one generate call.

    Args:
        model: Model name for the output and message.
        response: The server's completion response.
        parsed: The parsed completion text.
        elapsed: Wall time of the generate call in seconds.
        metadata: Provider facts to store under ``metadata["local_model"]``; the call sources,
            parse errors, finish reason and server timings are added here.
    """
    choice = (response.get("choices") or [{}])[0]
    calls = tool_calls(parsed)
    message = ChatMessageAssistant(
        content=parsed.content,
        tool_calls=calls or None,
        model=model,
        source="generate",
    )
    usage = usage_from_response(response)
    facts = {
        **metadata,
        "finish_reason": choice.get("finish_reason"),
        "call_sources": [call.source for call in parsed.calls],
        "parse_errors": list(parsed.errors),
        "timings": response.get("timings"),
    }
    return ModelOutput(
        model=model,
        choices=[
            ChatCompletionChoice(
                message=message, stop_reason=stop_reason(choice.get("finish_reason"), bool(calls))
            )
        ],
        usage=usage,
        input_context_tokens=usage.input_tokens + (usage.input_tokens_cache_read or 0),
        time=elapsed,
        metadata={METADATA_KEY: facts},
    )


def context_overflow_output(
    model: str, prompt_tokens: int, detail: str, elapsed: float
) -> ModelOutput:
    """Empty output with stop reason ``model_length`` for a prompt larger than the context."""
    return ModelOutput(
        model=model,
        choices=[
            ChatCompletionChoice(
                message=ChatMessageAssistant(content="", model=model, source="generate"),
                stop_reason="model_length",
            )
        ],
        usage=ModelUsage(input_tokens=prompt_tokens, output_tokens=0, total_tokens=prompt_tokens),
        time=elapsed,
        metadata={METADATA_KEY: {"error": detail}},
    )
