"""No tool argument can crash a sample: an over-long command reads like a shell's refusal, and
text that is not valid Unicode is refused with ``invalid argument:`` (scaffold.md section 1).

The adversarial evals (``test_adversarial.py``) send the same arguments through a real model
turn; a lone surrogate cannot go there because Inspect cannot write it to the log.
"""

from __future__ import annotations

import pytest
from inspect_ai.tool import ToolError
from inspect_ai.util._sandbox.context import (
    sandbox_default_context_var,
    sandbox_environments_context_var,
)

from inspect_ic.aio_tools import agent_tools
from tests.sandbox.conftest import JailFactory, requires_bwrap

SHELL, READ, WRITE, LIST = agent_tools("/root", "/root", shell_timeout=20)


@pytest.mark.parametrize(
    ("tool", "args", "name"),
    [
        (SHELL, {"command": "echo \ud800"}, "command"),
        (SHELL, {"command": "pwd", "cwd": "\udc80"}, "cwd"),
        (READ, {"path": "a\ud800"}, "path"),
        (WRITE, {"path": "x.txt", "content": "a\udfffb"}, "content"),
        (LIST, {"path": "\ud800"}, "path"),
    ],
)
async def test_lone_surrogates_are_refused(tool: object, args: dict[str, str], name: str) -> None:
    with pytest.raises(ToolError) as err:
        await tool(**args)  # type: ignore[operator]
    assert err.value.message.startswith(f"invalid argument: {name} is not valid Unicode text")


@requires_bwrap
async def test_over_long_command_is_an_exit_status(make_jail: JailFactory) -> None:
    async with make_jail() as env:
        token = sandbox_environments_context_var.set({"default": env})
        default = sandbox_default_context_var.set("default")
        try:
            with pytest.raises(ToolError) as err:
                await SHELL(command="echo " + "a" * 300_000)
            ok = await SHELL(command="echo still-works")
        finally:
            sandbox_default_context_var.reset(default)
            sandbox_environments_context_var.reset(token)
    lines = err.value.message.splitlines()
    assert lines[:2] == ["exit status 126", "cwd: /root"]
    assert "bash: argument list too long: the command is 300005 bytes" in err.value.message
    assert ok == "still-works\n"
