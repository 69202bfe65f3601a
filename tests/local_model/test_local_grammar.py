"""Grammar construction from tool schemas (no model needed; xllamacpp only for one test)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from inspect_ic.local_model.grammar import (
    build_tool_grammar,
    call_schema,
    rename_gbnf_rule,
)
from inspect_ic.local_model.provider import xllamacpp_installed

SHELL = (
    "shell",
    {
        "type": "object",
        "properties": {
            "command": {"type": "string"},
            "cwd": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["command"],
        "additionalProperties": False,
    },
)
LIST_DIR = (
    "list_dir",
    {"type": "object", "properties": {"path": {"type": "string"}}, "required": []},
)


def lark_converter(schema: dict[str, Any]) -> str:
    """What the pinned xllamacpp (llguidance build) returns."""
    return "%llguidance {}\nstart: %json " + json.dumps(schema) + "\n"


def gbnf_converter(schema: dict[str, Any]) -> str:
    """A GBNF converter result (other llama.cpp builds)."""
    return 'root ::= "{" space "\\"root\\"" [root] rest # root\nrest ::= "}"\nspace ::= " "?\n'


def test_call_schema_has_one_alternative_per_tool() -> None:
    schema = call_schema([SHELL, LIST_DIR])
    names = [alt["properties"]["name"]["const"] for alt in schema["anyOf"]]
    assert names == ["shell", "list_dir"]
    assert schema["anyOf"][0]["properties"]["arguments"] == SHELL[1]
    assert all(alt["required"] == ["name", "arguments"] for alt in schema["anyOf"])
    assert all(alt["additionalProperties"] is False for alt in schema["anyOf"])


def test_call_schema_single_tool_and_relaxed() -> None:
    single = call_schema([SHELL])
    assert "anyOf" not in single and single["properties"]["name"] == {"const": "shell"}
    relaxed = call_schema([SHELL], relaxed=True)
    assert relaxed["properties"]["arguments"] == {"type": "object"}
    assert call_schema([("noargs", {})])["properties"]["arguments"] == {"type": "object"}
    with pytest.raises(ValueError):
        call_schema([])


def test_lark_grammar_auto_embeds_schema_and_wrappers() -> None:
    grammar = build_tool_grammar([SHELL, LIST_DIR], "auto", converter=lark_converter)
    lines = grammar.splitlines()
    assert lines[0] == "%llguidance {}"
    assert lines[1] == "start: ic_text | ic_text? ic_calls"
    assert 'ic_tagged: "<tool_call>\\n" ic_call_json "\\n</tool_call>"' in lines
    assert "ic_call: ic_tagged | ic_fenced | ic_call_json" in lines
    json_line = next(line for line in lines if line.startswith("ic_call_json: %json "))
    assert json.loads(json_line.removeprefix("ic_call_json: %json ")) == call_schema(
        [SHELL, LIST_DIR]
    )
    assert "IC_LEAD: /[^<`{ \\t\\r\\n][^<`{]*/" in lines


def test_lark_grammar_required_and_max_calls() -> None:
    grammar = build_tool_grammar([SHELL], "required", max_calls=3, converter=lark_converter)
    assert "start: ic_text? ic_calls" in grammar.splitlines()
    assert 'ic_calls: ic_call ("\\n" ic_call ("\\n" ic_call)?)?' in grammar.splitlines()


def test_gbnf_grammar_renames_converter_root_only_outside_literals() -> None:
    grammar = build_tool_grammar([SHELL], "auto", converter=gbnf_converter)
    lines = grammar.splitlines()
    assert lines[0] == "root ::= ic-text | ic-text? ic-calls"
    assert sum(line.startswith("root ::=") for line in lines) == 1
    assert 'ic-call-json ::= "{" space "\\"root\\"" [root] rest # root' in lines
    assert 'ic-tagged ::= "<tool_call>\\n" ic-call-json "\\n</tool_call>"' in lines


@pytest.mark.parametrize("converter", [lark_converter, gbnf_converter])
def test_none_mode_is_text_only(converter: Any) -> None:
    grammar = build_tool_grammar([], "none", converter=converter)
    assert "tool_call" not in grammar and "json" not in grammar
    assert grammar.splitlines()[1 if converter is lark_converter else 0].endswith(
        ("start: ic_text", "root ::= ic-text")
    )


def test_rename_gbnf_rule_whole_names() -> None:
    text = 'root ::= root-x "root" [root]\nroot-x ::= root # root'
    assert (
        rename_gbnf_rule(text, "root", "r2") == 'r2 ::= root-x "root" [root]\nroot-x ::= r2 # root'
    )


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        build_tool_grammar([SHELL], "auto", max_calls=0, converter=lark_converter)
    with pytest.raises(ValueError):
        build_tool_grammar([], "auto", converter=lark_converter)


@pytest.mark.skipif(not xllamacpp_installed(), reason="xllamacpp not installed")
def test_real_converter_output_is_used() -> None:
    grammar = build_tool_grammar([SHELL, LIST_DIR], "auto")
    assert grammar.startswith("%llguidance") or "ic-call-json ::=" in grammar
    assert "shell" in grammar and "list_dir" in grammar
