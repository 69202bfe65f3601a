"""What the scanner reads from one Inspect sample (analysis.md §9, "Sources").

- assistant response text (always scanned);
- readable reasoning: a non-redacted reasoning block's text, or the readable summary of a
  redacted one (scanned only with ``--include-reasoning-summaries``);
- encrypted or redacted reasoning payloads: counted, never scanned;
- tool-call arguments (scanned only with ``--include-tool-args``);
- environment text: system and user prompts and tool results (never scanned; used to recognise
  quoted or echoed environment phrases and to extend the stoplist).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.log import EvalSample
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    ContentReasoning,
)

SOURCE_ASSISTANT = "assistant_text"
SOURCE_REASONING = "reasoning_summary"
SOURCE_TOOL_ARGS = "tool_args"


@dataclass
class ScanUnit:
    """One piece of agent text to scan."""

    message_idx: int
    source: str
    text: str


@dataclass
class SampleTexts:
    """The texts of one sample and its reasoning counts.

    ``reasoning_block_count`` counts every reasoning block; ``reasoning_summary_count`` those with
    readable text; ``encrypted_reasoning_count`` those whose payload is encrypted or redacted (a
    redacted block with a readable summary counts in both).
    """

    units: list[ScanUnit] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    assistant_message_count: int = 0
    reasoning_message_count: int = 0
    reasoning_block_count: int = 0
    reasoning_summary_count: int = 0
    encrypted_reasoning_count: int = 0

    @property
    def reasoning_coverage(self) -> float:
        """Share of reasoning blocks with readable text (NaN when the sample has none)."""
        if self.reasoning_block_count == 0:
            return float("nan")
        return self.reasoning_summary_count / self.reasoning_block_count


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(getattr(c, "text", "") or "" for c in content if c.type == "text")


def _readable(block: ContentReasoning) -> str:
    if block.redacted:
        return block.summary or ""
    return block.reasoning or block.summary or ""


def _argument_text(arguments: dict[str, Any]) -> str:
    parts: list[str] = []
    for value in arguments.values():
        if isinstance(value, str):
            parts.append(value)
        elif value is not None:
            parts.append(json.dumps(value, ensure_ascii=False, default=str))
    return "\n".join(parts)


def sample_texts(
    sample: EvalSample, include_reasoning: bool = False, include_tool_args: bool = False
) -> SampleTexts:
    """Collect the scan units, environment text and reasoning counts of ``sample``.

    Args:
        sample: an ``EvalSample`` (attachments resolved).
        include_reasoning: add readable reasoning as ``reasoning_summary`` units.
        include_tool_args: add tool-call arguments as ``tool_args`` units.

    Returns:
        Units in message order (``message_idx`` is the index in ``sample.messages``).
    """
    out = SampleTexts()
    for idx, message in enumerate(sample.messages):
        if isinstance(message, ChatMessageSystem | ChatMessageUser):
            out.environment.append(_content_text(message.content))
        elif isinstance(message, ChatMessageTool):
            out.environment.append(_content_text(message.content))
            if message.error is not None:
                out.environment.append(message.error.message)
        elif isinstance(message, ChatMessageAssistant):
            out.assistant_message_count += 1
            text = _content_text(message.content)
            if text.strip():
                out.units.append(ScanUnit(idx, SOURCE_ASSISTANT, text))
            blocks = (
                [c for c in message.content if isinstance(c, ContentReasoning)]
                if not isinstance(message.content, str)
                else []
            )
            if blocks:
                out.reasoning_message_count += 1
            for block in blocks:
                out.reasoning_block_count += 1
                out.encrypted_reasoning_count += int(block.redacted)
                readable = _readable(block)
                if readable.strip():
                    out.reasoning_summary_count += 1
                    if include_reasoning:
                        out.units.append(ScanUnit(idx, SOURCE_REASONING, readable))
            if include_tool_args:
                for call in message.tool_calls or []:
                    args = _argument_text(dict(call.arguments or {}))
                    if args.strip():
                        out.units.append(ScanUnit(idx, SOURCE_TOOL_ARGS, args))
    return out
