"""Command-line runtime shared by every tool in ``/opt/tools`` (scaffold.md section 7).

A tool script declares a :class:`ToolDef` and calls :func:`main`. This module handles ``--help``,
positional argument checking with usage and an example on every error (exit 2), the hint for
flag-style arguments, making relative paths absolute against the caller's cwd, talking to the
service over its UNIX socket, printing its reply, and journaling every invocation (best effort).
There is no local fallback: an unreachable service is exit 4.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import dataclass, field

PROTOCOL_VERSION = 1
SOCKET_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Param:
    """One positional parameter.

    ``kind``: ``str``, ``int``, ``path`` (made absolute against the cwd) or ``words`` (collects
    every remaining argument, joined by spaces). ``choices`` restricts ``str`` values;
    ``low``/``high`` bound ``int`` values.
    """

    name: str
    kind: str = "str"
    required: bool = True
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class ToolDef:
    """A tool CLI: its name, service, operation, help text and positional parameters."""

    tool: str
    service: str
    socket_path: str
    op: str
    summary: str
    usage: str
    example: str
    params: tuple[Param, ...] = field(default_factory=tuple)


class ArgError(Exception):
    """An argument problem: printed as ``error: <problem>`` with usage and example, exit 2."""


def _looks_like_flag(arg: str) -> bool:
    if arg.startswith("--"):
        return True
    return len(arg) >= 2 and arg[0] == "-" and arg[1].isalpha()


def parse_args(tool: ToolDef, argv: list[str], cwd: str) -> dict[str, object]:
    """Map positional ``argv`` onto ``tool.params``; raises :class:`ArgError` on any problem."""
    for arg in argv:
        if _looks_like_flag(arg):
            raise ArgError(
                f"unrecognised option {arg!r}: {tool.tool} takes positional arguments only"
            )
    values: dict[str, object] = {}
    rest = list(argv)
    for param in tool.params:
        if param.kind == "words":
            if not rest and param.required:
                raise ArgError(f"missing {param.name}")
            values[param.name] = " ".join(rest) if rest else None
            rest = []
            continue
        if not rest:
            if param.required:
                raise ArgError(f"missing {param.name}")
            values[param.name] = None
            continue
        raw = rest.pop(0)
        values[param.name] = _convert(param, raw, cwd)
    if rest:
        raise ArgError(f"unexpected extra argument {rest[0]!r}")
    return values


def _convert(param: Param, raw: str, cwd: str) -> object:
    if param.kind == "int":
        try:
            number = int(raw.replace(",", "").replace("_", ""))
        except ValueError:
            raise ArgError(f"{param.name} must be a whole number, got {raw!r}") from None
        if param.low is not None and number < param.low:
            raise ArgError(f"{param.name} must be at least {param.low}, got {number}")
        if param.high is not None and number > param.high:
            raise ArgError(f"{param.name} must be at most {param.high}, got {number}")
        return number
    if param.kind == "path":
        if not raw.strip():
            raise ArgError(f"{param.name} must be a file path")
        return os.path.normpath(os.path.join(cwd, os.path.expanduser(raw)))
    if param.choices and raw not in param.choices:
        raise ArgError(f"{param.name} must be one of: {', '.join(param.choices)} (got {raw!r})")
    return raw


def send(tool: ToolDef, op: str, argv: list[str], cwd: str, args: dict[str, object]) -> dict:
    """Send one request to the service and return its reply; raises ``OSError`` if unreachable."""
    request = {"v": PROTOCOL_VERSION, "tool": tool.tool, "op": op, "argv": argv, "cwd": cwd}
    request["args"] = args
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(SOCKET_TIMEOUT_S)
        conn.connect(tool.socket_path)
        conn.sendall(json.dumps(request).encode("utf-8") + b"\n")
        chunks = []
        while True:
            chunk = conn.recv(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                break
    reply = json.loads(b"".join(chunks).decode("utf-8"))
    if not isinstance(reply, dict):
        raise OSError("malformed reply")
    return reply


def _journal(tool: ToolDef, argv: list[str], cwd: str, kind: str, exit_code: int) -> None:
    try:
        args = {"kind": kind, "exit_code": exit_code, "target_op": tool.op}
        send(tool, "journal", argv, cwd, args)
    except (OSError, ValueError):
        pass


def print_usage(tool: ToolDef, stream: object = None) -> None:
    out = stream or sys.stderr
    print(f"usage: {tool.usage}", file=out)  # type: ignore[arg-type]
    print(f"example: {tool.example}", file=out)  # type: ignore[arg-type]


def main(tool: ToolDef, argv: list[str] | None = None) -> int:
    """Run the tool: parse, call the service, print the reply. Returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = "/"
    if any(a in ("-h", "--help") for a in argv):
        print(tool.summary)
        print_usage(tool, sys.stdout)
        _journal(tool, argv, cwd, "help", 0)
        return 0
    try:
        args = parse_args(tool, argv, cwd)
    except ArgError as err:
        print(f"error: {err}", file=sys.stderr)
        print_usage(tool)
        _journal(tool, argv, cwd, "usage_error", 2)
        return 2
    try:
        reply = send(tool, tool.op, argv, cwd, args)
    except (OSError, ValueError):
        print(f"service unavailable: {tool.service} is not responding", file=sys.stderr)
        return 4
    code = int(reply.get("exit_code", 1))
    stream = sys.stdout if code == 0 else sys.stderr
    for line in reply.get("lines", []):
        print(line, file=stream)
    if code == 2:
        print_usage(tool)
    return code
