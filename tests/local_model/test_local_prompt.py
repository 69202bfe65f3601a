"""Prompt rendering: Inspect messages to template dicts, and the built-in Qwen2.5 renderer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    ContentText,
)
from inspect_ai.tool import ToolCall, ToolCallError, ToolInfo, ToolParam, ToolParams

from inspect_ic.local_model.prompt import render_qwen_prompt, template_messages, template_tools

CASES = json.loads(
    (Path(__file__).parent / "fixtures" / "qwen25_chat_template_cases.json").read_text()
)


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_builtin_renderer_matches_the_gguf_template(case: dict) -> None:
    """Golden prompts were rendered by the model's own template through llama.cpp."""
    assert render_qwen_prompt(case["messages"], case["tools"]) == case["prompt"]


def test_template_messages_converts_every_role() -> None:
    call = ToolCall(id="c1", function="shell", arguments={"command": "ls"})
    messages: list[ChatMessage] = [
        ChatMessageSystem(content="sys"),
        ChatMessageUser(content=[ContentText(text="a"), ContentText(text="b")]),
        ChatMessageAssistant(content="Listing.", tool_calls=[call]),
        ChatMessageTool(content="file1", tool_call_id="c1", function="shell"),
        ChatMessageTool(
            content="",
            tool_call_id="c2",
            function="shell",
            error=ToolCallError(type="unknown", message="exit status 2"),
        ),
        ChatMessageAssistant(content="Done."),
    ]
    assert template_messages(messages) == [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "a\nb"},
        {
            "role": "assistant",
            "content": "Listing.",
            "tool_calls": [
                {"type": "function", "function": {"name": "shell", "arguments": {"command": "ls"}}}
            ],
        },
        {"role": "tool", "content": "file1"},
        {"role": "tool", "content": "Error: exit status 2"},
        {"role": "assistant", "content": "Done."},
    ]


def test_tool_error_keeps_output_before_the_error() -> None:
    message = ChatMessageTool(
        content="partial",
        tool_call_id="c",
        function="shell",
        error=ToolCallError(type="timeout", message="timed out"),
    )
    assert template_messages([message]) == [
        {"role": "tool", "content": "partial\nError: timed out"}
    ]


def test_template_tools_uses_json_schema_of_parameters() -> None:
    info = ToolInfo(
        name="read_file",
        description="Show what a text file contains.",
        parameters=ToolParams(
            properties={"path": ToolParam(type="string", description="File.")}, required=["path"]
        ),
    )
    (spec,) = template_tools([info])
    assert spec["type"] == "function"
    assert spec["function"]["name"] == "read_file"
    params = spec["function"]["parameters"]
    assert params["type"] == "object" and params["required"] == ["path"]
    assert params["properties"]["path"] == {"type": "string", "description": "File."}


def test_assistant_call_arguments_rendered_as_json_object() -> None:
    call = ToolCall(id="c1", function="write_file", arguments={"path": "é.txt", "content": "<x>"})
    prompt = render_qwen_prompt(
        template_messages(
            [ChatMessageUser(content="u"), ChatMessageAssistant(content="", tool_calls=[call])]
        )
    )
    assert '{"name": "write_file", "arguments": {"path": "é.txt", "content": "<x>"}}' in prompt
