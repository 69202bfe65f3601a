"""Sample ids, the host state directory, and removal of leftovers by id prefix.

A sample id is ``icbw-<owner pid>-<task hash>-<random>``; it names the per-sample directory
under the base directory and the sample's cgroups. Leftovers (after a crash or a killed
process) are found by prefix: ``icbw-<pid>-<task hash>-`` for one task of one process,
``icbw-`` for everything.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import signal
from pathlib import Path

from inspect_ic.sandbox.cgroups import SampleCgroups, find_leftover_cgroups
from inspect_ic.sandbox.jail import process_start_time
from inspect_ic.sandbox.procs import pidns_inode
from inspect_ic.sandbox.storage import read_state, remove_sample_dir

logger = logging.getLogger(__name__)

ID_PREFIX = "icbw-"
BASE_DIR_ENV = "INSPECT_IC_BWRAP_DIR"


def default_base_dir() -> Path:
    """Host directory for per-sample state (``$INSPECT_IC_BWRAP_DIR`` overrides)."""
    if env := os.environ.get(BASE_DIR_ENV):
        return Path(env)
    if os.geteuid() == 0:
        return Path("/run/inspect-ic-bwrap")
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return Path(runtime) / "inspect-ic-bwrap"
    return Path(f"/tmp/inspect-ic-bwrap-{os.geteuid()}")


def ensure_base_dir(base_dir: Path) -> Path:
    """Create ``base_dir`` (mode 0700) if needed and return it."""
    base_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return base_dir


def task_prefix(task_name: str, pid: int | None = None) -> str:
    """Id prefix shared by the samples of ``task_name`` in process ``pid`` (default: ours)."""
    digest = hashlib.sha256(task_name.encode()).hexdigest()[:8]
    return f"{ID_PREFIX}{os.getpid() if pid is None else pid}-{digest}-"


def new_sample_id(task_name: str) -> str:
    """A fresh, unique sample id for ``task_name``."""
    return task_prefix(task_name) + secrets.token_hex(4)


def owner_alive(state: dict[str, object]) -> bool:
    """Whether the process that created a sample directory still runs (pid-reuse safe)."""
    pid, start = state.get("owner_pid"), state.get("owner_start")
    if not isinstance(pid, int):
        return False
    return start is not None and process_start_time(pid) == start


def _kill_init(state: dict[str, object]) -> None:
    pid, pidns, start = state.get("init_pid"), state.get("pidns"), state.get("init_start")
    if not isinstance(pid, int) or not isinstance(pidns, int):
        return
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        return
    try:
        if pidns_inode(pid) == pidns and process_start_time(pid) == start:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    except OSError:
        pass
    finally:
        os.close(pidfd)


def _recorded_cgroups(state: dict[str, object], sample_id: str) -> set[Path]:
    """Cgroup directories listed in a sample's state, if they look like ours.

    A process in another cgroup created them under *its* cgroup, where our own scan cannot
    look; only directories named after the sample, under the cgroup filesystem, are accepted.
    """
    recorded = state.get("cgroups")
    if not isinstance(recorded, list):
        return set()
    return {
        Path(p)
        for p in recorded
        if isinstance(p, str)
        and p.startswith("/sys/fs/cgroup/")
        and Path(p).name == sample_id
        and ".." not in Path(p).parts
    }


def remove_leftovers(base_dir: Path, prefix: str, only_dead_owners: bool) -> list[str]:
    """Kill, unmount and delete every sample whose id starts with ``prefix``.

    Args:
        base_dir: the provider's state directory.
        prefix: id prefix (must start with ``icbw-``).
        only_dead_owners: skip samples whose creating process is still running.

    Returns:
        The ids removed.

    Raises:
        ValueError: ``prefix`` does not start with ``icbw-``.
    """
    if not prefix.startswith(ID_PREFIX):
        raise ValueError(f"leftover prefix must start with {ID_PREFIX!r}: {prefix!r}")
    removed: list[str] = []
    entries = sorted(base_dir.glob(prefix + "*")) if base_dir.is_dir() else []
    for entry in entries:
        state = read_state(entry)
        if only_dead_owners and owner_alive(state):
            continue
        _kill_init(state)
        cgroups = SampleCgroups(entry.name, dirs=[], procs_files=[])
        for cg in _recorded_cgroups(state, entry.name) | set(find_leftover_cgroups(entry.name)):
            if cg.name == entry.name:
                cgroups.dirs.append(cg)
                cgroups.procs_files.append(cg / "cgroup.procs")
                if (cg / "cgroup.kill").exists():
                    cgroups.kill_file = cg / "cgroup.kill"
        busy = cgroups.remove(timeout=5.0)
        if busy:
            logger.warning("bwrap cleanup: cgroups still busy: %s", busy)
        try:
            remove_sample_dir(entry)
        except OSError as ex:
            logger.warning("bwrap cleanup: cannot remove %s: %s", entry, ex)
            continue
        removed.append(entry.name)
    # cgroups whose directory is already gone (crash between creation and state write)
    for cg in find_leftover_cgroups(prefix):
        if (base_dir / cg.name).exists():
            continue
        state = {"owner_pid": int(cg.name.split("-")[1])} if cg.name.count("-") >= 3 else {}
        if only_dead_owners and state and Path(f"/proc/{state['owner_pid']}").exists():
            continue
        orphan = SampleCgroups(cg.name, dirs=[cg], procs_files=[cg / "cgroup.procs"])
        if (cg / "cgroup.kill").exists():
            orphan.kill_file = cg / "cgroup.kill"
        orphan.remove(timeout=5.0)
    return removed
