"""The leak check sees what an abandoned jail leaves (process, mount, directory, cgroup) and
nothing once it is cleaned up; other owners' live jails are not ours."""

from __future__ import annotations

import os
from pathlib import Path

import anyio
import pytest

from inspect_ic.sandbox import BwrapConfig, BwrapSandboxEnvironment
from inspect_ic.sandbox.leaks import Snapshot, find_leaks, take_snapshot
from tests.sandbox.conftest import requires_bwrap

TASK = "ic-leak-check"


@requires_bwrap
async def test_an_abandoned_jail_is_reported(tmp_path: Path) -> None:
    base = tmp_path / "state"
    config = BwrapConfig(base_dir=str(base), disk_limit_mb=8)
    await BwrapSandboxEnvironment.task_init(TASK, config)
    before = take_snapshot([base])
    env = (await BwrapSandboxEnvironment.sample_init(TASK, config, {}))["default"]
    assert isinstance(env, BwrapSandboxEnvironment)
    await env.exec(["sh", "-c", "setsid sleep 300 >/dev/null 2>&1 &"])
    try:
        # the detached child may still be on its way (fork, setsid, exec) on a loaded machine
        for _ in range(50):
            leaks = find_leaks(before, take_snapshot([base]))
            if any(p.endswith("sleep 300") for p in leaks["processes"]):
                break
            await anyio.sleep(0.1)
        assert leaks["sample_dirs"] == [str(base / env.sample_id)]
        assert any(p.endswith(" sleep 300") for p in leaks["processes"]), leaks
        assert any(p.split(" ", 1)[1].startswith("/usr/bin/bwrap") for p in leaks["processes"])
        assert leaks["cgroups"] and all(Path(c).name == env.sample_id for c in leaks["cgroups"])
        if env.provenance()["resource_limits"]["disk"]["enforced"]:
            assert leaks["mounts"] == [str(base / env.sample_id / "disk")]
    finally:
        await BwrapSandboxEnvironment.task_cleanup(TASK, config, True)
    assert find_leaks(before, take_snapshot([base])) == {
        "processes": [],
        "mounts": [],
        "sample_dirs": [],
        "cgroups": [],
    }


def test_live_jails_of_other_processes_are_not_leaks() -> None:
    other = os.getppid()
    entry = f"/x/icbw-{other}-0123abcd-89abcdef"
    after = Snapshot(sample_dirs=frozenset({entry}), owners={entry: other})
    assert find_leaks(Snapshot(), after)["sample_dirs"] == []
    dead = "/x/icbw-999999999-0123abcd-89abcdef"
    after = Snapshot(sample_dirs=frozenset({dead}), owners={dead: 999_999_999})
    assert find_leaks(Snapshot(), after)["sample_dirs"] == [dead]


@pytest.mark.parametrize("kind", ["processes", "mounts", "sample_dirs", "cgroups"])
def test_counts(kind: str) -> None:
    snap = Snapshot(**{kind: frozenset({"a", "b"})})  # type: ignore[arg-type]
    assert snap.counts()[kind] == 2
