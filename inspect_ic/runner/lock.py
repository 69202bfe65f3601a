"""One ``ic run`` per log root at a time: an exclusive ``flock`` held for the whole run.

The lock file (``<run_dir>/.ic-run.lock``) holds the holder's pid so a second run can name it.
The kernel drops the lock when the holder exits, however it exits, so a killed run never leaves
a stale lock behind; the file itself is left in place (removing it would race a new holder).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from inspect_ic.runner.errors import UsageError

LOCK_NAME = ".ic-run.lock"


def lock_holder(run_dir: Path) -> str:
    """The pid recorded in the lock file (``unknown`` when it cannot be read)."""
    try:
        return (run_dir / LOCK_NAME).read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


@contextmanager
def run_lock(run_dir: Path) -> Iterator[None]:
    """Hold ``run_dir``'s run lock for the duration of the block.

    Raises:
        UsageError: another process holds the lock (the message names its pid).
    """
    fd = os.open(run_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(
                f"log root {run_dir} is in use by another ic run (pid {lock_holder(run_dir)}); "
                "wait for it to finish or stop it, then resume"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
