"""Constrained-generation grammar derived from the tools' JSON schemas.

The model may answer in plain text or make tool calls. A call is one JSON object validated by
a schema with one alternative per tool (``{"name": {"const": <tool>}, "arguments": <its
parameters schema>}``), turned into a grammar by llama.cpp's JSON-schema converter
(``xllamacpp.json_schema_to_grammar``). The object is normally wrapped in the Qwen2.5 tags::

    <tool_call>
    {"name": "<tool>", "arguments": {...}}
    </tool_call>

but this small model mostly writes calls as bare or fenced (```` ```json ````) JSON, so those two
wrappers are accepted too, with the same schema constraint: whatever form the model picks, the
call is valid. Free text may precede the calls (the scaffold asks for a one-sentence note before
each call). Text never contains ``<`` or ``{``, has backticks only around single-line inline
code, and never starts with whitespace, so a code fence, a JSON object or a tag always enters a
constrained call. (A final answer therefore cannot contain code blocks or braces; for this
benchmark's status reports that is harmless.)

The pinned xllamacpp build's converter returns llguidance (Lark) grammars; a GBNF result from
other builds is composed the same way, so both formats are handled.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

GrammarMode = Literal["auto", "required", "none"]
"""``auto``: text or calls; ``required``: at least one call; ``none``: text only."""

ToolSchema = tuple[str, dict[str, Any]]
"""A tool's name and the JSON schema of its arguments object."""

Converter = Callable[[dict[str, Any]], str]
"""JSON schema to grammar text (llguidance ``%llguidance`` Lark, or GBNF)."""

TEXT_EXCLUDED = "<`{"
"""Characters the free-text part may not contain (backticks only as inline-code delimiters)."""

TEXT_FIRST_EXCLUDED = TEXT_EXCLUDED + " \t\r\n"
"""Characters the free-text part may not start with."""

RELAXED_ARGUMENTS: dict[str, Any] = {"type": "object"}
"""Argument schema used when a tool's own schema is rejected by the grammar engine."""


def default_converter() -> Converter:
    """``xllamacpp.json_schema_to_grammar`` (imported here, so only when a grammar is built).

    Raises:
        ImportError: xllamacpp is not installed.
    """
    from xllamacpp import json_schema_to_grammar

    return json_schema_to_grammar  # type: ignore[no-any-return]


def call_schema(tools: Sequence[ToolSchema], relaxed: bool = False) -> dict[str, Any]:
    """JSON schema of one tool call: ``anyOf`` one ``{"name", "arguments"}`` object per tool.

    Args:
        tools: Non-empty list of (name, arguments schema).
        relaxed: Accept any JSON object as arguments (fallback for unsupported schemas).

    Raises:
        ValueError: ``tools`` is empty.
    """
    if not tools:
        raise ValueError("call_schema needs at least one tool")
    alternatives = [
        {
            "type": "object",
            "properties": {
                "name": {"const": name},
                "arguments": RELAXED_ARGUMENTS if relaxed else (schema or RELAXED_ARGUMENTS),
            },
            "required": ["name", "arguments"],
            "additionalProperties": False,
        }
        for name, schema in tools
    ]
    return alternatives[0] if len(alternatives) == 1 else {"anyOf": alternatives}


def build_tool_grammar(
    tools: Sequence[ToolSchema],
    mode: GrammarMode = "auto",
    *,
    max_calls: int = 1,
    relaxed: bool = False,
    converter: Converter | None = None,
) -> str:
    """Grammar for one assistant turn.

    Args:
        tools: Tools the model may call (non-empty, except for mode ``none``).
        mode: ``auto`` (text, or optional text then calls), ``required`` (optional text then
            calls) or ``none`` (text only: the same free-text rule, so no JSON pseudo-calls).
        max_calls: Most tool calls in one turn (>= 1), separated by a newline.
        relaxed: Do not constrain argument objects beyond being JSON objects.
        converter: JSON schema to grammar function (default :func:`default_converter`).

    Returns:
        Grammar text for the ``grammar`` field of a llama.cpp completion request.

    Raises:
        ValueError: no tools for mode ``auto``/``required``, or ``max_calls < 1``.
        ImportError: the default converter is needed and xllamacpp is missing.
    """
    if max_calls < 1:
        raise ValueError("max_calls must be >= 1")
    if mode != "none" and not tools:
        raise ValueError(f"grammar mode {mode!r} needs at least one tool")
    schema = call_schema(tools, relaxed) if mode != "none" else {"type": "object"}
    converted = (converter or default_converter())(schema)
    if converted.lstrip().startswith("%llguidance"):
        return _lark_grammar(schema, mode, max_calls)
    return _gbnf_grammar(converted, mode, max_calls)


