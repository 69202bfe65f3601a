"""A timed-out or flooding command is killed with every process of its session, including the
process groups it created (GNU ``timeout``, which the ``shell`` tool runs, makes one)."""

from __future__ import annotations

import pytest
from inspect_ai.util import OutputLimitExceededError

from tests.sandbox.conftest import JailFactory, requires_bwrap

pytestmark = requires_bwrap


async def _left(env: object) -> list[str]:
    procs = await env.jail_processes()  # type: ignore[attr-defined]
    return [p.cmdline for p in procs if p.state != "Z"]


async def test_output_overflow_kills_a_new_process_group(make_jail: JailFactory) -> None:
    async with make_jail() as env:
        with pytest.raises(OutputLimitExceededError):
            await env.exec(["timeout", "100", "sh", "-c", "yes flood | cat"])
        assert await _left(env) == []


async def test_timeout_kills_a_new_process_group(make_jail: JailFactory) -> None:
    async with make_jail() as env:
        with pytest.raises(TimeoutError):
            await env.exec(["timeout", "100", "sh", "-c", "sleep 50 | cat"], timeout=2)
        assert await _left(env) == []


async def test_a_detached_session_survives_the_kill(make_jail: JailFactory) -> None:
    """``setsid`` daemons are background processes by intent; they live until quiesce."""
    async with make_jail() as env:
        with pytest.raises(TimeoutError):
            await env.exec(["sh", "-c", "setsid sleep 77 >/dev/null 2>&1 & sleep 50"], timeout=2)
        assert await _left(env) == ["sleep 77"]
