"""Per-sample host storage: a state directory and a size-capped disk for the writable roots.

The disk is a host tmpfs mounted with ``size=`` (needs root); every writable root of the jail
is a subdirectory of it, so the cap covers all of them together. Without the privilege to
mount, the disk is a plain directory and the cap is recorded as unenforced.

The host never reads or writes inside the disk while a jail may hold it: the agent can plant
symlinks there. Teardown only detaches the mount and removes the tree without following links.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import os
import shutil
from pathlib import Path
from typing import Any

MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_REMOUNT = 0x20
MNT_DETACH = 0x2
STATE_FILE = "state.json"
UNENFORCED = "unenforced"

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def mount_tmpfs(target: Path, size_mb: int, mode: int = 0o755, remount: bool = False) -> None:
    """Mount a tmpfs of ``size_mb`` MiB at ``target`` (nosuid, nodev).

    With ``remount`` the tmpfs already mounted there only gets the new size (its files stay).

    Raises:
        OSError: the mount failed (e.g. ``EPERM`` when not root).
    """
    flags = MS_NOSUID | MS_NODEV | (MS_REMOUNT if remount else 0)
    data = (f"size={size_mb}m" if remount else f"size={size_mb}m,mode={mode:o}").encode()
    rc = _libc.mount(b"tmpfs", os.fsencode(target), b"tmpfs", flags, data)
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(target))


def detach_mount(target: Path) -> bool:
    """Lazily unmount ``target``; ``True`` if something was unmounted, ``False`` if nothing was."""
    rc = _libc.umount2(os.fsencode(target), MNT_DETACH)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOENT):
        return False
    raise OSError(err, os.strerror(err), str(target))


def root_dir_name(index: int, jail_path: str) -> str:
    """Host directory name backing writable root ``jail_path`` (unique through ``index``)."""
    return f"{index:02d}-{jail_path.strip('/').replace('/', '-')}"


class SampleStorage:
    """The host directory ``<base>/<sample id>`` of one sample.

    Layout: ``state.json`` (owner, pids, cgroups; never visible in the jail) and ``disk/``
    (the size-capped mount whose subdirectories back the writable roots).
    """

    def __init__(self, base_dir: Path, sample_id: str) -> None:
        self.path = base_dir / sample_id
        self.disk = self.path / "disk"
        self.disk_enforcement = UNENFORCED
        self.size_mb = 0
        self._mounted = False

    def create(self, disk_limit_mb: int, writable_roots: tuple[str, ...]) -> dict[str, Path]:
        """Create the directory, mount the disk and one directory per writable root.

        Returns:
            Mapping of jail path to host directory.

        Raises:
            OSError: the directories cannot be created.
        """
        self.path.mkdir(mode=0o700)
        self.disk.mkdir(mode=0o755)
        try:
            mount_tmpfs(self.disk, disk_limit_mb)
            self._mounted = True
            self.size_mb = disk_limit_mb
            self.disk_enforcement = f"tmpfs size={disk_limit_mb}m"
        except OSError:
            self.disk_enforcement = UNENFORCED
        roots: dict[str, Path] = {}
        for index, root in enumerate(writable_roots):
            host = self.disk / root_dir_name(index, root)
            host.mkdir()
            # /tmp-like roots are world-writable with the sticky bit, as on a normal system
            os.chmod(host, 0o1777 if root in ("/tmp", "/var/tmp") else 0o755)
            roots[root] = host
        return roots

    def grow(self, size_mb: int) -> bool:
        """Resize the disk to ``size_mb`` MiB (never below its current size).

        Returns:
            ``False`` when there is no capped disk to resize (the cap is unenforced).

        Raises:
            OSError: the remount failed.
        """
        if not self._mounted:
            return False
        if size_mb > self.size_mb:
            mount_tmpfs(self.disk, size_mb, remount=True)
            self.size_mb = size_mb
        return True

    def write_state(self, state: dict[str, Any]) -> None:
        """Record ``state`` (JSON-serialisable) for leftover cleanup by another process."""
        tmp = self.path / f".{STATE_FILE}.tmp"
        tmp.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path / STATE_FILE)

    def destroy(self) -> None:
        """Detach the disk and remove the directory (links are removed, never followed)."""
        remove_sample_dir(self.path)


def read_state(sample_dir: Path) -> dict[str, Any]:
    """The recorded state of a sample directory (``{}`` if missing or unreadable)."""
    try:
        data = json.loads((sample_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remove_sample_dir(sample_dir: Path) -> None:
    """Detach every mount stacked on ``disk`` and remove ``sample_dir``.

    Raises:
        OSError: the tree could not be removed.
    """
    disk = sample_dir / "disk"
    for _ in range(8):
        if not detach_mount(disk):
            break
    if sample_dir.exists():
        shutil.rmtree(sample_dir)