_START = {
    "auto": "{text} | {text}? {calls}",
    "required": "{text}? {calls}",
    "none": "{text}",
}
"""Top rule per mode (``{text}`` / ``{calls}`` are filled with the format's rule names)."""


def _lark_grammar(schema: dict[str, Any], mode: GrammarMode, max_calls: int) -> str:
    """llguidance Lark grammar; the call object uses llguidance's native ``%json`` directive."""
    first, rest = _regex_class(TEXT_FIRST_EXCLUDED), _regex_class(TEXT_EXCLUDED)
    lines = [
        "%llguidance {}",
        "start: " + _START[mode].format(text="ic_text", calls="ic_calls"),
        "ic_text: IC_LEAD (IC_CODE | IC_WORDS)*",
        f"IC_LEAD: /[^{first}][^{rest}]*/",
        f"IC_WORDS: /[^{rest}]+/",
        f"IC_CODE: /`[^{rest}\\n]+`/",
    ]
    if mode != "none":
        lines += [
            f"ic_calls: {_repeat_calls('ic_call', max_calls)}",
            "ic_call: ic_tagged | ic_fenced | ic_call_json",
            'ic_tagged: "<tool_call>\\n" ic_call_json "\\n</tool_call>"',
            'ic_fenced: "```" ("json")? "\\n" ic_call_json "\\n```"',
            f"ic_call_json: %json {json.dumps(schema, separators=(',', ':'))}",
        ]
    return "\n".join(lines) + "\n"


def _gbnf_grammar(converted: str, mode: GrammarMode, max_calls: int) -> str:
    """GBNF grammar; the converter's rules are kept with its ``root`` renamed."""
    first, rest = _gbnf_class(TEXT_FIRST_EXCLUDED), _gbnf_class(TEXT_EXCLUDED)
    lines = [
        "root ::= " + _START[mode].format(text="ic-text", calls="ic-calls"),
        f'ic-text ::= [^{first}] ([^{rest}] | "`" [^{rest}\\n]+ "`")*',
    ]
    if mode != "none":
        lines += [
            f"ic-calls ::= {_repeat_calls('ic-call', max_calls)}",
            "ic-call ::= ic-tagged | ic-fenced | ic-call-json",
            'ic-tagged ::= "<tool_call>\\n" ic-call-json "\\n</tool_call>"',
            'ic-fenced ::= "```" "json"? "\\n" ic-call-json "\\n```"',
            rename_gbnf_rule(converted, "root", "ic-call-json").strip(),
        ]
    return "\n".join(lines) + "\n"


def _repeat_calls(rule: str, max_calls: int) -> str:
    """``rule`` followed by up to ``max_calls - 1`` newline-separated repeats (nested options)."""
    expr = rule
    for _ in range(max_calls - 1):
        expr = f'{rule} ("\\n" {expr})?'
    return expr


def _regex_class(chars: str) -> str:
    """Characters written for a regex ``[...]`` class inside a Lark ``/.../`` literal."""
    names = {"\t": "\\t", "\r": "\\r", "\n": "\\n"}
    return "".join(names.get(c, "\\" + c if c in "\\]^-[/" else c) for c in chars)


def _gbnf_class(chars: str) -> str:
    """Characters escaped for a GBNF ``[...]`` class."""
    names = {" ": " ", "\t": "\\t", "\r": "\\r", "\n": "\\n", "]": "\\]", "\\": "\\\\", "^": "\\^"}
    return "".join(names.get(c, c) for c in chars)


_GBNF_TOKEN = re.compile(
    r'"(?:\\.|[^"\\])*"'  # string literal
    r"|\[(?:\\.|[^\]\\])*\]"  # character class
    r"|#[^\n]*"  # comment
    r"|[A-Za-z0-9_-]+"  # rule name
    r"|.",  # anything else
    re.DOTALL,
)


def rename_gbnf_rule(grammar: str, old: str, new: str) -> str:
    """Rename GBNF rule ``old`` to ``new`` in definitions and references.

    Literals, character classes and comments are left untouched (a tool or property named
    like the rule stays intact).
    """
    return "".join(new if tok == old else tok for tok in _GBNF_TOKEN.findall(grammar))
