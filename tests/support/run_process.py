"""``ic run`` as a child process, for tests that signal or kill a run part-way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from subprocess import Popen


def start_run(args: list[str], run_dir: Path, cwd: Path, capture: bool = False) -> Popen[bytes]:
    """``ic run ARGS --log-root RUN_DIR`` as a child process in a session of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "inspect_ic.cli", *args, "--log-root", str(run_dir)],
        cwd=cwd,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
        start_new_session=True,
    )
