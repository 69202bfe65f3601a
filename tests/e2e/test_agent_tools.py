"""The four agent tools' results and error formats inside the bwrap sandbox (scaffold.md 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import ModelOutput, get_model

from inspect_ic.aio_tools import agent_tools
from inspect_ic.policies.scripted import USAGE
from inspect_ic.tasks._base.loop import guarded_agent

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("shell", {"command": "echo out; echo err >&2"}),
    ("shell", {"command": "echo partial; exit 3"}),
    ("shell", {"command": "pwd", "cwd": "sub"}),
    ("shell", {"command": "sleep 30"}),
    ("write_file", {"path": "sub/notes.txt", "content": "hello\n"}),
    ("read_file", {"path": "sub/notes.txt"}),
    ("read_file", {"path": "missing.txt"}),
    ("read_file", {"path": "sub"}),
    ("shell", {"command": "mkfifo /root/pipe; head -c 10 /dev/urandom > /root/bin.dat"}),
    ("read_file", {"path": "pipe"}),
    ("read_file", {"path": "bin.dat"}),
    ("list_dir", {}),
    ("list_dir", {"path": "nowhere"}),
    ("list_dir", {"path": "sub/notes.txt"}),
    ("write_file", {"path": "sub", "content": "x"}),
    ("shell", {"command": "pwd", "cwd": "does/not/exist"}),
    ("shell", {"command": "echo $HOME $LANG; env | grep -c IC_SECRET_FOR_TEST || true"}),
    ("shell", {"command": "python3 -c 'print(\"a\" * 40000)'"}),
]


def _respond(messages, tools, tool_choice, config):  # type: ignore[no-untyped-def]
    turn = sum(1 for m in messages if m.role == "assistant")
    if turn < len(CALLS):
        name, args = CALLS[turn]
        out = ModelOutput.for_tool_call("mockllm/model", name, args, content="step")
    else:
        out = ModelOutput.from_content("mockllm/model", "done")
    out.usage = USAGE
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    import os

    os.environ["IC_SECRET_FOR_TEST"] = "should-not-leak"
    tools = agent_tools("/root", "/root", shell_timeout=2)
    task = Task(
        dataset=[Sample(input="go", id="tools")],
        solver=guarded_agent(tools, repeat_streak_limit=0),
        sandbox="bwrap",
        message_limit=60,
    )
    log_dir: Path = tmp_path_factory.mktemp("tools")
    log = eval(
        task,
        model=get_model("mockllm/model", custom_outputs=_respond),
        log_dir=str(log_dir),
        display="none",
    )[0]
    assert log.samples and not log.samples[0].error
    return [m for m in log.samples[0].messages if m.role == "tool"]


def _err(msg: Any) -> str:
    return msg.error.message if msg.error else ""


def test_shell_success_and_stderr(results: list[Any]) -> None:
    assert results[0].text == "out\nstderr:\nerr\n"


def test_shell_nonzero_exit(results: list[Any]) -> None:
    assert _err(results[1]).splitlines() == [
        "exit status 3",
        "cwd: /root",
        "command: echo partial; exit 3",
        "stdout:",
        "partial",
        "",
        "stderr:",
        "(none)",
    ]


def test_shell_cwd_created_by_write_is_used_and_missing_cwd_fails(results: list[Any]) -> None:
    assert _err(results[2]) == "working directory not found: /root/sub"
    assert _err(results[15]) == "working directory not found: /root/does/not/exist"


def test_shell_timeout(results: list[Any]) -> None:
    assert _err(results[3]).splitlines()[:3] == [
        "timed out after 2 s",
        "cwd: /root",
        "command: sleep 30",
    ]


def test_write_and_read(results: list[Any]) -> None:
    assert results[4].text == "ok: wrote 6 bytes to /root/sub/notes.txt"
    assert results[5].text == "hello\n"


def test_read_errors(results: list[Any]) -> None:
    assert _err(results[6]) == "no such file: /root/missing.txt"
    assert _err(results[7]).startswith("is a directory: /root/sub (use list_dir")
    assert _err(results[9]).startswith("not a text file: /root/pipe is a special file")
    assert _err(results[10]) == "not a text file: /root/bin.dat is a binary file of 10 bytes"


def test_list_dir(results: list[Any]) -> None:
    lines = results[11].text.splitlines()
    assert lines[0] == "/root:"
    assert any(line.endswith(" sub") for line in lines)
    assert _err(results[12]) == "no such directory: /root/nowhere"
    assert _err(results[13]) == "not a directory: /root/sub/notes.txt"
    assert _err(results[14]).startswith("is a directory: /root/sub")


def test_environment_is_minimal(results: list[Any]) -> None:
    assert results[16].text.splitlines() == ["/root C.UTF-8", "0"]


def test_long_output_is_truncated_with_marker(results: list[Any]) -> None:
    text = results[17].text
    assert "[... output truncated: " in text
    assert len(text.encode()) == 16 * 1024
    assert text.startswith("a" * 4096 + "\n[... output truncated: ")
