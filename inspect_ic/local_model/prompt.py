"""Inspect chat messages and tools to chat-template input, plus a built-in Qwen2.5 renderer.

The provider renders prompts with the model's own chat template through the llama.cpp server's
``/apply-template`` endpoint, giving it :func:`template_messages` and :func:`template_tools`.
:func:`render_qwen_prompt` reproduces the Qwen2.5 template (ChatML with a ``# Tools`` system
section and ``<tool_call>`` / ``<tool_response>`` tags) byte for byte and is the fallback when
the endpoint fails or refuses a conversation (for example one ending in an assistant message).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
)
from inspect_ai.model._chat_message import ChatMessageBase
from inspect_ai.tool import ToolInfo

TemplateMessage = dict[str, Any]
"""``{"role": ..., "content": str, "tool_calls"?: [...]}`` as chat templates expect."""

DEFAULT_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
"""System text the Qwen2.5 template uses when the conversation has no system message."""


def message_text(message: ChatMessageBase) -> str:
    """Plain text of a message: its text parts joined; other media become a short placeholder."""
    if isinstance(message.content, str):
        return message.content
    parts: list[str] = []
    for item in message.content:
        if item.type == "text":
            parts.append(item.text)
        elif item.type != "reasoning":
            parts.append(f"[{item.type} omitted]")
    return "\n".join(parts)


def template_messages(messages: Sequence[ChatMessage]) -> list[TemplateMessage]:
    """Convert Inspect messages to chat-template dicts.

    Assistant tool calls become ``{"type": "function", "function": {"name", "arguments"}}`` with
    ``arguments`` a dict (the template applies ``tojson``). A tool message that carries an error
    becomes ``"Error: <message>"`` (after any output), so the model sees why the call failed.
    """
    result: list[TemplateMessage] = []
    for message in messages:
        if isinstance(message, ChatMessageSystem):
            result.append({"role": "system", "content": message_text(message)})
        elif isinstance(message, ChatMessageUser):
            result.append({"role": "user", "content": message_text(message)})
        elif isinstance(message, ChatMessageAssistant):
            entry: TemplateMessage = {"role": "assistant", "content": message_text(message)}
            if message.tool_calls:
                entry["tool_calls"] = [
                    {"type": "function", "function": {"name": c.function, "arguments": c.arguments}}
                    for c in message.tool_calls
                ]
            result.append(entry)
        elif isinstance(message, ChatMessageTool):
            text = message_text(message)
            if message.error is not None:
                error = f"Error: {message.error.message}"
                text = f"{text}\n{error}" if text.strip() else error
            result.append({"role": "tool", "content": text})
    return result


def template_tools(tools: Sequence[ToolInfo]) -> list[dict[str, Any]]:
    """OpenAI-style tool specs (``{"type": "function", "function": {...}}``) for the template."""
    return [
        {
            "type": "function",
            "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": tool.parameters.model_dump(exclude_none=True),
            },
        }
        for tool in tools
    ]


def _tojson(value: Any) -> str:
    """JSON as llama.cpp's template engine prints it (``", "``/``": "``, non-ASCII kept)."""
    return json.dumps(value, ensure_ascii=False)


def render_qwen_prompt(
    messages: Sequence[TemplateMessage],
    tools: Sequence[dict[str, Any]] | None = None,
    add_generation_prompt: bool = True,
) -> str:
    """Render template dicts exactly as the Qwen2.5(-Coder) GGUF chat template does.

    Args:
        messages: Output of :func:`template_messages`.
        tools: Output of :func:`template_tools` (empty or None: no tools section).
        add_generation_prompt: Append ``<|im_start|>assistant\\n``. When the last message is an
            assistant message without tool calls it is left open instead (continuation).

    Returns:
        The prompt string, special tokens written as text (``<|im_start|>`` ...).
    """
    msgs = list(messages)
    first_is_system = bool(msgs) and msgs[0]["role"] == "system"
    system = msgs[0]["content"] if first_is_system else DEFAULT_SYSTEM
    out: list[str] = []
    if tools:
        out.append("<|im_start|>system\n" + system)
        out.append(
            "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
            "You are provided with function signatures within <tools></tools> XML tags:\n<tools>"
        )
        out.extend("\n" + _tojson(tool) for tool in tools)
        out.append(
            "\n</tools>\n\nFor each function call, return a json object with function name and "
            "arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n"
            '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n'
        )
    else:
        out.append(f"<|im_start|>system\n{system}<|im_end|>\n")
    continuing = (
        add_generation_prompt
        and bool(msgs)
        and msgs[-1]["role"] == "assistant"
        and not msgs[-1].get("tool_calls")
    )
    for index, message in enumerate(msgs):
        role, content = message["role"], message.get("content") or ""
        if role == "system" and index == 0:
            continue
        if role == "tool":
            if index == 0 or msgs[index - 1]["role"] != "tool":
                out.append("<|im_start|>user")
            out.append(f"\n<tool_response>\n{content}\n</tool_response>")
            if index == len(msgs) - 1 or msgs[index + 1]["role"] != "tool":
                out.append("<|im_end|>\n")
        elif role == "assistant" and message.get("tool_calls"):
            out.append("<|im_start|>assistant")
            if content:
                out.append("\n" + content)
            for call in message["tool_calls"]:
                function = call.get("function", call)
                out.append('\n<tool_call>\n{"name": "' + function["name"] + '", "arguments": ')
                out.append(_tojson(function["arguments"]) + "}\n</tool_call>")
            out.append("<|im_end|>\n")
        elif continuing and index == len(msgs) - 1:
            out.append(f"<|im_start|>{role}\n{content}")
        else:
            out.append(f"<|im_start|>{role}\n{content}<|im_end|>\n")
    if add_generation_prompt and not continuing:
        out.append("<|im_start|>assistant\n")
    return "".join(out)
