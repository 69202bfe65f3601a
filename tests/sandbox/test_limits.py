"""Resource limits (disk, memory, pids) and their provenance record."""

from __future__ import annotations

import pytest

from inspect_ic.sandbox import cgroups, storage
from tests.sandbox.conftest import JailFactory, requires_bwrap
from tests.sandbox.test_destructive import host_processes_with

pytestmark = requires_bwrap


async def test_provenance_record(make_jail: JailFactory) -> None:
    async with make_jail({"memory_mb": 512, "pids_limit": 100, "disk_limit_mb": 64}) as env:
        record = env.provenance()
    assert record["provider"] == "bwrap"
    assert record["bwrap_version"].startswith("bubblewrap ")
    assert record["jail"]["python3"].startswith("Python 3")
    assert record["jail"]["bash"].startswith("GNU bash")
    assert record["host_os_release"]
    limits = record["resource_limits"]
    assert {k: v["limit"] for k, v in limits.items()} == {
        "memory": 512,
        "pids": 100,
        "disk": 64,
        "cpu": 1.0,
    }
    for entry in limits.values():
        assert entry["enforced"] == (entry["enforcement"] != "unenforced")
    assert record["layout"]["work_dir"] == "/root"


async def test_disk_cap(make_jail: JailFactory) -> None:
    async with make_jail({"disk_limit_mb": 8, "writable_roots": ["/root", "/tmp"]}) as env:
        if not env.provenance()["resource_limits"]["disk"]["enforced"]:
            pytest.skip("disk cap unenforced on this host (no permission to mount tmpfs)")
        fill = await env.exec(
            ["sh", "-c", "head -c 4M /dev/zero > /root/a; head -c 8M /dev/zero > /tmp/b"]
        )
        assert not fill.success and "No space left on device" in fill.stderr
        # the cap is shared by every writable root of the sample
        used = await env.exec(["sh", "-c", "du -sk /root/a /tmp/b | awk '{s+=$1} END {print s}'"])
        assert int(used.stdout) <= 8 * 1024


async def test_memory_cap(make_jail: JailFactory) -> None:
    async with make_jail({"memory_mb": 64}) as env:
        if "cgroup" not in env.provenance()["resource_limits"]["memory"]["enforcement"]:
            pytest.skip("memory cap not enforced by a cgroup on this host")
        hog = await env.exec(
            [
                "python3",
                "-c",
                "b = bytearray(256 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])",
            ],
            timeout=60,
        )
        assert hog.returncode == 137  # SIGKILL from the OOM killer
        assert (await env.exec(["true"])).success  # the jail itself survives


async def test_pids_cap(make_jail: JailFactory) -> None:
    async with make_jail({"pids_limit": 32}) as env:
        if not env.provenance()["resource_limits"]["pids"]["enforced"]:
            pytest.skip("pids cap unenforced on this host")
        spawn = (
            "import subprocess\n"
            "n = 0\n"
            "try:\n"
            "    for _ in range(64):\n"
            "        subprocess.Popen(['sleep', '30']); n += 1\n"
            "except OSError as e:\n"
            "    print('refused', e.errno)\n"
            "print(n)\n"
        )
        result = await env.exec(["python3", "-c", spawn], timeout=60)
        refused, started = result.stdout.splitlines()
        assert refused == "refused 11" and int(started) < 32
        await env.kill_jail_processes([p.jail_pid for p in await env.jail_processes()])
        assert (await env.exec(["true"])).success


async def test_without_cgroups_or_tmpfs(
    make_jail: JailFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a host without writable cgroups or mount privilege the jail still works and says so."""
    monkeypatch.setattr(cgroups, "discover", lambda: cgroups.CgroupHost(None, {}))

    def refuse(target: object, size_mb: int, mode: int = 0o755) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(storage, "mount_tmpfs", refuse)
    marker = "icnocg" + str(id(refuse))
    async with make_jail({"memory_mb": 256}) as env:
        limits = env.provenance()["resource_limits"]
        assert limits["disk"]["enforcement"] == "unenforced"
        assert limits["pids"]["enforcement"] == "unenforced"
        assert limits["cpu"]["enforcement"] == "unenforced"
        assert limits["memory"]["enforcement"] == "rlimit RLIMIT_AS per process (partial)"
        assert (await env.exec(["sh", "-c", "ulimit -v"])).stdout == f"{256 * 1024}\n"
        await env.exec(["sh", "-c", f"setsid sh -c 'sleep 600; : {marker}' >/dev/null 2>&1 &"])
        for _ in range(200):
            if any(marker in p.cmdline for p in await env.jail_processes()):
                break
        assert any(marker in p.cmdline for p in await env.jail_processes())
        sample_dir = env._jail.storage.path
    assert not sample_dir.exists()
    assert host_processes_with(marker) == []


async def test_oom_prefers_agent_processes_over_jail_init(make_jail: JailFactory) -> None:
    async with make_jail() as env:
        scores = await env.exec(["cat", "/proc/self/oom_score_adj", "/proc/1/oom_score_adj"])
        own, init = (int(v) for v in scores.stdout.split())
        assert own == 500 and init <= 0
        assert not (await env.exec(["sh", "-c", "echo -1 > /proc/self/oom_score_adj"])).success
