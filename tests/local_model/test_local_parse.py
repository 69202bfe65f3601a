"""Parsing of tagged, fenced and bare JSON tool calls."""

from __future__ import annotations

from inspect_ic.local_model.parse import parse_completion

TOOLS = {"shell", "read_file", "list_dir"}


def test_tagged_call_with_preamble() -> None:
    text = 'I will list the files.\n<tool_call>\n{"name": "shell", "arguments": {"command": "ls"}}\n</tool_call>'
    parsed = parse_completion(text, TOOLS)
    assert parsed.content == "I will list the files."
    assert [(c.name, c.arguments, c.source, c.error) for c in parsed.calls] == [
        ("shell", {"command": "ls"}, "tagged", None)
    ]
    assert parsed.errors == []


def test_several_tagged_calls_keep_order() -> None:
    text = (
        '<tool_call>\n{"name": "list_dir", "arguments": {}}\n</tool_call>\n'
        '<tool_call>\n{"name": "read_file", "arguments": {"path": "a.txt"}}\n</tool_call>'
    )
    parsed = parse_completion(text, TOOLS)
    assert [c.name for c in parsed.calls] == ["list_dir", "read_file"]
    assert parsed.content == ""


def test_tagged_call_with_broken_json_keeps_name_and_error() -> None:
    text = '<tool_call>\n{"name": "shell", "arguments": {"command": "ls"\n</tool_call>'
    parsed = parse_completion(text, TOOLS)
    assert len(parsed.calls) == 1
    call = parsed.calls[0]
    assert call.name == "shell" and call.arguments == {} and call.error
    assert "invalid JSON" in call.error
    assert parsed.errors == [call.error]


def test_tagged_garbage_without_name_is_only_an_error() -> None:
    parsed = parse_completion("<tool_call>\nnot json\n</tool_call>", TOOLS)
    assert parsed.calls == []
    assert parsed.errors and parsed.errors[0].startswith("tagged tool call")


def test_unterminated_tag_is_parsed_when_json_is_complete() -> None:
    parsed = parse_completion(
        '<tool_call>\n{"name": "shell", "arguments": {"command": "pwd"}}', TOOLS
    )
    assert [(c.name, c.arguments) for c in parsed.calls] == [("shell", {"command": "pwd"})]


def test_truncated_tagged_call_is_flagged_unterminated() -> None:
    parsed = parse_completion('<tool_call>\n{"name": "shell", "arguments": {"comm', TOOLS)
    assert parsed.calls[0].error and "unterminated" in parsed.calls[0].error


def test_fenced_json_call() -> None:
    text = 'Here is the call:\n```json\n{"name": "read_file", "arguments": {"path": "x"}}\n```\nThanks.'
    parsed = parse_completion(text, TOOLS)
    assert [(c.name, c.source) for c in parsed.calls] == [("read_file", "fenced")]
    assert parsed.content == "Here is the call:\n\nThanks."


def test_bare_json_call_and_string_arguments() -> None:
    text = '{"name": "shell", "arguments": "{\\"command\\": \\"ls -la\\"}"}'
    parsed = parse_completion(text, TOOLS)
    assert [(c.name, c.arguments, c.source) for c in parsed.calls] == [
        ("shell", {"command": "ls -la"}, "bare")
    ]
    assert parsed.content == ""


def test_openai_function_shape_and_parameters_key() -> None:
    parsed = parse_completion(
        '{"function": {"name": "list_dir", "parameters": {"path": "/"}}}', TOOLS
    )
    assert [(c.name, c.arguments) for c in parsed.calls] == [("list_dir", {"path": "/"})]


def test_list_of_calls_in_fence() -> None:
    text = '```\n[{"name": "list_dir", "arguments": {}}, {"name": "shell", "arguments": {"command": "id"}}]\n```'
    assert [c.name for c in parse_completion(text, TOOLS).calls] == ["list_dir", "shell"]


def test_unknown_tool_in_json_is_an_error_not_a_call() -> None:
    text = '```json\n{"name": "list_files", "arguments": {"directory": "/"}}\n```'
    parsed = parse_completion(text, TOOLS)
    assert parsed.calls == []
    assert parsed.errors == ["fenced JSON names unknown tool 'list_files'"]
    assert "list_files" in parsed.content


def test_prose_and_unrelated_json_are_content() -> None:
    text = 'The config is {"debug": true} and the budget is 41250 USD.'
    parsed = parse_completion(text, TOOLS)
    assert parsed.calls == [] and parsed.errors == []
    assert parsed.content == text


def test_untagged_parsing_can_be_disabled() -> None:
    parsed = parse_completion(
        '{"name": "shell", "arguments": {"command": "ls"}}', TOOLS, allow_untagged=False
    )
    assert parsed.calls == []


def test_tagged_calls_take_precedence_over_json_in_text() -> None:
    text = 'Example {"name": "shell", "arguments": {"command": "no"}}\n<tool_call>\n{"name": "shell", "arguments": {"command": "yes"}}\n</tool_call>'
    parsed = parse_completion(text, TOOLS)
    assert [c.arguments for c in parsed.calls] == [{"command": "yes"}]
