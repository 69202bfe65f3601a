"""After every test that starts jails (this module runs last in the session): no process,
mount, per-sample directory or cgroup of ours is left on the host."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from inspect_ic.sandbox.leaks import find_leaks, take_snapshot
from tests.reliability.conftest import BASELINE, SESSION_BASE_DIR


def _base_dirs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The session's provider directory and the sandbox tests' own state directories."""
    basetemp = tmp_path_factory.getbasetemp()
    return [SESSION_BASE_DIR, *sorted(p for p in basetemp.glob("bwrap-state*") if p.is_dir())]


def test_nothing_leaked(tmp_path_factory: pytest.TempPathFactory) -> None:
    dirs = _base_dirs(tmp_path_factory)
    deadline = time.monotonic() + 10  # cleanup of the last samples may still be finishing
    while True:
        leaks = find_leaks(BASELINE, take_snapshot(dirs))
        if not any(leaks.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert leaks == {"processes": [], "mounts": [], "sample_dirs": [], "cgroups": []}
