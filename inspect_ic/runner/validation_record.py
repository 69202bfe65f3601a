"""Where ``ic validate`` leaves its dry-run manifests, and whether one passed at a commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspect_ic.runner.manifest import MANIFEST_NAME, read_manifest

VALIDATION_DIRNAME = "validation"


def validation_root(logs_base: Path) -> Path:
    """``<logs>/validation``: one sub-directory per ``ic validate`` invocation."""
    return logs_base / VALIDATION_DIRNAME


def validation_status(repo: dict[str, Any], logs_base: Path) -> dict[str, Any]:
    """``{passed_at_commit, record}``: a completed, clean ``ic validate`` at ``repo['commit']``."""
    commit = repo.get("commit")
    best: dict[str, Any] | None = None
    for path in sorted(validation_root(logs_base).glob(f"*/{MANIFEST_NAME}")):
        data = read_manifest(path.parent)
        if not data or data.get("status") != "completed" or data.get("exit_code") != 0:
            continue
        vrepo = data.get("repo", {})
        if commit and vrepo.get("commit") == commit and vrepo.get("is_dirty") is False:
            best = {
                "run_id": data.get("run_id"),
                "path": str(path),
                "finished": data.get("finished_at_utc"),
            }
    return {"passed_at_commit": best is not None, "record": best}
