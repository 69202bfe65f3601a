"""Reliability tests: real jails (the sandbox tests' fixtures), and the session leak check.

When this directory is collected, the ``bwrap`` provider's default state directory is moved to a
fresh directory for the whole session (``$INSPECT_IC_BWRAP_DIR``; jails started by subprocesses
of the tests inherit it), and a snapshot of the provider's traces on the host is taken. The leak
check (``test_zz_leak_check.py``) is moved to the very end of the session, after the sandbox,
e2e and CLI tests, and compares the host with that snapshot.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspect_ic.sandbox.leaks import take_snapshot
from inspect_ic.sandbox.leftovers import BASE_DIR_ENV
from inspect_ic.sandbox.storage import detach_mount, mount_tmpfs
from tests.sandbox.conftest import (  # noqa: F401  (fixtures re-exported for this directory)
    bwrap_base_dir,
    bwrap_config,
    make_jail,
)

LEAK_CHECK_MODULE = "test_zz_leak_check.py"
SESSION_BASE_DIR = Path(tempfile.mkdtemp(prefix="ic-bwrap-session-"))
os.environ[BASE_DIR_ENV] = str(SESSION_BASE_DIR)
BASELINE = take_snapshot([SESSION_BASE_DIR])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the leak check last in the session, whatever was collected before or after it."""
    last = [item for item in items if item.path.name == LEAK_CHECK_MODULE]
    items[:] = [item for item in items if item.path.name != LEAK_CHECK_MODULE] + last


@pytest.fixture
def tmpfs_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (needs the privilege to mount one), unmounted afterwards."""
    target = tmp_path / "disk"
    target.mkdir()
    try:
        mount_tmpfs(target, 1)
    except OSError:
        pytest.skip("needs the privilege to mount a tmpfs")
    try:
        yield target
    finally:
        detach_mount(target)
