"""A full disk under the log root fails the run loudly: exit 1, one line naming the error and how
to resume, a manifest that is never left truncated (recorded ``failed`` when it can still be
written), and no half-written temporary files."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import inspect_ic.runner.execute as execute
from inspect_ic.cli import app
from tests.sandbox.conftest import SKIP_REASON

pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")
ARGS = [
    "run",
    "scripted/noop",
    *("--task", "budget_siphon", "--variant-id", "A"),
    *("--message-limit", "10", "--display", "none", "--no-analysis"),
]
# Room for the first manifest (about 10 KB) but not for the eval log that follows it.
FREE_BYTES = 24 * 1024


@pytest.fixture
def tiny_disk(tmpfs_disk: Path) -> Path:
    """A 1 MiB tmpfs filled up to ``FREE_BYTES`` of free space (needs root)."""
    stats = os.statvfs(tmpfs_disk)
    (tmpfs_disk / "filler").write_bytes(b"\0" * (stats.f_bavail * stats.f_frsize - FREE_BYTES))
    return tmpfs_disk


def _one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, output
    return lines[0]


def test_full_log_disk_fails_loudly(tiny_disk: Path) -> None:
    run_dir = tiny_disk / "run"
    result = CliRunner().invoke(app, [*ARGS, "--log-root", str(run_dir)])
    assert result.exit_code == 1, result.output
    line = _one_error_line(result.output)
    assert "No space left on device" in line
    assert f"ic run --resume --log-root {run_dir}" in line
    manifest = json.loads((run_dir / "run_manifest.json").read_text())  # never truncated
    assert manifest["status"] in ("started", "failed")
    assert not [p.name for p in run_dir.rglob(".run_manifest.json.*")]


def test_injected_write_error_is_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "run" / "repeat_01" / "x.eval"

    def full_disk(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(execute, "_eval_set_repeat", full_disk)
    result = CliRunner().invoke(app, [*ARGS, "--log-root", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert f"No space left on device: '{target}'" in _one_error_line(result.output)
    manifest = json.loads((tmp_path / "run" / "run_manifest.json").read_text())
    assert (manifest["status"], manifest["exit_code"]) == ("failed", 1)
    assert manifest["error"].startswith("OSError: [Errno 28] No space left on device")


def test_other_os_errors_keep_their_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.EBADF, "bad file descriptor")

    monkeypatch.setattr(execute, "_eval_set_repeat", broken)
    result = CliRunner().invoke(app, [*ARGS, "--log-root", str(tmp_path / "run")])
    assert result.exit_code == 1 and isinstance(result.exception, OSError)
