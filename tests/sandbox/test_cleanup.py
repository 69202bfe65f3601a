"""Leftover removal: ``task_cleanup``, ``cli_cleanup`` and leftovers of dead processes."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from inspect_ic.sandbox import BwrapConfig, BwrapSandboxEnvironment
from inspect_ic.sandbox.cgroups import find_leftover_cgroups
from inspect_ic.sandbox.leftovers import BASE_DIR_ENV, task_prefix
from inspect_ic.sandbox.storage import mount_tmpfs
from tests.sandbox.conftest import SKIP_REASON, requires_bwrap
from tests.sandbox.test_destructive import host_processes_with

pytestmark = requires_bwrap


async def _abandoned_jail(task: str, config: BwrapConfig, marker: str) -> tuple[str, Path]:
    """Start a jail with a background process, then forget it (as a crashed sample would)."""
    await BwrapSandboxEnvironment.task_init(task, config)
    env = (await BwrapSandboxEnvironment.sample_init(task, config, {}))["default"]
    assert isinstance(env, BwrapSandboxEnvironment)
    await env.exec(["sh", "-c", f"setsid sh -c 'sleep 600; : {marker}' >/dev/null 2>&1 &"])
    deadline = time.monotonic() + 5
    while not host_processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert host_processes_with(marker)
    return env.sample_id, env._jail.storage.path


def _wait_gone(marker: str) -> list[int]:
    deadline = time.monotonic() + 5
    while host_processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    return host_processes_with(marker)


async def test_task_cleanup_removes_the_tasks_jails(bwrap_config: BwrapConfig) -> None:
    marker_a, marker_b = f"ictaskA{time.time_ns()}", f"ictaskB{time.time_ns()}"
    sample_id, sample_dir = await _abandoned_jail("cleanup-task-a", bwrap_config, marker_a)
    _, other_dir = await _abandoned_jail("cleanup-task-b", bwrap_config, marker_b)
    await BwrapSandboxEnvironment.task_cleanup("cleanup-task-a", bwrap_config, True)
    assert not sample_dir.exists()
    assert not find_leftover_cgroups(sample_id)
    assert _wait_gone(marker_a) == []
    # the other task's sample is untouched until its own cleanup
    assert other_dir.exists() and host_processes_with(marker_b)
    await BwrapSandboxEnvironment.task_cleanup("cleanup-task-b", bwrap_config, True)
    assert not other_dir.exists() and _wait_gone(marker_b) == []


async def test_cli_cleanup_by_id(
    bwrap_config: BwrapConfig, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bwrap_config.base_dir is not None
    monkeypatch.setenv(BASE_DIR_ENV, bwrap_config.base_dir)
    marker = f"iccli{time.time_ns()}"
    sample_id, sample_dir = await _abandoned_jail("cleanup-cli", bwrap_config, marker)
    # without an id only dead processes' sandboxes go: ours is alive
    await BwrapSandboxEnvironment.cli_cleanup(None)
    assert sample_dir.exists()
    await BwrapSandboxEnvironment.cli_cleanup(sample_id.removeprefix("icbw-"))
    assert sample_id in capsys.readouterr().out
    assert not sample_dir.exists() and _wait_gone(marker) == []
    BwrapSandboxEnvironment._active.pop(sample_id, None)


async def test_leftovers_of_a_dead_process_are_removed(bwrap_config: BwrapConfig) -> None:
    if SKIP_REASON is not None:
        pytest.skip(SKIP_REASON)
    assert bwrap_config.base_dir is not None
    dead = subprocess.run(["sh", "-c", "echo $$"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    sample_id = task_prefix("crashed", pid=dead_pid) + "deadbeef"
    sample_dir = Path(bwrap_config.base_dir) / sample_id
    (sample_dir / "disk").mkdir(parents=True)
    mounted = True
    try:
        mount_tmpfs(sample_dir / "disk", 1)
    except OSError:
        mounted = False
    (sample_dir / "disk" / "00-root").mkdir()
    (sample_dir / "disk" / "00-root" / "escape").symlink_to("/etc/passwd")
    (sample_dir / "state.json").write_text(
        json.dumps({"sample_id": sample_id, "owner_pid": dead_pid, "owner_start": 1})
    )
    before = Path("/etc/passwd").read_bytes()
    await BwrapSandboxEnvironment.task_init("another-task", bwrap_config)
    assert not sample_dir.exists()
    assert Path("/etc/passwd").read_bytes() == before
    if mounted:
        assert sample_id not in Path("/proc/self/mountinfo").read_text()
