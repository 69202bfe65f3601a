"""Quiesce (scoring.md section 6, step 0) leaves only the allowed processes, even against a
process that changes its pid every few milliseconds, through the sandbox() proxy as well."""

from __future__ import annotations

import anyio
import pytest
from inspect_ai.util import ExecResult, SandboxEnvironment
from inspect_ai.util._sandbox.events import SandboxEnvironmentProxy

from inspect_ic.policies.adversarial import HELPER, HELPER_PATH
from inspect_ic.sandbox import BwrapSandboxEnvironment
from inspect_ic.tasks._base.quiesce import quiesce
from tests.sandbox.conftest import JailFactory, requires_bwrap

pytestmark = requires_bwrap
MARKER = "icquiescemark"


class ExecOnly(SandboxEnvironment):
    """Another provider, as far as quiesce can tell: only ``exec`` reaches the jail."""

    def __init__(self, inner: BwrapSandboxEnvironment) -> None:
        super().__init__()
        self.inner = inner

    async def exec(self, cmd: list[str], *args: object, **kwargs: object) -> ExecResult[str]:  # type: ignore[override]
        return await self.inner.exec(cmd, *args, **kwargs)  # type: ignore[arg-type]

    async def write_file(self, file: str, contents: str | bytes) -> None:
        raise NotImplementedError

    async def read_file(self, file: str, text: bool = True) -> str:  # type: ignore[override]
        raise NotImplementedError

    @classmethod
    async def sample_cleanup(cls, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        return None


async def _kept_daemon(env: BwrapSandboxEnvironment) -> int:
    """Start the daemon quiesce must spare (as bootstrap starts the service); its jail pid."""
    await env.write_file(HELPER_PATH, HELPER)
    await env.exec(["sh", "-c", "setsid -f sleep 999 >/dev/null 2>&1"])
    for _ in range(500):
        found = [p.jail_pid for p in await env.jail_processes() if p.cmdline == "sleep 999"]
        if found:
            return found[0]
        await anyio.sleep(0.01)
    raise AssertionError("the kept daemon did not start")


async def _start_survivors(env: BwrapSandboxEnvironment) -> None:
    started = await env.exec(["python3", HELPER_PATH, "outlive", MARKER])
    assert started.success, started.stderr


async def _others(env: BwrapSandboxEnvironment, kept: int) -> list[str]:
    procs = await env.jail_processes()
    return [p.cmdline for p in procs if p.jail_pid != kept and p.state != "Z"]


@pytest.mark.parametrize("wrap", ["proxy", "exec_only"])
async def test_quiesce_leaves_only_allowed(make_jail: JailFactory, wrap: str) -> None:
    async with make_jail() as env:
        kept = await _kept_daemon(env)
        for _ in range(3):
            await _start_survivors(env)
            assert len(await _others(env, kept)) >= 3
            sbx = SandboxEnvironmentProxy(env) if wrap == "proxy" else ExecOnly(env)
            count, names = await quiesce(sbx, {kept})
            assert count >= 3
            if wrap == "proxy":
                assert "cost_daemon" in names and len(names) == count
            else:
                assert names == []
            assert await _others(env, kept) == []
            assert kept in {p.jail_pid for p in await env.jail_processes()}
