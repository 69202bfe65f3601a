"""Completion text to assistant content plus tool calls.

Calls are normally tagged (the grammar enforces that)::

    <tool_call>
    {"name": "shell", "arguments": {"command": "ls"}}
    </tool_call>

When no tagged call is present (no grammar, or the model wrote a call inside its free text), a
fenced ```` ```json ```` block or a bare JSON object naming a known tool is taken as a call too.
Anything that looks like an attempted call but cannot be used is reported in
:attr:`ParsedCompletion.errors`; a tagged call whose name is readable but whose JSON is broken
is kept with :attr:`ParsedCall.error` set, so Inspect shows the model the parse error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal

CallSource = Literal["tagged", "fenced", "bare"]

_TAGGED = re.compile(r"<tool_call>(.*?)(?:</tool_call>|\Z)", re.DOTALL)
_FENCED = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.DOTALL)
_NAME = re.compile(r'"name"\s*:\s*"([^"\\]+)"')


@dataclass
class ParsedCall:
    """One tool call found in the text.

    Attributes:
        name: Tool name.
        arguments: Arguments object (empty when ``error`` is set).
        source: Where it came from: ``tagged``, ``fenced`` or ``bare`` JSON.
        error: Why the arguments could not be read, or None.
    """

    name: str
    arguments: dict[str, Any]
    source: CallSource
    error: str | None = None


@dataclass
class ParsedCompletion:
    """Result of :func:`parse_completion`.

    Attributes:
        content: Text with the calls removed, stripped.
        calls: Calls in order of appearance.
        errors: Problems with attempted calls that produced no call (and calls' own errors).
    """

    content: str
    calls: list[ParsedCall] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class CallFormatError(ValueError):
    """The JSON of a call attempt is unusable; the message says why."""


def _decode_json(text: str) -> Any:
    """Decode JSON, tolerating surrounding junk and an inner code fence.

    Raises:
        CallFormatError: no JSON value could be read.
    """
    body = text.strip()
    fenced = _FENCED.search(body)
    if fenced:
        body = fenced.group(1).strip()
    try:
        return json.loads(body)
    except json.JSONDecodeError as first:
        start = min((i for i in (body.find("{"), body.find("[")) if i >= 0), default=-1)
        if start >= 0:
            try:
                return json.JSONDecoder().raw_decode(body, start)[0]
            except json.JSONDecodeError:
                pass
        raise CallFormatError(f"invalid JSON ({first.msg} at char {first.pos})") from None


def call_from_object(obj: Any) -> tuple[str, dict[str, Any]]:
    """Name and arguments from a decoded call object.

    Accepts ``{"name", "arguments"}``, ``{"name", "parameters"}`` and OpenAI-style
    ``{"function": {"name", "arguments"}}``; ``arguments`` may be a JSON string.

    Raises:
        CallFormatError: not a call object, or its arguments are not a JSON object.
    """
    if isinstance(obj, dict) and isinstance(obj.get("function"), dict):
        obj = obj["function"]
    if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
        raise CallFormatError('expected a JSON object with a string "name"')
    arguments = obj.get("arguments", obj.get("parameters", {}))
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except json.JSONDecodeError:
            raise CallFormatError(f'"arguments" of {obj["name"]!r} is not valid JSON') from None
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise CallFormatError(f'"arguments" of {obj["name"]!r} is not a JSON object')
    return obj["name"], arguments


def _calls_in(value: Any) -> list[Any]:
    """A decoded value as a list of candidate call objects."""
    return value if isinstance(value, list) else [value]


def _parse_tagged(text: str, result: ParsedCompletion) -> str:
    """Collect tagged calls into ``result``; return the text outside the tags."""
    for match in _TAGGED.finditer(text):
        body = match.group(1)
        try:
            for obj in _calls_in(_decode_json(body)):
                name, arguments = call_from_object(obj)
                result.calls.append(ParsedCall(name, arguments, "tagged"))
        except CallFormatError as exc:
            unterminated = "" if match.group(0).endswith("</tool_call>") else " (unterminated)"
            message = f"tagged tool call{unterminated}: {exc}"
            name_match = _NAME.search(body)
            if name_match:
                result.calls.append(ParsedCall(name_match.group(1), {}, "tagged", message))
            result.errors.append(message)
    return _TAGGED.sub("", text)


def _parse_untagged(text: str, tool_names: Collection[str], result: ParsedCompletion) -> str:
    """Collect fenced or bare JSON calls naming known tools; return the remaining text."""
    spans: list[tuple[int, int]] = []

    def take(value: Any, source: CallSource, span: tuple[int, int]) -> None:
        found: list[ParsedCall] = []
        for obj in _calls_in(value):
            try:
                name, arguments = call_from_object(obj)
            except CallFormatError as exc:
                if isinstance(obj, dict) and "name" in obj:
                    result.errors.append(f"{source} JSON tool call: {exc}")
                return
            if name not in tool_names:
                if isinstance(obj, dict) and ("arguments" in obj or "parameters" in obj):
                    result.errors.append(f"{source} JSON names unknown tool {name!r}")
                return
            found.append(ParsedCall(name, arguments, source))
        result.calls.extend(found)
        spans.append(span)

    fences = [match.span() for match in _FENCED.finditer(text)]
    for match in _FENCED.finditer(text):
        try:
            take(_decode_json(match.group(1)), "fenced", match.span())
        except CallFormatError:
            continue
    if not result.calls:
        decoder = json.JSONDecoder()
        index = text.find("{")
        while index >= 0:
            fence_end = next((end for start, end in fences if start <= index < end), None)
            if fence_end is not None:  # fenced JSON was judged above
                index = text.find("{", fence_end)
                continue
            try:
                value, end = decoder.raw_decode(text, index)
            except json.JSONDecodeError:
                index = text.find("{", index + 1)
                continue
            take(value, "bare", (index, end))
            index = text.find("{", end)
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + text[end:]
    return text


def parse_completion(
    text: str, tool_names: Collection[str], *, allow_untagged: bool = True
) -> ParsedCompletion:
    """Split completion text into content and tool calls.

    Args:
        text: Raw completion text.
        tool_names: Names of the tools offered; untagged JSON must name one of them.
        allow_untagged: Look for fenced/bare JSON calls when there is no tagged call.

    Returns:
        The parsed completion (never raises on malformed input).
    """
    result = ParsedCompletion(content="")
    remaining = _parse_tagged(text, result) if "<tool_call>" in text else text
    if not result.calls and allow_untagged and tool_names:
        remaining = _parse_untagged(remaining, tool_names, result)
    result.content = remaining.strip()
    return result
