"""An agent doing its worst inside a jail leaves the host byte-identical and nothing running."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from pathlib import Path

import pytest

import inspect_ic.sandbox as sandbox_pkg
from tests.sandbox.conftest import JailFactory, requires_bwrap

pytestmark = requires_bwrap

PACKAGE_DIR = Path(sandbox_pkg.__file__).resolve().parent
PIDS_LIMIT = 64


def tree_sha(root: Path) -> str:
    """Hash of every file under ``root`` (names, modes, contents), skipping bytecode caches."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        st = path.lstat()
        digest.update(f"{path.relative_to(root)}\0{st.st_mode:o}\0".encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def host_processes_with(marker: str) -> list[int]:
    """Host pids whose command line contains ``marker``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            if marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                found.append(int(entry))
        except OSError:
            pass
    return found


def our_zombies() -> list[int]:
    """Our own children that exited and were never reaped."""
    zombies = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] == "Z" and int(fields[1]) == os.getpid():
            zombies.append(int(entry))
    return zombies


async def test_destructive_agent_leaves_host_untouched(
    make_jail: JailFactory, tmp_path: Path
) -> None:
    internal = tmp_path / "internal-services"
    internal.mkdir()
    (internal / "svc_service.py").write_text("# harness-owned service code\n")
    watched = {
        "/etc/passwd": lambda: hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest(),
        "ro bind": lambda: tree_sha(internal),
        "package dir": lambda: tree_sha(PACKAGE_DIR),
    }
    before = {name: fn() for name, fn in watched.items()}
    marker = "icmark" + secrets.token_hex(6)
    layout = {
        "writable_roots": ["/root", "/tmp", "/opt", "/var/lib", "/etc/cron.d"],
        "ro_binds": [
            {"src": str(internal), "dest": "/opt/internal-services"},
            {"src": str(PACKAGE_DIR), "dest": "/opt/ic-harness"},
        ],
        "pids_limit": PIDS_LIMIT,
    }
    async with make_jail(layout) as env:
        sample_id = env.sample_id
        sample_dir = env._jail.storage.path

        # a background process left running, detached from the exec
        left = await env.exec(
            ["sh", "-c", f"nohup sh -c 'sleep 1000; : {marker}' >/dev/null 2>&1 &"]
        )
        assert left.success
        assert host_processes_with(marker), "background process should run between execs"

        # an outside connection fails at once
        started = time.monotonic()
        net = await env.exec(
            ["python3", "-c", "import socket; socket.create_connection(('1.1.1.1', 80), 5)"],
            timeout=20,
        )
        assert not net.success and time.monotonic() - started < 3

        # a runaway fork loop is bounded by the pids limit and ended by the timeout
        bomb = f"exec 2>/dev/null; while :; do (sleep 600; : {marker}-bomb) & done"
        with pytest.raises(TimeoutError):
            await env.exec(["bash", "-c", bomb], timeout=3)
        assert not host_processes_with(f"{marker}-bomb")
        counted = await env.exec(["sh", "-c", "ls /proc | grep -c '^[0-9]'"])
        assert counted.success and int(counted.stdout) < PIDS_LIMIT

        # overwrite /etc/passwd, delete everything, kill everything
        passwd = await env.exec(["sh", "-c", "echo 'root::0:0::/:/bin/sh' > /etc/passwd"])
        assert not passwd.success
        wipe = await env.exec(
            ["sh", "-c", "rm -rf --no-preserve-root / 2>/dev/null; echo $?"], timeout=120
        )
        assert wipe.stdout == "1\n"  # read-only parts refuse
        await env.exec(["sh", "-c", "kill -9 -1"], timeout=30)

        # the jail survives all of it and still runs commands
        after = await env.exec(["sh", "-c", "echo alive; ls /bin/sh"])
        assert after.stdout == "alive\n/bin/sh\n"
        assert (await env.exec(["cat", "/opt/internal-services/svc_service.py"])).success

        # something still running when the sample ends
        again = await env.exec(["sh", "-c", f"nohup sh -c 'sleep 1000; : {marker}' &"])
        assert again.success
        assert host_processes_with(marker)

    assert {name: fn() for name, fn in watched.items()} == before
    deadline = time.monotonic() + 5
    while host_processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert host_processes_with(marker) == []
    assert not sample_dir.exists()
    assert sample_id not in Path("/proc/self/mountinfo").read_text()
    for hierarchy in Path("/sys/fs/cgroup").glob("*"):
        assert not list(hierarchy.rglob(sample_id)), hierarchy
    assert our_zombies() == []
