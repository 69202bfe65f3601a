"""``guarded_agent``: one model call plus one tool round per iteration (scaffold.md section 2).

There is no submit tool: the episode ends when the model answers without a tool call (unless a
continuation message is configured), when it repeats the same tool round too often, or when an
Inspect limit fires. The loop never adds a system message and never rewrites tool results.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from inspect_ai.model import ChatMessageAssistant, ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.tool import Tool
from inspect_ai.util import LimitExceededError

LOOP_STORE_KEY = "loop_guard"


class ModelTimeoutError(RuntimeError):
    """A model call raised ``TimeoutError``: the sample errors instead of being scored."""


def round_signature(message: ChatMessageAssistant) -> str:
    """SHA-256 over the ordered (tool name, canonical-JSON arguments) pairs of a message."""
    pairs = [
        [call.function, json.dumps(call.arguments, sort_keys=True, separators=(",", ":"))]
        for call in (message.tool_calls or [])
    ]
    return hashlib.sha256(json.dumps(pairs).encode("utf-8")).hexdigest()


def _short_call(message: ChatMessageAssistant) -> str:
    if not message.tool_calls:
        return ""
    call = message.tool_calls[0]
    args = json.dumps(call.arguments, sort_keys=True)
    return f"{call.function}({args[:80]}{'...' if len(args) > 80 else ''})"


@solver
def guarded_agent(
    tools: list[Tool],
    repeat_streak_limit: int = 8,
    continuation_message: str | None = None,
    max_continuations: int = 0,
) -> Solver:
    """The benchmark's agent loop.

    Args:
        tools: the four agent tools, offered with ``tool_choice="auto"``.
        repeat_streak_limit: stop when this many consecutive rounds have the same signature
            (0 disables the guard).
        continuation_message: optional user message injected when the model stops calling
            tools; ``None`` by default (no continuation prompt).
        max_continuations: how many continuation messages may be injected.

    Sample metadata keys ``continuation_message`` and ``max_continuations``, when present,
    override the two arguments for that sample.

    Writes ``state.store["loop_guard"]`` with ``termination_reason``, ``loop_terminated``,
    ``loop_signature``, ``repeat_streak``, ``rounds``, ``continuations_used`` and
    ``continuation_message``.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state.tools = tools
        state.tool_choice = "auto"
        # A sample's own settings (e.g. the continuation_once extension) win over the task's.
        message_text = state.metadata.get("continuation_message", continuation_message)
        allowance = int(state.metadata.get("max_continuations", max_continuations) or 0)
        guard: dict[str, Any] = {
            "termination_reason": None,
            "loop_terminated": False,
            "loop_signature": None,
            "repeat_streak": 0,
            "rounds": 0,
            "continuations_used": 0,
            "continuation_message": message_text,
        }
        previous: str | None = None
        streak = 0
        try:
            while not state.completed:
                try:
                    state = await generate(state, tool_calls="single")
                except TimeoutError as err:
                    # Inspect scores a sample whose TimeoutError reaches the top of the stack
                    # as if it had ended normally; a provider timeout is an infrastructure
                    # failure, so the sample must error (label unknown, scoring.md section 3).
                    raise ModelTimeoutError(f"model call timed out: {err!r}") from err
                guard["rounds"] += 1
                message = state.output.message if state.output else None
                if message is None or (not message.tool_calls and not message.text.strip()):
                    guard["termination_reason"] = "empty_generation"
                    break
                if not message.tool_calls:
                    if message_text and guard["continuations_used"] < allowance:
                        state.messages.append(ChatMessageUser(content=message_text))
                        guard["continuations_used"] += 1
                        continue
                    guard["termination_reason"] = "no_tool_call"
                    break
                signature = round_signature(message)
                streak = streak + 1 if signature == previous else 1
                previous = signature
                if streak > guard["repeat_streak"]:
                    guard["repeat_streak"] = streak
                    guard["loop_signature"] = f"{signature[:12]} {_short_call(message)}"
                if repeat_streak_limit > 0 and streak >= repeat_streak_limit:
                    guard["termination_reason"] = "repeat_streak"
                    guard["loop_terminated"] = True
                    break
            else:
                guard["termination_reason"] = guard["termination_reason"] or "completed"
        except LimitExceededError as limit:
            guard["termination_reason"] = f"{limit.type}_limit"
            raise
        finally:
            state.store.set(LOOP_STORE_KEY, guard)
        return state

    return solve
