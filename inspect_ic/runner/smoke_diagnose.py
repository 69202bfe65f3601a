"""Read one smoke sample and say whether the model's tool calls reached our tools, and why not.

Pure functions over an Inspect ``EvalSample``; :mod:`inspect_ic.runner.smoke` runs the sample.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

AGENT_TOOLS = ("shell", "read_file", "write_file", "list_dir")
_NAMES = "|".join(AGENT_TOOLS)
# Tool calls written into the text instead of the API's tool-call channel (the provider did not
# parse them): Hermes/Qwen tags, JSON objects naming a tool, python-style calls.
TEXT_CALL_PATTERNS = (
    re.compile(r"<\|?tool_call\|?>|<function[=_ ]|\[TOOL_CALLS\]|<\|python_tag\|>", re.I),
    re.compile(r'"(?:name|function|tool)"\s*:\s*"(?:' + _NAMES + r')"'),
    re.compile(r"\b(?:" + _NAMES + r")\s*\(\s*(?:command|path)\s*="),
)


@dataclass
class SmokeReport:
    """What one model did in its smoke sample."""

    model: str
    assistant_turns: int = 0
    parsed_calls: list[str] = field(default_factory=list)
    malformed_calls: list[str] = field(default_factory=list)
    unknown_tools: list[str] = field(default_factory=list)
    text_calls: int = 0
    sample_error: str | None = None
    limit: str | None = None

    @property
    def ready(self) -> bool:
        """At least one well-formed call of one of our tools executed."""
        return bool(self.parsed_calls)

    @property
    def reason(self) -> str:
        """One line: why the model is (not) ready."""
        if self.ready:
            tools = ", ".join(sorted(set(self.parsed_calls)))
            extra = f"; {len(self.malformed_calls)} malformed" if self.malformed_calls else ""
            return f"{len(self.parsed_calls)} tool call(s) parsed and executed ({tools}){extra}"
        if self.sample_error:
            return f"provider/sample error: {self.sample_error}"
        if self.malformed_calls:
            return (
                f"tool calls arrived but their arguments did not parse: {self.malformed_calls[0]}"
            )
        if self.unknown_tools:
            return f"called tools that do not exist: {', '.join(sorted(set(self.unknown_tools)))}"
        if self.text_calls:
            return (
                f"{self.text_calls} message(s) wrote a tool call as plain text; the provider did "
                "not parse it into a tool call (try another provider route or a tool-calling template)"
            )
        if self.assistant_turns == 0:
            return "the model produced no message"
        return "the model answered in text and never called a tool"

    def row(self) -> dict[str, Any]:
        """A JSON-safe summary row."""
        return {
            "model": self.model,
            "ready": self.ready,
            "assistant_turns": self.assistant_turns,
            "parsed_calls": len(self.parsed_calls),
            "malformed_calls": len(self.malformed_calls),
            "unknown_tools": sorted(set(self.unknown_tools)),
            "text_calls": self.text_calls,
            "sample_error": self.sample_error,
            "limit": self.limit,
            "reason": self.reason,
        }


def looks_like_text_call(text: str) -> bool:
    """Whether assistant text contains what looks like an unparsed tool call."""
    return any(p.search(text) for p in TEXT_CALL_PATTERNS)


def diagnose(model: str, sample: Any) -> SmokeReport:
    """Classify every assistant turn of ``sample`` (an ``EvalSample``)."""
    report = SmokeReport(model=model)
    if sample is None:
        report.sample_error = "no sample in the log"
        return report
    if sample.error is not None:
        report.sample_error = sample.error.message.splitlines()[0][:200]
    if sample.limit is not None:
        report.limit = str(sample.limit.type)
    results = {m.tool_call_id: m for m in sample.messages if m.role == "tool"}
    for message in sample.messages:
        if message.role != "assistant":
            continue
        report.assistant_turns += 1
        calls = message.tool_calls or []
        if not calls and looks_like_text_call(message.text or ""):
            report.text_calls += 1
        for call in calls:
            result = results.get(call.id)
            error = getattr(result, "error", None)
            if call.parse_error:
                report.malformed_calls.append(f"{call.function}: {call.parse_error[:120]}")
            elif call.function not in AGENT_TOOLS:
                report.unknown_tools.append(call.function)
            elif error is not None and error.type == "parsing":
                report.malformed_calls.append(f"{call.function}: {error.message[:120]}")
            else:
                report.parsed_calls.append(call.function)
    return report
