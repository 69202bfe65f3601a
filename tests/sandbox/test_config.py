"""Layout validation and the command lines built from it (no jail needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from inspect_ic.sandbox.bwrap_args import bwrap_argv, enter_argv
from inspect_ic.sandbox.config import (
    DEFAULT_WRITABLE_ROOTS,
    BwrapConfig,
    SandboxLayout,
    load_config,
    resolve_layout,
)
from inspect_ic.sandbox.fileio import ERROR_EXIT, TOO_LARGE_EXIT, file_error
from inspect_ic.sandbox.runner import _Capture


def test_default_layout() -> None:
    layout = resolve_layout({}, BwrapConfig())
    assert layout.writable_roots == DEFAULT_WRITABLE_ROOTS
    assert (layout.home, layout.work_dir) == ("/root", "/root")
    assert (layout.disk_limit_mb, layout.memory_mb, layout.pids_limit) == (1024, 2048, 512)


def test_metadata_and_config_overrides(tmp_path: Path) -> None:
    metadata = {
        "ic_sandbox": {
            "writable_roots": ["/ops", "/tmp"],
            "ro_binds": [{"src": "/srv/bundle", "dest": "/opt/internal-services"}],
            "symlinks": [{"target": "/run", "link": "/var/run"}],
            "home": "/home/agent",
            "work_dir": None,
            "memory_mb": 1024,
        }
    }
    layout = resolve_layout(metadata, BwrapConfig(pids_limit=64))
    assert layout.work_dir == "/home/agent"
    assert (layout.memory_mb, layout.pids_limit) == (1024, 64)
    config_file = tmp_path / "bwrap.json"
    config_file.write_text(json.dumps({"disk_limit_mb": 16, "base_dir": str(tmp_path)}))
    config = load_config(str(config_file))
    assert config.layout_overrides() == {"disk_limit_mb": 16}
    assert resolve_layout(metadata, config).disk_limit_mb == 16


@pytest.mark.parametrize(
    "roots",
    [
        ["/"],
        ["/etc"],
        ["/usr"],
        ["/proc/sys"],
        ["/dev/shm"],
        ["relative"],
        ["/a/../b"],
        ["/x", "/x"],
    ],
)
def test_invalid_writable_roots(roots: list[str]) -> None:
    with pytest.raises(ValidationError):
        SandboxLayout(writable_roots=tuple(roots))


def test_allowed_nested_roots() -> None:
    layout = SandboxLayout(writable_roots=("/etc/cron.d", "/usr/local/bin", "/opt"))
    assert "/etc/cron.d" in layout.writable_roots


def _argv(layout: SandboxLayout) -> list[str]:
    roots = {root: Path(f"/host/{i}") for i, root in enumerate(layout.writable_roots)}
    entries = [("passwd", None), ("mtab", "/proc/self/mounts")]
    return bwrap_argv("/usr/bin/bwrap", layout, roots, Path("/host/etc"), entries, 7)


def _index(argv: list[str], *seq: str) -> int:
    for i in range(len(argv) - len(seq) + 1):
        if tuple(argv[i : i + len(seq)]) == seq:
            return i
    raise AssertionError(f"{seq} not in argv")


def test_bwrap_argv_security_flags_and_order() -> None:
    layout = SandboxLayout(
        writable_roots=("/opt", "/var/lib", "/etc/cron.d"),
        ro_binds=({"src": "/srv/b", "dest": "/opt/internal-services"},),  # type: ignore[arg-type]
    )
    argv = _argv(layout)
    for flag in (
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--as-pid-1",
        "--clearenv",
    ):
        assert flag in argv
    assert _index(argv, "--cap-drop", "ALL") > 0
    assert _index(argv, "--info-fd", "7") > 0
    assert _index(argv, "--ro-bind", "/proc/sys", "/proc/sys") > _index(argv, "--proc", "/proc")
    writable = _index(argv, "--bind", "/host/0", "/opt")
    nested = _index(argv, "--ro-bind", "/srv/b", "/opt/internal-services")
    etc_bind = _index(argv, "--bind", "/host/2", "/etc/cron.d")
    assert _index(argv, "--tmpfs", "/etc") < etc_bind
    assert writable < nested
    assert _index(argv, "--perms", "0755", "--dir", "/var") < _index(
        argv, "--bind", "/host/1", "/var/lib"
    )
    assert _index(argv, "--symlink", "/proc/self/mounts", "/etc/mtab") > 0
    assert _index(argv, "--remount-ro", "/etc") < _index(argv, "--remount-ro", "/")
    assert nested < _index(argv, "--remount-ro", "/") < argv.index("/usr/bin/python3")


def test_etc_is_one_read_only_bind_without_writable_subdirectories() -> None:
    argv = _argv(SandboxLayout())
    assert _index(argv, "--ro-bind", "/host/etc", "/etc") > 0
    assert _index(argv, "--remount-ro", "/") > 0
    with pytest.raises(AssertionError):
        _index(argv, "--remount-ro", "/etc")


def test_enter_argv() -> None:
    argv = enter_argv(
        "/usr/bin/nsenter", 4242, [Path("/cg/a/cgroup.procs")], ["echo", "hi"], "/root", {"A": "b"}
    )
    assert argv[:3] == ["/bin/sh", "-c", argv[2]]
    assert argv[4:6] == ["/cg/a/cgroup.procs", "--"]
    nsenter = argv.index("/usr/bin/nsenter")
    assert argv[nsenter + 1 : nsenter + 3] == ["-t", "4242"]
    assert "-U" in argv and "-p" in argv and "-r" in argv
    assert (
        _index(argv, "/usr/bin/setpriv", "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs")
        > nsenter
    )
    assert argv[-6:] == ["-C", "/root", "--", "A=b", "echo", "hi"]
    assert argv[-8:-6] == ["/usr/bin/env", "-i"]


def test_file_error_mapping() -> None:
    assert isinstance(file_error(ERROR_EXIT, "ICERR 2\n", "f"), FileNotFoundError)
    assert isinstance(file_error(ERROR_EXIT, "ICERR 21\n", "f"), IsADirectoryError)
    assert isinstance(file_error(ERROR_EXIT, "ICERR 30\n", "f"), PermissionError)
    assert isinstance(file_error(ERROR_EXIT, "ICERR 13\n", "f"), PermissionError)
    assert isinstance(file_error(ERROR_EXIT, "ICERR 20\n", "f"), NotADirectoryError)
    assert isinstance(file_error(1, "Traceback ...", "f"), RuntimeError)
    assert "f" in str(file_error(ERROR_EXIT, "ICERR 2\n", "f"))
    assert type(file_error(TOO_LARGE_EXIT, "", "f")).__name__ == "OutputLimitExceededError"


def test_capture_keeps_the_tail() -> None:
    capture = _Capture(5)
    for chunk in (b"abc", b"defg", b"hi"):
        capture.add(chunk)
    assert capture.overflowed and capture.value() == b"efghi"
    unlimited = _Capture(None)
    unlimited.add(b"x" * 10)
    assert not unlimited.overflowed and unlimited.value() == b"x" * 10


def test_var_tmp_is_always_writable() -> None:
    layout = resolve_layout({"ic_sandbox": {"writable_roots": ["/ops"]}}, BwrapConfig())
    assert layout.writable_roots == ("/ops", "/var/tmp")
    assert resolve_layout({}, BwrapConfig()).writable_roots == DEFAULT_WRITABLE_ROOTS
