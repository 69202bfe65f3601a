"""Background processes, the harness's process listing/killing, timeouts and output caps."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import anyio
import pytest
from inspect_ai.util import OutputLimitExceededError, SandboxUnavailableError
from inspect_ai.util._sandbox.limits import override_max_exec_output_size

from tests.sandbox.conftest import JailFactory, requires_bwrap
from tests.sandbox.test_destructive import host_processes_with

pytestmark = requires_bwrap

DAEMON = (
    "setsid sh -c 'while :; do date +%s%N > /tmp/tick; sleep 0.05; done; : {marker}' "
    ">/dev/null 2>&1 </dev/null &"
)


async def test_daemon_persists_between_execs_and_dies_at_cleanup(make_jail: JailFactory) -> None:
    marker = f"icdaemon{time.time_ns()}"
    async with make_jail() as env:
        assert (await env.exec(["sh", "-c", DAEMON.format(marker=marker)])).success
        first = None
        for _ in range(200):
            tick = await env.exec(["cat", "/tmp/tick"])
            if tick.success:
                first = tick.stdout
                break
        assert first is not None
        time.sleep(0.3)
        assert (await env.exec(["cat", "/tmp/tick"])).stdout != first, "daemon stopped ticking"
        procs = await env.jail_processes()
        daemons = [p for p in procs if marker in p.cmdline]
        assert len(daemons) == 1 and daemons[0].comm == "sh" and daemons[0].jail_pid > 1
        assert all(p.jail_pid != 1 for p in procs)
        assert (await env.jail_processes(include_init=True))[0].jail_pid == 1
        assert host_processes_with(marker)
    deadline = time.monotonic() + 5
    while host_processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert host_processes_with(marker) == []


async def test_kill_jail_processes(make_jail: JailFactory) -> None:
    async with make_jail() as env:
        await env.exec(["sh", "-c", "sleep 300 >/dev/null 2>&1 & sleep 301 >/dev/null 2>&1 &"])
        procs = await env.jail_processes()
        sleeps = {p.jail_pid: p for p in procs if p.comm == "sleep"}
        assert len(sleeps) == 2
        victim = min(sleeps)
        await env.kill_jail_processes([victim, 1, 99999])
        remaining = {p.jail_pid for p in await env.jail_processes() if p.comm == "sleep"}
        assert remaining == set(sleeps) - {victim}
        assert (await env.exec(["true"])).success  # pid 1 was spared


async def test_background_job_holding_stdout_does_not_block_exec(make_jail: JailFactory) -> None:
    async with make_jail() as env:
        started = time.monotonic()
        result = await env.exec(["sh", "-c", "echo started; sleep 30 &"], timeout=20)
        assert result.stdout == "started\n"
        assert time.monotonic() - started < 5
        assert any(p.comm == "sleep" for p in await env.jail_processes())


async def test_timeout_kills_the_process_group(make_jail: JailFactory) -> None:
    async with make_jail() as env:
        with pytest.raises(TimeoutError) as info:
            await env.exec(["sh", "-c", "echo partial; sleep 100 & sleep 100"], timeout=1)
        assert getattr(info.value, "truncated_output", "") == "partial\n"
        assert not any(p.comm == "sleep" for p in await env.jail_processes())


async def test_output_limit(make_jail: JailFactory) -> None:
    async with make_jail() as env:
        with override_max_exec_output_size(4096):
            with pytest.raises(OutputLimitExceededError) as info:
                await env.exec(["yes"], timeout=30)
            assert info.value.truncated_output is not None
            assert len(info.value.truncated_output) == 4096
            small = await env.exec(["sh", "-c", "head -c 4096 /dev/zero | tr '\\0' a"])
            assert len(small.stdout) == 4096
        assert not any(p.comm == "yes" for p in await env.jail_processes())


async def test_cwd_and_signal_exit_codes(make_jail: JailFactory) -> None:
    async with make_jail(
        {"writable_roots": ["/ops", "/tmp"], "home": "/ops/home", "work_dir": "/ops/work"}
    ) as env:
        assert (await env.exec(["pwd"])).stdout == "/ops/work\n"
        assert (await env.exec(["sh", "-c", "echo $HOME"])).stdout == "/ops/home\n"
        await env.exec(["mkdir", "-p", "sub/dir"])
        assert (await env.exec(["pwd"], cwd="sub/dir")).stdout == "/ops/work/sub/dir\n"
        assert (await env.exec(["pwd"], cwd="/tmp")).stdout == "/tmp\n"
        missing = await env.exec(["pwd"], cwd="/nonexistent")
        assert not missing.success and "cannot change directory" in missing.stderr
        assert (await env.exec(["sh", "-c", "kill -KILL $$"])).returncode == 137
        assert (await env.exec(["no-such-program"])).returncode == 127
        await env.write_file("rel.txt", "x")
        assert await env.read_file("/ops/work/rel.txt") == "x"


async def test_parallel_samples(make_jail: JailFactory, tmp_path: Path) -> None:
    async def one(index: int) -> None:
        async with make_jail() as env:
            for _ in range(5):
                result = await env.exec(["sh", "-c", f"echo {index} > /tmp/i; cat /tmp/i"])
                assert result.stdout == f"{index}\n"

    async with anyio.create_task_group() as tg:
        for index in range(8):
            tg.start_soon(one, index)


async def test_dead_jail_is_reported_unavailable(make_jail: JailFactory) -> None:
    async with make_jail() as env:
        os.kill(env._jail.init_pid, signal.SIGKILL)
        for _ in range(200):
            if not env._jail.alive():
                break
            time.sleep(0.005)
        with pytest.raises(SandboxUnavailableError):
            await env.exec(["true"])
        with pytest.raises(SandboxUnavailableError):
            await env.read_file("/etc/passwd")
