"""Run directory naming and the checks that keep two runs from sharing one log root.

Layout (analysis.md section 1)::

    logs/<YYYYMMDDTHHMMSSZ>_<git short hash>[-dirty]/
      run_manifest.json
      repeat_01/ ... repeat_NN/     one eval_set each: one log per task x model
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inspect_ic.runner.errors import UsageError
from inspect_ic.runner.lock import LOCK_NAME
from inspect_ic.runner.manifest import (
    MANIFEST_NAME,
    ManifestUnreadable,
    load_manifest,
    read_manifest,
)


def run_id(repo: dict[str, Any], now: datetime | None = None) -> str:
    """``<UTC YYYYMMDDTHHMMSSZ>_<short hash>[-dirty]`` (``nogit`` outside a checkout)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    short = repo.get("short_commit") or "nogit"
    return f"{stamp}_{short}{'-dirty' if repo.get('is_dirty') else ''}"


def repeat_dir(run_dir: Path, repeat: int) -> Path:
    """``run_dir/repeat_NN``."""
    return run_dir / repeat_name(repeat)


def repeat_name(repeat: int) -> str:
    """``repeat_NN`` (two digits, one-based)."""
    return f"repeat_{repeat:02d}"


def latest_run(logs_base: Path) -> Path | None:
    """The most recently created run directory under ``logs_base`` (by manifest timestamp)."""
    best: tuple[str, Path] | None = None
    for path in logs_base.glob(f"*/{MANIFEST_NAME}"):
        manifest = read_manifest(path.parent)
        if not manifest or manifest.get("mode") == "validate":
            continue
        key = str(manifest.get("created_at_utc", ""))
        if best is None or key > best[0]:
            best = (key, path.parent)
    return best[1] if best else None


def _oserror_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def check_creatable(run_dir: Path) -> None:
    """Refuse a log root that cannot be a directory, before anything is written.

    Raises:
        UsageError: ``run_dir`` or the nearest existing ancestor is not a directory, or the
            path cannot even be inspected.
    """
    try:
        if run_dir.exists():
            if not run_dir.is_dir():
                raise UsageError(f"log root {run_dir} exists and is not a directory")
            return
        for parent in run_dir.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise UsageError(
                        f"log root {run_dir} cannot be created: {parent} is not a directory; "
                        "choose another --log-root"
                    )
                return
    except OSError as exc:
        raise UsageError(
            f"log root {run_dir} cannot be used: {_oserror_reason(exc)}; choose another --log-root"
        ) from None


def prepare_run_dir(run_dir: Path) -> None:
    """Create ``run_dir`` and check that files can be written in it.

    Raises:
        UsageError: the directory cannot be created or written (one line, with the reason).
    """
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".ic-write-test-", dir=run_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(
            f"log root {run_dir} cannot be created or written: {_oserror_reason(exc)}; "
            "choose another --log-root"
        ) from None


def existing_manifest(run_dir: Path) -> dict[str, Any] | None:
    """The run manifest in ``run_dir`` (``None`` when there is none).

    Raises:
        UsageError: the manifest exists but is corrupt or truncated.
    """
    try:
        return load_manifest(run_dir)
    except ManifestUnreadable as exc:
        raise UsageError(
            f"log root {run_dir} holds an unreadable {MANIFEST_NAME} (corrupt or truncated: "
            f"{exc}); restore it from a copy or choose another --log-root"
        ) from None


def different_run(run_dir: Path, diffs: list[str]) -> UsageError:
    """The error for resuming a run with other settings (``diffs``: the differing keys)."""
    return UsageError(
        f"log root {run_dir} holds a different run (differs in: {', '.join(diffs)}); "
        "resume with the same settings or choose another --log-root"
    )


def fingerprint_differences(
    old: dict[str, Any], new: dict[str, Any], keys: tuple[str, ...]
) -> list[str]:
    """The ``keys`` whose values differ between two ``run_options`` records."""
    return [key for key in keys if old.get(key) != new.get(key)]


def check_log_root(
    run_dir: Path, resume: bool, new_options: dict[str, Any], keys: tuple[str, ...]
) -> dict[str, Any] | None:
    """Refuse a log root that holds another run; returns the existing manifest when resuming.

    Raises:
        UsageError: the directory holds a run and ``resume`` is off; it holds a run with other
            settings; it is not empty and holds no run manifest; or its manifest is corrupt.
    """
    check_creatable(run_dir)
    if not run_dir.exists():
        return None
    existing = existing_manifest(run_dir)
    if existing is None:
        if any(p.name != LOCK_NAME for p in run_dir.iterdir()):
            raise UsageError(
                f"log root {run_dir} is not empty and holds no {MANIFEST_NAME}; "
                "choose an empty or new directory"
            )
        return None
    if not resume:
        raise UsageError(
            f"log root {run_dir} already holds run {existing.get('run_id')} "
            f"(status {existing.get('status')}); pass --resume to continue it or choose another --log-root"
        )
    old = existing.get("run_options") or {}
    diffs = fingerprint_differences(old, new_options, keys)
    if diffs:
        raise different_run(run_dir, diffs)
    check_same_checkout(run_dir, existing)
    return existing


def check_same_checkout(run_dir: Path, manifest: dict[str, Any]) -> None:
    """Refuse to resume a run started from another checkout of the benchmark.

    Inspect pairs a run's logs with its tasks by task file path, so ``eval_set`` from another
    checkout would find "logs not associated with a task" and fail part-way.

    Raises:
        UsageError: the manifest's ``repo.root`` is not this package's checkout.
    """
    from inspect_ic.runner.provenance import REPO_ROOT

    recorded = (manifest.get("repo") or {}).get("root")
    if not recorded or Path(recorded).resolve() == REPO_ROOT.resolve():
        return
    raise UsageError(
        f"log root {run_dir} holds a run started from the checkout at {recorded}, not "
        f"{REPO_ROOT}; resume it with that checkout: {recorded}/.venv/bin/ic run --resume "
        f"--log-root {run_dir}"
    )
