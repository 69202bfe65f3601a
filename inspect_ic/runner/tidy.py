"""Set aside logs an interrupted process left in ``started`` state once they are superseded.

A run killed part-way leaves its in-progress logs as ``started``. On ``--resume`` Inspect's
``eval_set`` recovers their finished samples into a new log of the same task id, but it never
removes a ``started`` log written by another process. Left in place, its samples would be
counted twice by anything reading the directory. After a repeat's ``eval_set`` succeeds, each
such log whose task (same ``task_id`` and model) has a ``success`` log is moved (never deleted) to
``<run_dir>/superseded/repeat_NN/<name>.interrupted``, out of every ``*.eval`` glob.

A log Inspect cannot read at all (empty or truncated, e.g. a process killed while writing it)
would make ``eval_set`` refuse the whole directory, and it holds nothing Inspect could reuse:
before a repeat runs, each such log is moved the same way to ``<name>.unreadable``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _set_aside(run_dir: Path, repeat_dir: Path, path: Path, suffix: str) -> str:
    target = run_dir / "superseded" / repeat_dir.name / f"{path.name}.{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    path.rename(target)
    return str(target)


def set_aside_unreadable_logs(run_dir: Path, repeat_dir: Path) -> list[str]:
    """Move the logs in ``repeat_dir`` whose header cannot be read; returns the new paths."""
    from inspect_ai.log import read_eval_log

    moved: list[str] = []
    for path in sorted(repeat_dir.glob("*.eval")):
        try:
            read_eval_log(str(path), header_only=True)
        except Exception:
            moved.append(_set_aside(run_dir, repeat_dir, path, "unreadable"))
    return moved


def supersede_stale_logs(run_dir: Path, repeat_dir: Path) -> list[str]:
    """Move superseded ``started`` logs out of ``repeat_dir``; returns the new paths."""
    from inspect_ai.log import read_eval_log

    headers: list[tuple[Path, Any]] = []
    for path in sorted(repeat_dir.glob("*.eval")):
        try:
            headers.append((path, read_eval_log(str(path), header_only=True)))
        except Exception:  # an unreadable stub from a killed process: judged below by name only
            headers.append((path, None))
    done = {
        (h.eval.task_id, h.eval.model)
        for _, h in headers
        if h is not None and h.status == "success"
    }
    done_ids = {key[0] for key in done}
    moved: list[str] = []
    for path, header in headers:
        if header is not None and header.status != "started":
            continue
        key = (header.eval.task_id, header.eval.model) if header else None
        stale = key in done if key else any(path.stem.endswith(f"_{i}") for i in done_ids)
        if not stale:
            continue
        moved.append(_set_aside(run_dir, repeat_dir, path, "interrupted"))
    return moved
