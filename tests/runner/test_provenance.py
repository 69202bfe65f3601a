"""Repository provenance for the run manifest."""

from __future__ import annotations

import subprocess
from pathlib import Path

from inspect_ic.runner.provenance import repo_state


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_dirty_paths_keep_their_first_character(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "dev@example.org")
    _git(tmp_path, "config", "user.name", "dev")
    for name in ("alpha.py", "beta.py"):
        (tmp_path / name).write_text("x = 1\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "start")
    (tmp_path / "alpha.py").write_text("x = 2\n")  # " M alpha.py": X is blank
    (tmp_path / "beta.py").write_text("x = 3\n")
    _git(tmp_path, "add", "beta.py")  # "M  beta.py"
    (tmp_path / "gamma.py").write_text("")  # "?? gamma.py"
    state = repo_state(tmp_path)
    assert state["is_dirty"] is True
    assert state["dirty_paths"] == ["alpha.py", "beta.py", "gamma.py"]
