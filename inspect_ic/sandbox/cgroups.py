"""Per-sample cgroups: memory, pids and CPU limits, plus a handle to kill every jail process.

cgroup v2 is used for a controller when it is already delegated to our own cgroup; otherwise
the v1 hierarchy of that controller, when mounted and writable. Sample cgroups are created as
children of the cgroup this process runs in, so they stay inside any limit set on us. We never
change the configuration of a cgroup we did not create. Whatever cannot be enforced is reported
as ``"unenforced"``.

Processes join the cgroups through the exec wrapper (they write their own pid before entering
the jail), so nothing is ever started outside them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from inspect_ic.sandbox.storage import UNENFORCED

RESOURCES = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000


@dataclass(frozen=True)
class _Hierarchy:
    mount: Path
    own_path: str  # our cgroup, relative to the mount point


@dataclass(frozen=True)
class CgroupHost:
    """The cgroup hierarchies visible to this process."""

    v2: _Hierarchy | None
    v1: dict[str, _Hierarchy]  # controller -> hierarchy


def _parse_mountinfo(text: str) -> list[tuple[str, str, str, set[str]]]:
    """``(root, mount point, fstype, super options)`` of every cgroup mount."""
    mounts = []
    for line in text.splitlines():
        left, _, right = line.partition(" - ")
        fields, rfields = left.split(), right.split()
        if len(fields) < 5 or len(rfields) < 3 or not rfields[0].startswith("cgroup"):
            continue
        mounts.append((fields[3], fields[4], rfields[0], set(rfields[2].split(","))))
    return mounts


def _relative(own: str, mount_root: str) -> str | None:
    if mount_root == "/":
        return own
    if own == mount_root or own.startswith(mount_root + "/"):
        return own[len(mount_root) :] or "/"
    return None


@lru_cache(maxsize=1)
def discover() -> CgroupHost:
    """Find the cgroup mounts and our own cgroup in each (cached for the process)."""
    try:
        mountinfo = Path("/proc/self/mountinfo").read_text()
        membership = Path("/proc/self/cgroup").read_text()
    except OSError:
        return CgroupHost(None, {})
    own_v1: dict[str, str] = {}
    own_v2: str | None = None
    for line in membership.splitlines():
        hier, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if hier == "0" and controllers == "":
            own_v2 = path
        else:
            for controller in controllers.split(","):
                own_v1[controller] = path
    v2: _Hierarchy | None = None
    v1: dict[str, _Hierarchy] = {}
    for root, point, fstype, options in _parse_mountinfo(mountinfo):
        if fstype == "cgroup2" and own_v2 is not None and v2 is None:
            rel = _relative(own_v2, root)
            if rel is not None:
                v2 = _Hierarchy(Path(point), rel)
        elif fstype == "cgroup":
            for controller in RESOURCES:
                if controller in options and controller in own_v1 and controller not in v1:
                    rel = _relative(own_v1[controller], root)
                    if rel is not None:
                        v1[controller] = _Hierarchy(Path(point), rel)
    return CgroupHost(v2, v1)


def _use_v2(host: CgroupHost) -> bool:
    """Whether a v2 cgroup is worth joining: it enforces something, or nothing else tracks us.

    Joining a cgroup costs every exec a migration (milliseconds under load), so a v2 cgroup
    without delegated controllers is skipped when v1 hierarchies hold the jail's processes.
    """
    assert host.v2 is not None
    try:
        delegated = set(_dir(host.v2, "cgroup.subtree_control").read_text().split())
    except OSError:
        delegated = set()
    return bool(delegated & set(RESOURCES)) or not host.v1


def _dir(hierarchy: _Hierarchy, name: str) -> Path:
    return hierarchy.mount / hierarchy.own_path.lstrip("/") / name


def _write(path: Path, value: str) -> None:
    with open(path, "w") as fh:
        fh.write(value)


def _pids(procs_file: Path) -> list[int]:
    try:
        return [int(line) for line in procs_file.read_text().split()]
    except (OSError, ValueError):
        return []


@dataclass
class SampleCgroups:
    """The cgroups of one sample.

    Attributes:
        name: directory name used in every hierarchy (the sample id).
        dirs: every cgroup directory created (removed by :meth:`remove`).
        procs_files: ``cgroup.procs`` files a process writes its pid into to join.
        kill_file: the v2 ``cgroup.kill`` file, when the kernel has one.
        enforcement: resource (``memory``/``pids``/``cpu``) -> mechanism or ``"unenforced"``.
    """

    name: str
    dirs: list[Path] = field(default_factory=list)
    procs_files: list[Path] = field(default_factory=list)
    kill_file: Path | None = None
    enforcement: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(
        cls, name: str, memory_mb: int, pids_limit: int, cpus: float | None
    ) -> SampleCgroups:
        """Create the cgroups and apply the limits (best effort; see ``enforcement``).

        Never raises for an unavailable controller; on a partial failure the created
        directories are removed before the exception propagates.
        """
        self = cls(name, enforcement={r: UNENFORCED for r in RESOURCES})
        try:
            self._create(memory_mb, pids_limit, cpus)
        except BaseException:
            self.remove(timeout=1.0)
            raise
        return self

    def _mkdir(self, path: Path) -> bool:
        try:
            path.mkdir()
        except OSError:
            return False
        self.dirs.append(path)
        self.procs_files.append(path / "cgroup.procs")
        return True

    def _create(self, memory_mb: int, pids_limit: int, cpus: float | None) -> None:
        host = discover()
        limits = {
            "memory": memory_mb * 1024 * 1024,
            "pids": pids_limit,
            "cpu": int(cpus * CPU_PERIOD_US) if cpus else None,
        }
        if host.v2 is not None and _use_v2(host):
            v2 = _dir(host.v2, self.name)
            if self._mkdir(v2):
                if (v2 / "cgroup.kill").exists():
                    self.kill_file = v2 / "cgroup.kill"
                try:
                    available = set((v2 / "cgroup.controllers").read_text().split())
                except OSError:
                    available = set()
                for resource in RESOURCES:
                    if resource in available:
                        self._limit_v2(v2, resource, limits[resource])
        for resource in RESOURCES:
            if self.enforcement[resource] != UNENFORCED or resource not in host.v1:
                continue
            v1 = _dir(host.v1[resource], self.name)
            if self._mkdir(v1):
                self._limit_v1(v1, resource, limits[resource])

    def _limit_v2(self, path: Path, resource: str, limit: int | None) -> None:
        if resource == "memory" and limit is not None:
            _write(path / "memory.max", str(limit))
            with contextlib.suppress(OSError):
                _write(path / "memory.swap.max", "0")
            self.enforcement["memory"] = "cgroup v2 memory.max"
        elif resource == "pids" and limit is not None:
            _write(path / "pids.max", str(limit))
            self.enforcement["pids"] = "cgroup v2 pids.max"
        elif resource == "cpu":
            _write(path / "cpu.max", f"{limit if limit else 'max'} {CPU_PERIOD_US}")
            self.enforcement["cpu"] = "cgroup v2 cpu.max" if limit else UNENFORCED

    def _limit_v1(self, path: Path, resource: str, limit: int | None) -> None:
        if resource == "memory" and limit is not None:
            _write(path / "memory.limit_in_bytes", str(limit))
            # memory+swap gets the same cap so swap cannot extend the limit
            with contextlib.suppress(OSError):
                _write(path / "memory.memsw.limit_in_bytes", str(limit))
            self.enforcement["memory"] = "cgroup v1 memory.limit_in_bytes"
        elif resource == "pids" and limit is not None:
            _write(path / "pids.max", str(limit))
            self.enforcement["pids"] = "cgroup v1 pids.max"
        elif resource == "cpu" and limit:
            _write(path / "cpu.cfs_period_us", str(CPU_PERIOD_US))
            _write(path / "cpu.cfs_quota_us", str(limit))
            self.enforcement["cpu"] = "cgroup v1 cpu.cfs_quota_us"

    def members(self) -> list[int]:
        """Host pids of every process in any of the sample's cgroups (sorted, unique)."""
        pids: set[int] = set()
        for procs in self.procs_files:
            pids.update(_pids(procs))
        return sorted(pids)

    def kill_all(self) -> None:
        """SIGKILL every process in the sample's cgroups."""
        if self.kill_file is not None:
            with contextlib.suppress(OSError):
                _write(self.kill_file, "1")
        for pid in self.members():
            kill_member(pid, self.name)

    def remove(self, timeout: float = 5.0) -> list[Path]:
        """Kill the members, wait for the cgroups to empty and remove them.

        Returns:
            Directories that could not be removed (still busy after ``timeout`` seconds).
        """
        deadline = time.monotonic() + timeout
        left = list(reversed(self.dirs))
        while left:
            self.kill_all()
            still = []
            for path in left:
                try:
                    path.rmdir()
                except FileNotFoundError:
                    pass
                except OSError as ex:
                    if ex.errno != errno.EBUSY:
                        raise
                    still.append(path)
            left = still
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.005)
        self.dirs = left
        return left


def kill_member(pid: int, cgroup_name: str) -> None:
    """SIGKILL ``pid`` if it still belongs to a cgroup named ``cgroup_name`` (pid-reuse safe)."""
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        return
    try:
        # the pidfd pins the process; check membership only after opening it
        membership = Path(f"/proc/{pid}/cgroup").read_text()
        if f"/{cgroup_name}\n" in membership or membership.rstrip().endswith(f"/{cgroup_name}"):
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    except OSError:
        pass
    finally:
        os.close(pidfd)


def find_leftover_cgroups(prefix: str) -> list[Path]:
    """Cgroup directories (in any hierarchy we use) whose name starts with ``prefix``."""
    host = discover()
    parents = {h.mount / h.own_path.lstrip("/") for h in host.v1.values()}
    if host.v2 is not None:
        parents.add(host.v2.mount / host.v2.own_path.lstrip("/"))
    found: list[Path] = []
    for parent in parents:
        with contextlib.suppress(OSError):
            found.extend(p for p in parent.iterdir() if p.is_dir() and p.name.startswith(prefix))
    return sorted(found)
