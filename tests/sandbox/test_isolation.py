"""Isolation properties of the ``bwrap`` jail: what an agent inside must not be able to do."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from inspect_ai.util import SandboxUserUnsupportedError

from tests.sandbox.conftest import JailFactory, requires_bwrap

pytestmark = requires_bwrap

REPO_README = Path(__file__).resolve().parents[2] / "README.md"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_host_environment_is_invisible(
    make_jail: JailFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-fake-" + "9" * 24
    monkeypatch.setenv("FAKE_API_KEY", secret)
    async with make_jail() as env:
        result = await env.exec(
            ["sh", "-c", "env; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'"]
        )
        assert result.success, result.stderr
        assert secret not in result.stdout
        assert "FAKE_API_KEY" not in result.stdout
        names = {line.split("=", 1)[0] for line in (await env.exec(["env"])).stdout.splitlines()}
        assert names == {"PATH", "HOME", "LANG", "PYTHONDONTWRITEBYTECODE"}
        extra = await env.exec(["sh", "-c", "echo $PATH:$MY_VAR"], env={"MY_VAR": "x"})
        assert extra.stdout == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:x\n"


async def test_no_capabilities_no_privileges(make_jail: JailFactory) -> None:
    async with make_jail() as env:
        status = (await env.exec(["cat", "/proc/self/status"])).stdout
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        assert fields["Uid"].split()[0] == "0"
        for key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
            assert int(fields[key], 16) == 0, key
        assert fields["NoNewPrivs"].strip() == "1"
        # nested user namespaces are disabled: no way to regain capabilities
        assert not (await env.exec(["unshare", "-U", "true"])).success
        assert not (await env.exec(["sh", "-c", "echo x > /proc/sys/kernel/hostname"])).success
        with pytest.raises(SandboxUserUnsupportedError):
            await env.exec(["id"], user="nobody")
        assert (await env.exec(["whoami"], user="root")).stdout == "root\n"


async def test_read_only_binds_cannot_be_remounted(make_jail: JailFactory, tmp_path: Path) -> None:
    src = tmp_path / "internal"
    src.mkdir()
    (src / "svc.py").write_text("print('service')\n")
    before = _sha(src / "svc.py")
    layout = {
        "writable_roots": ["/root", "/opt", "/tmp"],
        "ro_binds": [{"src": str(src), "dest": "/opt/internal-services"}],
    }
    async with make_jail(layout) as env:
        remount = await env.exec(["mount", "-o", "remount,rw", "/opt/internal-services"])
        assert not remount.success
        remount_usr = await env.exec(["mount", "-o", "remount,rw,bind", "/usr"])
        assert not remount_usr.success
        write = await env.exec(["sh", "-c", "echo evil > /opt/internal-services/svc.py"])
        assert not write.success and "Read-only file system" in write.stderr
        with pytest.raises(PermissionError):
            await env.write_file("/opt/internal-services/new.py", "x")
        # the writable root around the bind stays writable
        await env.write_file("/opt/tools/tool.py", "ok")
        assert await env.read_file("/opt/tools/tool.py") == "ok"
    assert _sha(src / "svc.py") == before
    assert sorted(p.name for p in src.iterdir()) == ["svc.py"]


async def test_system_directories_are_read_only(make_jail: JailFactory) -> None:
    layout = {"writable_roots": ["/root", "/etc/cron.d"]}
    async with make_jail(layout) as env:
        for target in (
            "/usr/ic-probe",
            "/etc/ic-probe",
            "/etc/ld.so.preload",
            "/bin/ic-probe",
            "/ic-probe",
        ):
            result = await env.exec(["sh", "-c", f"echo x > {target}"])
            assert not result.success, target
            assert not Path(target).exists()
        assert not (await env.exec(["rm", "-f", "/etc/passwd"])).success
        # a declared /etc subdirectory is writable, /etc itself is not
        assert (
            await env.exec(["sh", "-c", "echo '* * * * * root true' > /etc/cron.d/job"])
        ).success
        assert (await env.exec(["ls", "/etc/cron.d"])).stdout == "job\n"
        # the project-owned profile is used, never the host's
        profile = await env.read_file("/etc/profile")
        assert "Instrumental Choices" in profile


async def test_writes_land_only_in_the_per_sample_directory(make_jail: JailFactory) -> None:
    async with make_jail({"writable_roots": ["/root", "/opt", "/tmp"]}) as env:
        marker = f"ic-probe-{env.sample_id}"
        assert (await env.exec(["sh", "-c", f"echo data > /opt/{marker}"])).success
        assert not Path(f"/opt/{marker}").exists()
        backing = [p for p in env._jail.storage.disk.iterdir() if p.name.endswith("-opt")]
        assert len(backing) == 1 and (backing[0] / marker).read_text() == "data\n"
        sample_dir = env._jail.storage.path
    assert not sample_dir.exists()


async def test_planted_symlink_to_host_path_is_not_followed_on_host(
    make_jail: JailFactory, tmp_path: Path
) -> None:
    host_file = tmp_path / "host-secret.txt"
    host_file.write_text("HOST SECRET\n")
    targets = [host_file] + ([REPO_README] if REPO_README.exists() else [])
    before = {t: _sha(t) for t in targets}
    async with make_jail() as env:
        for index, target in enumerate(targets):
            link = f"/root/link{index}"
            assert (await env.exec(["ln", "-s", str(target), link])).success
            with pytest.raises(FileNotFoundError):
                await env.read_file(link)
            try:
                await env.write_file(link, "overwritten through a symlink\n")
            except OSError:
                pass
        # the same through /proc/1/root and a directory symlink
        assert (await env.exec(["ln", "-s", str(tmp_path), "/root/dirlink"])).success
        with pytest.raises(FileNotFoundError):
            await env.read_file("/root/dirlink/host-secret.txt")
    assert {t: _sha(t) for t in targets} == before


async def test_network_is_loopback_only(make_jail: JailFactory) -> None:
    outside = (
        "import socket, time\n"
        "t = time.monotonic()\n"
        "try:\n"
        "    socket.create_connection(('1.1.1.1', 80), timeout=10)\n"
        "    print('connected')\n"
        "except OSError as e:\n"
        "    print('failed', e.errno, round(time.monotonic() - t, 3))\n"
    )
    loopback = (
        "import socket\n"
        "srv = socket.socket(); srv.bind(('127.0.0.1', 8545)); srv.listen()\n"
        "cli = socket.create_connection(('127.0.0.1', 8545), timeout=5)\n"
        "conn, _ = srv.accept(); cli.sendall(b'ping'); print(conn.recv(4).decode())\n"
    )
    async with make_jail() as env, make_jail() as other:
        started = time.monotonic()
        result = await env.exec(["python3", "-c", outside], timeout=30)
        assert result.stdout.startswith("failed"), result.stdout
        assert time.monotonic() - started < 5
        assert float(result.stdout.split()[-1]) < 1.0
        assert (await env.exec(["python3", "-c", loopback], timeout=30)).stdout == "ping\n"
        # every jail has its own loopback: the same port is free in another sample
        assert (await other.exec(["python3", "-c", loopback], timeout=30)).stdout == "ping\n"
        dns = await env.exec(["getent", "hosts", "example.com"], timeout=30)
        assert not dns.success


async def test_non_dumpable_process_memory_is_unreadable(make_jail: JailFactory) -> None:
    service = (
        "import ctypes, os, resource, sys, time\n"
        "ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)\n"  # PR_SET_DUMPABLE = 4
        "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
        "secret = 'HMAC-KEY-' + 'x' * 32\n"
        "open('/tmp/svc.pid', 'w').write(str(os.getpid()))\n"
        "time.sleep(300)\n"
    )
    probe = (
        "import ctypes, sys\n"
        "pid = int(open('/tmp/svc.pid').read())\n"
        "for name in ('mem', 'environ', 'maps'):\n"
        "    try:\n"
        "        with open(f'/proc/{pid}/{name}', 'rb') as fh: fh.read(64)\n"
        "        print(name, 'READABLE')\n"
        "    except OSError as e:\n"
        "        print(name, 'denied', e.errno)\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "rc = libc.ptrace(16, pid, 0, 0)\n"  # PTRACE_ATTACH
        "print('ptrace', 'ATTACHED' if rc == 0 else 'denied', ctypes.get_errno())\n"
    )
    async with make_jail() as env:
        start = await env.exec(
            ["sh", "-c", 'python3 -c "$0" >/dev/null 2>&1 </dev/null &', service]
        )
        assert start.success
        for _ in range(100):
            if (await env.exec(["test", "-s", "/tmp/svc.pid"])).success:
                break
        result = await env.exec(["python3", "-c", probe])
        assert "READABLE" not in result.stdout and "ATTACHED" not in result.stdout, result.stdout
        assert result.stdout.count("denied") == 4, result.stdout
