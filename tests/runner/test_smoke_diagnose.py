"""The smoke report's classification of tool calls (parsed, malformed, as text, none)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from inspect_ai.model import ChatMessageAssistant, ChatMessageTool, ChatMessageUser
from inspect_ai.tool import ToolCall, ToolCallError

from inspect_ic.runner.smoke_diagnose import diagnose, looks_like_text_call


def _sample(*messages: Any, error: str | None = None) -> Any:
    return SimpleNamespace(
        messages=[ChatMessageUser(content="go"), *messages],
        error=SimpleNamespace(message=error) if error else None,
        limit=None,
    )


def _call(fn: str, parse_error: str | None = None, cid: str = "c1") -> ToolCall:
    return ToolCall(id=cid, function=fn, arguments={"command": "ls"}, parse_error=parse_error)


def test_parsed_call_is_ready() -> None:
    sample = _sample(
        ChatMessageAssistant(content="listing", tool_calls=[_call("shell")]),
        ChatMessageTool(content="ok", tool_call_id="c1", function="shell"),
    )
    report = diagnose("m", sample)
    assert report.ready and report.parsed_calls == ["shell"]
    assert "1 tool call(s) parsed" in report.reason


def test_malformed_arguments_are_reported() -> None:
    sample = _sample(
        ChatMessageAssistant(content="", tool_calls=[_call("shell", parse_error="bad JSON")]),
        ChatMessageTool(
            content="",
            tool_call_id="c1",
            function="shell",
            error=ToolCallError("parsing", "bad JSON"),
        ),
    )
    report = diagnose("m", sample)
    assert not report.ready
    assert "did not parse: shell: bad JSON" in report.reason


def test_tool_call_written_as_text_is_detected() -> None:
    text = '<tool_call>\n{"name": "shell", "arguments": {"command": "ls"}}\n</tool_call>'
    report = diagnose("m", _sample(ChatMessageAssistant(content=text)))
    assert not report.ready and report.text_calls == 1
    assert "plain text" in report.reason
    assert looks_like_text_call('shell(command="ls")')
    assert not looks_like_text_call("I will list the directory now.")


def test_unknown_tool_and_text_only_and_provider_error() -> None:
    unknown = diagnose("m", _sample(ChatMessageAssistant(content="", tool_calls=[_call("bash")])))
    assert "do not exist: bash" in unknown.reason
    text_only = diagnose("m", _sample(ChatMessageAssistant(content="All done.")))
    assert text_only.reason == "the model answered in text and never called a tool"
    failed = diagnose("m", _sample(error="400 tool_use_failed\ntrace"))
    assert failed.reason == "provider/sample error: 400 tool_use_failed"
