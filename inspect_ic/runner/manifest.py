"""``run_manifest.json`` (analysis.md section 2): build, write atomically, update, readiness.

Identity fields sit at the top level; every other block is a nested object named as in the
spec (``benchmark``, ``run_config``, ``prompts``, ``repo``, ``python``, ``packages``, ``files``,
``sandbox``, ``env``, ``toolchain``, ``tool_analysis``, ``tool_trace_audit``, ``eval_awareness``,
``paper_facing_readiness``), plus ``lockfile_sha256`` at the top level. The ``env`` block holds
credential *presence* only; no environment variable value is ever written.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
MANIFEST_NAME = "run_manifest.json"
STATUSES = ("started", "completed", "failed", "interrupted")


def utc_now() -> str:
    """The current UTC time in ISO 8601 with a ``Z`` suffix."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=False, default=str)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_manifest(run_dir: Path) -> dict[str, Any] | None:
    """The manifest in ``run_dir`` (``None`` when absent or unreadable)."""
    try:
        data = json.loads((run_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class ManifestUnreadable(Exception):
    """``run_manifest.json`` exists but is not a JSON object (truncated, corrupt, unreadable)."""


def load_manifest(run_dir: Path) -> dict[str, Any] | None:
    """The manifest in ``run_dir``; ``None`` only when there is none.

    Raises:
        ManifestUnreadable: the file exists but cannot be read or parsed (the reason).
    """
    path = run_dir / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ManifestUnreadable(reason) from exc
    if not isinstance(data, dict):
        raise ManifestUnreadable(f"a JSON {type(data).__name__}, not an object")
    return data


def identity_block(run_id: str, run_dir: Path, argv: list[str], mode: str) -> dict[str, Any]:
    """The top-level identity fields of a new manifest (status ``started``)."""
    now = utc_now()
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "log_root": str(run_dir.resolve()),
        "mode": mode,
        "command": {"argv": list(argv), "joined": " ".join(argv)},
        "created_at_utc": now,
        "started_at_utc": now,
        "updated_at_utc": now,
        "finished_at_utc": None,
        "status": "started",
        "exit_code": None,
    }


def readiness(manifest: dict[str, Any]) -> dict[str, Any]:
    """``paper_facing_readiness``: ``claim_ready`` and every ``blocking_reasons`` entry."""
    reasons: list[str] = []
    if manifest.get("status") != "completed":
        reasons.append(f"run not completed (status {manifest.get('status')})")
    repo = manifest.get("repo", {})
    if repo.get("is_dirty") is not False:
        reasons.append("repository is dirty or not a git checkout")
    if manifest.get("lockfile_mismatches"):
        reasons.append(f"lockfile mismatch ({len(manifest['lockfile_mismatches'])} packages)")
    validation = manifest.get("validation", {})
    if not validation.get("passed_at_commit"):
        reasons.append("validation suite not passed at this commit")
    slices = manifest.get("results", {}).get("incomplete_slices")
    if slices is None or slices:
        reasons.append(
            "slice completeness unknown" if slices is None else f"{len(slices)} incomplete slices"
        )
    bench = manifest.get("benchmark", {})
    if bench.get("variant_profile") != "benchmark":
        reasons.append(f"non-benchmark profile ({bench.get('variant_profile')})")
    if manifest.get("run_config", {}).get("continuation_message") is not None:
        reasons.append("continuation message set")
    return {"claim_ready": not reasons, "blocking_reasons": reasons}


def finish(manifest: dict[str, Any], status: str, exit_code: int) -> dict[str, Any]:
    """Mark the manifest finished with ``status`` and ``exit_code`` and recompute readiness."""
    now = utc_now()
    manifest.update(status=status, exit_code=exit_code, updated_at_utc=now, finished_at_utc=now)
    manifest["paper_facing_readiness"] = readiness(manifest)
    return manifest


class ManifestWriter:
    """Owns one run's manifest file: every update is an atomic rewrite."""

    def __init__(self, run_dir: Path, manifest: dict[str, Any]) -> None:
        """Keep ``manifest`` in memory; nothing is written until :meth:`write`."""
        self.path = run_dir / MANIFEST_NAME
        self.data = manifest

    def write(self) -> None:
        """Rewrite the file with the current content (``updated_at_utc`` refreshed)."""
        self.data["updated_at_utc"] = utc_now()
        self.data["paper_facing_readiness"] = readiness(self.data)
        write_json_atomic(self.path, self.data)

    def finish(self, status: str, exit_code: int) -> None:
        """Record the final status and exit code, then write."""
        finish(self.data, status, exit_code)
        write_json_atomic(self.path, self.data)
