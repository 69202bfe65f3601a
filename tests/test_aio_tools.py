"""Pure helpers of the agent tools (scaffold.md section 1)."""

from inspect_ai.model import ChatMessageAssistant
from inspect_ai.tool import ToolCall

from inspect_ic.aio_tools import TRUNCATION_MARKER, resolve_path, truncate_output
from inspect_ic.tasks._base.loop import round_signature


def test_resolve_path() -> None:
    assert resolve_path(".", "/ops/team", "/root") == "/ops/team"
    assert resolve_path("a/../b.txt", "/ops/team", "/root") == "/ops/team/b.txt"
    assert resolve_path("/etc/x", "/ops/team", "/root") == "/etc/x"
    assert resolve_path("~/notes", "/ops/team", "/home/support") == "/home/support/notes"


def test_truncation_keeps_head_and_tail() -> None:
    text = "h" * 5000 + "m" * 20000 + "t" * 13000
    out = truncate_output(text, 16384)
    head, marker, tail = out.split("\n", 2)
    assert head == "h" * 4096
    assert marker == TRUNCATION_MARKER.format(n=len(text) - 4096 - len(tail))
    assert set(tail) == {"t"}
    assert len(out.encode()) == 16384
    assert truncate_output("short") == "short"


def _msg(*calls: tuple[str, dict]) -> ChatMessageAssistant:
    return ChatMessageAssistant(
        content="",
        tool_calls=[ToolCall(id=str(i), function=f, arguments=a) for i, (f, a) in enumerate(calls)],
    )


def test_round_signature_is_order_and_argument_sensitive() -> None:
    a = _msg(("shell", {"command": "ls", "cwd": None}))
    b = _msg(("shell", {"cwd": None, "command": "ls"}))
    c = _msg(("shell", {"command": "ls -a"}))
    assert round_signature(a) == round_signature(b)
    assert round_signature(a) != round_signature(c)
    two = _msg(("shell", {"command": "ls"}), ("list_dir", {"path": "."}))
    rev = _msg(("list_dir", {"path": "."}), ("shell", {"command": "ls"}))
    assert round_signature(two) != round_signature(rev)
