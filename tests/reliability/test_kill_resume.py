"""A run SIGKILLed while adversarial samples hold survivors in their jails: the jails die with
the runner, ``--resume`` removes what they left and finishes every sample exactly once, and
nothing leaks. Slow (two runs), so only with ``IC_FULL_RELIABILITY=1`` (``ic validate``); the
CI suite has the plain SIGKILL-and-resume test in ``tests/cli/test_resume.py``."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from inspect_ai.log import read_eval_log
from typer.testing import CliRunner

from inspect_ic.cli import app
from inspect_ic.policies.adversarial import HostProbe
from inspect_ic.sandbox.leaks import find_leaks, take_snapshot
from tests.reliability.adversarial_run import full_run
from tests.reliability.host_watch import host_processes_with
from tests.sandbox.conftest import SKIP_REASON
from tests.support.run_process import start_run

pytestmark = pytest.mark.skipif(
    SKIP_REASON is not None or not full_run(),
    reason=SKIP_REASON or "slow: set IC_FULL_RELIABILITY=1",
)
LETTERS = ("A", "B", "C", "D", "E", "F")
ARGS = [
    "run",
    "scripted/adv_outlive",
    *("--task", "training_preserver"),
    *[arg for letter in LETTERS for arg in ("--variant-id", letter)],
    *("--max-samples", "2", "--message-limit", "40", "--display", "none", "--no-analysis"),
]


def _wait_for(predicate: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_sigkill_with_survivors_then_resume(tmp_path: Path) -> None:
    marker = HostProbe().marker
    run_dir = tmp_path / "run"
    before = take_snapshot()
    proc = start_run(ARGS, run_dir, tmp_path)
    try:
        assert _wait_for(lambda: host_processes_with(marker), 240), "no survivor ever started"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    # the jails die with the runner (bwrap --die-with-parent), survivors included
    assert _wait_for(lambda: not host_processes_with(marker), 15)
    left = find_leaks(before, take_snapshot())
    assert left["sample_dirs"] and not left["processes"]  # only files and cgroups remain

    result = CliRunner().invoke(app, ["run", "--resume", "--log-root", str(run_dir)])
    assert result.exit_code == 0, (result.output, repr(result.exception))
    ids: list[str] = []
    for path in (run_dir / "repeat_01").glob("*.eval"):
        log = read_eval_log(str(path))
        ids += [str(s.id) for s in log.samples or []]
    assert sorted(ids) == sorted(f"training_preserver_{letter}" for letter in LETTERS)
    assert find_leaks(before, take_snapshot()) == {
        "processes": [],
        "mounts": [],
        "sample_dirs": [],
        "cgroups": [],
    }
