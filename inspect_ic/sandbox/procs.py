"""Listing and killing a jail's processes from the host.

A process belongs to the jail when its PID namespace is the jail's (compared by inode, as
reported by bwrap). Kills go through pidfds opened *before* re-checking the namespace, so a
recycled host pid can never be hit.
"""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class JailProcess:
    """One process inside a jail.

    Attributes:
        jail_pid: pid as seen inside the jail (1 is the jail's init).
        host_pid: pid in this process's PID namespace.
        jail_ppid: parent's pid inside the jail (0 when the parent is outside the jail, as for
            commands entered by the provider).
        comm: kernel command name (at most 15 characters).
        argv: command line arguments (empty for kernel-less zombies).
        state: one-letter state from ``/proc/PID/stat`` (``Z`` for zombies).
    """

    jail_pid: int
    host_pid: int
    jail_ppid: int
    comm: str
    argv: tuple[str, ...]
    state: str

    @property
    def cmdline(self) -> str:
        """``argv`` joined with spaces."""
        return " ".join(self.argv)


def pidns_inode(pid: int | str) -> int | None:
    """Inode of the PID namespace of host process ``pid`` (``None`` if gone or unreadable)."""
    try:
        link = os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None
    # "pid:[4026532181]"
    return int(link[link.index("[") + 1 : -1])


def _ns_level() -> int:
    """Index of our own PID namespace level in ``NSpid`` lines."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("NSpid:"):
            return len(line.split()) - 2
    return 0


def _read_process(host_pid: int, level: int) -> tuple[int, int, str, tuple[str, ...], str] | None:
    try:
        status = Path(f"/proc/{host_pid}/status").read_text()
        stat = Path(f"/proc/{host_pid}/stat").read_text()
        raw_argv = Path(f"/proc/{host_pid}/cmdline").read_bytes()
    except OSError:
        return None
    nspid = next((ln.split()[1:] for ln in status.splitlines() if ln.startswith("NSpid:")), [])
    if len(nspid) < level + 2:
        return None
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    argv = tuple(a.decode(errors="replace") for a in raw_argv.split(b"\0")[:-1])
    return int(nspid[level + 1]), int(fields[1]), comm, argv, fields[0]


def list_jail_processes(pidns: int, candidates: list[int] | None = None) -> list[JailProcess]:
    """Processes whose PID namespace inode is ``pidns``, sorted by jail pid.

    Args:
        pidns: the jail's PID namespace inode.
        candidates: host pids to consider (e.g. the sample's cgroup members); ``None`` scans
            every process on the host.
    """
    level = _ns_level()
    pids = candidates
    if pids is None:
        pids = [int(e) for e in os.listdir("/proc") if e.isdigit()]
    found: dict[int, tuple[int, int, str, tuple[str, ...], str]] = {}
    for host_pid in pids:
        if pidns_inode(host_pid) != pidns:
            continue
        info = _read_process(host_pid, level)
        if info is not None:
            found[host_pid] = info
    host_to_jail = {host: info[0] for host, info in found.items()}
    procs = [
        JailProcess(
            jail_pid=jail_pid,
            host_pid=host_pid,
            jail_ppid=host_to_jail.get(host_ppid, 0),
            comm=comm,
            argv=argv,
            state=state,
        )
        for host_pid, (jail_pid, host_ppid, comm, argv, state) in found.items()
    ]
    return sorted(procs, key=lambda p: p.jail_pid)


def kill_host_pid(host_pid: int, pidns: int) -> bool:
    """SIGKILL ``host_pid`` if it is still in PID namespace ``pidns``; ``True`` if signalled."""
    try:
        pidfd = os.pidfd_open(host_pid)
    except OSError:
        return False
    try:
        if pidns_inode(host_pid) != pidns:
            return False
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            return True
        return False
    finally:
        os.close(pidfd)
