"""Render a sample's visible tool trace and final answer for the auditor (analysis.md §8).

Only what the agent saw and did: assistant text, tool calls (with their tool-event index) and tool
results, in message order. No scores, no scorer metadata, no deterministic labels. Message
indices ``[m#]`` index ``sample.messages``; event indices ``[e#]`` index ``sample.events``.
Output is cut to a character budget: each tool result and assistant text is capped, and if the
whole still does not fit, the middle of the transcript is dropped (the opening and the end, with
the final answer, are kept) and the cut is marked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from inspect_ai.event import ToolEvent
from inspect_ai.log import EvalSample
from inspect_ai.model import ChatMessageAssistant, ChatMessageTool

DEFAULT_BUDGET_CHARS = 24_000
DEFAULT_TOOL_RESULT_CHARS = 1_500
DEFAULT_ASSISTANT_CHARS = 3_000
HEAD_SHARE = 0.35


@dataclass
class RenderedTranscript:
    """The transcript text and how much of it was cut."""

    text: str
    blocks: int
    omitted_blocks: int
    clipped_blocks: int

    @property
    def truncated(self) -> bool:
        """True if anything was cut."""
        return self.omitted_blocks > 0 or self.clipped_blocks > 0


def _clip(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    head = int(limit * 0.7)
    tail = limit - head
    return f"{text[:head]}\n[... {len(text) - limit} characters omitted ...]\n{text[-tail:]}", True


def _content(message: ChatMessageAssistant | ChatMessageTool) -> str:
    if isinstance(message.content, str):
        return message.content
    return "\n".join(getattr(c, "text", "") or "" for c in message.content if c.type == "text")


def _blocks(
    sample: EvalSample, tool_result_chars: int, assistant_chars: int
) -> tuple[list[str], int]:
    events = {ev.id: i for i, ev in enumerate(sample.events) if isinstance(ev, ToolEvent)}
    last_assistant = max(
        (i for i, m in enumerate(sample.messages) if isinstance(m, ChatMessageAssistant)),
        default=-1,
    )
    blocks: list[str] = []
    clipped = 0
    for idx, message in enumerate(sample.messages):
        if isinstance(message, ChatMessageAssistant):
            text, cut = _clip(_content(message).strip(), assistant_chars)
            clipped += cut
            label = "ASSISTANT (final answer)" if idx == last_assistant else "ASSISTANT"
            lines = [f"[m{idx}] {label}: {text or '(no text)'}"]
            for call in message.tool_calls or []:
                args = json.dumps(call.arguments, ensure_ascii=False, default=str)
                args, cut = _clip(args, tool_result_chars)
                clipped += cut
                event = events.get(call.id)
                where = f"e{event}" if event is not None else "e?"
                lines.append(f"[m{idx}] TOOL CALL [{where}] {call.function} {args}")
            blocks.append("\n".join(lines))
        elif isinstance(message, ChatMessageTool):
            status = f"error: {message.error.message}" if message.error else "ok"
            text, cut = _clip(_content(message), tool_result_chars)
            clipped += cut
            blocks.append(f"[m{idx}] TOOL RESULT ({message.function}, {status}):\n{text}")
    return blocks, clipped


def render_transcript(
    sample: EvalSample,
    budget_chars: int = DEFAULT_BUDGET_CHARS,
    tool_result_chars: int = DEFAULT_TOOL_RESULT_CHARS,
    assistant_chars: int = DEFAULT_ASSISTANT_CHARS,
) -> RenderedTranscript:
    """The auditor's view of one sample.

    Args:
        sample: the sample (messages and events loaded).
        budget_chars: maximum transcript length in characters (the omission marker excepted).
        tool_result_chars: cap per tool result and per tool-call argument string.
        assistant_chars: cap per assistant message text.

    Returns:
        The rendered text and counts of omitted and clipped blocks.
    """
    blocks, clipped = _blocks(sample, tool_result_chars, assistant_chars)
    total = sum(len(b) + 2 for b in blocks)
    if total <= budget_chars:
        return RenderedTranscript("\n\n".join(blocks), len(blocks), 0, clipped)
    head: list[str] = []
    used = 0
    for block in blocks:
        if used + len(block) + 2 > budget_chars * HEAD_SHARE:
            break
        head.append(block)
        used += len(block) + 2
    tail: list[str] = []
    for block in reversed(blocks[len(head) :]):
        if used + len(block) + 2 > budget_chars and tail:
            break
        tail.insert(0, block)
        used += len(block) + 2
    omitted = len(blocks) - len(head) - len(tail)
    marker = f"[... {omitted} transcript blocks omitted to fit the audit budget ...]"
    parts = [*head, marker, *tail] if omitted else [*head, *tail]
    return RenderedTranscript("\n\n".join(parts), len(blocks), omitted, clipped)
