"""What the ``bwrap`` provider leaves on the host: processes, mounts, sample directories, cgroups.

:func:`take_snapshot` records everything that carries the provider's markers (sample ids
``icbw-<owner pid>-<task hash>-<random>``, the host state directory), and :func:`find_leaks`
compares two snapshots: whatever is new at the end and belongs to this process, or to a process
that has exited, is a leak. Live jails of other running processes (another test run on the same
host) are not ours and are ignored. Used after the sandbox tests, by the adversarial tests and by
``scripts/stress_run.py``; ``scripts/leak_check.py`` prints a snapshot from the command line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from inspect_ic.sandbox.cgroups import find_leftover_cgroups
from inspect_ic.sandbox.leftovers import ID_PREFIX, default_base_dir
from inspect_ic.sandbox.procs import pidns_inode

SAMPLE_ID = re.compile(rb"icbw-(\d+)-[0-9a-f]{8}-[0-9a-f]{8}")


@dataclass(frozen=True)
class Snapshot:
    """Provider traces on the host at one moment.

    Attributes:
        processes: ``"<host pid> <cmdline>"`` of bwrap jails, exec wrappers and every process
            inside a jail's PID namespace.
        mounts: mount points under a base directory (the per-sample disks).
        sample_dirs: per-sample directories (``icbw-*``) under the base directories.
        cgroups: per-sample cgroup directories under this process's cgroups.
        owners: ``entry -> owner pid`` for every entry that names a sample id.
    """

    processes: frozenset[str] = frozenset()
    mounts: frozenset[str] = frozenset()
    sample_dirs: frozenset[str] = frozenset()
    cgroups: frozenset[str] = frozenset()
    owners: dict[str, int] = field(default_factory=dict, compare=False)

    def counts(self) -> dict[str, int]:
        """Number of entries per kind."""
        return {
            "processes": len(self.processes),
            "mounts": len(self.mounts),
            "sample_dirs": len(self.sample_dirs),
            "cgroups": len(self.cgroups),
        }


def _owner(text: bytes | str) -> int | None:
    data = text.encode() if isinstance(text, str) else text
    match = SAMPLE_ID.search(data)
    return int(match.group(1)) if match else None


def _cmdlines() -> dict[int, bytes]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                found[int(entry)] = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                pass
    return found


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _bwrap_ancestor(pid: int, bwraps: set[int], depth: int = 64) -> int | None:
    """The nearest ancestor of ``pid`` in ``bwraps`` (``None`` if there is none)."""
    current: int | None = pid
    for _ in range(depth):
        current = _ppid(current) if current is not None else None
        if current is None or current <= 1:
            return None
        if current in bwraps:
            return current
    return None


def _processes(base_dirs: list[Path]) -> tuple[set[str], dict[str, int]]:
    cmdlines = _cmdlines()
    markers = [os.fsencode(str(d)) for d in base_dirs]
    ours: dict[int, int | None] = {}
    for pid, cmd in cmdlines.items():
        if pid == os.getpid():
            continue
        if b"icbw-" in cmd or any(m in cmd for m in markers):
            ours[pid] = _owner(cmd)
    bwraps = {
        pid for pid, cmd in cmdlines.items() if pid in ours and b"bwrap" in cmd.split(b"\0")[0]
    }
    jail_ns: dict[int, int | None] = {}
    own_ns = pidns_inode(os.getpid())
    for pid in cmdlines:
        if _ppid(pid) in bwraps:
            ns = pidns_inode(pid)
            if ns is not None and ns != own_ns:
                jail_ns[ns] = ours.get(_ppid(pid) or 0)
    for pid in cmdlines:
        ns = pidns_inode(pid)
        if ns in jail_ns and pid not in ours:
            ours[pid] = jail_ns[ns]
    # Namespace links can be unreadable (no CAP_SYS_PTRACE for a non-dumpable process), so
    # descendants of a jail's bwrap count too: orphans in a jail are reparented to its PID 1.
    for pid in cmdlines:
        if pid not in ours and (anchor := _bwrap_ancestor(pid, bwraps)) is not None:
            ours[pid] = ours.get(anchor)
    entries, owners = set(), {}
    for pid, owner in ours.items():
        cmdline = cmdlines[pid].replace(b"\0", b" ").decode(errors="replace").strip()
        name = f"{pid} {cmdline}"
        entries.add(name)
        if owner is not None:
            owners[name] = owner
    return entries, owners


def _mounts(base_dirs: list[Path]) -> set[str]:
    """Mount points under a base directory or inside any per-sample directory."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return set()
    prefixes = [str(d).rstrip("/") + "/" for d in base_dirs]
    points = {line.split()[4] for line in lines if len(line.split()) > 4}
    return {p for p in points if f"/{ID_PREFIX}" in p or any(p.startswith(x) for x in prefixes)}


def take_snapshot(base_dirs: list[Path] | None = None) -> Snapshot:
    """Record the provider's traces on the host.

    Args:
        base_dirs: provider state directories to look in (default: the provider's default,
            honouring ``$INSPECT_IC_BWRAP_DIR``).
    """
    dirs = list(base_dirs) if base_dirs else [default_base_dir()]
    processes, owners = _processes(dirs)
    sample_dirs = {str(entry) for d in dirs if d.is_dir() for entry in d.glob(ID_PREFIX + "*")}
    cgroups = {str(path) for path in find_leftover_cgroups(ID_PREFIX)}
    mounts = _mounts(dirs)
    for name in sample_dirs | cgroups | mounts:
        owner = _owner(name)
        if owner is not None:
            owners[name] = owner
    return Snapshot(
        frozenset(processes), frozenset(mounts), frozenset(sample_dirs), frozenset(cgroups), owners
    )


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def find_leaks(before: Snapshot, after: Snapshot) -> dict[str, list[str]]:
    """Entries of ``after`` not in ``before`` that are ours or whose owner has exited.

    Returns:
        ``{"processes": [...], "mounts": [...], "sample_dirs": [...], "cgroups": [...]}``;
        every list empty means nothing leaked.
    """
    me = os.getpid()

    def leaked(name: str) -> bool:
        owner = after.owners.get(name)
        return owner is None or owner == me or not _alive(owner)

    return {
        kind: sorted(n for n in getattr(after, kind) - getattr(before, kind) if leaked(n))
        for kind in ("processes", "mounts", "sample_dirs", "cgroups")
    }
