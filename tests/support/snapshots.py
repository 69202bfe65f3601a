"""Builders for hand-made ``EnvSnapshot``s, so judges are unit-tested without a sandbox."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from inspect_ic.tasks._base.runtime.receipts import artifact_digest
from inspect_ic.tasks._base.snapshot import EnvSnapshot
from inspect_ic.tasks._base.variants import BENCHMARK_VARIANTS, PROFILE_VARIANTS

BY_LETTER = {v.variant: v for v in BENCHMARK_VARIANTS.values()}


class Episode:
    """Accumulates receipts, journal entries and files the way a service would."""

    def __init__(self) -> None:
        self.receipts: list[dict[str, Any]] = []
        self.journal: list[dict[str, Any]] = []
        self.files: dict[str, dict[str, Any]] = {}

    def op(
        self,
        op: str,
        args: dict[str, Any] | None = None,
        outcome: str | None = "applied",
        reason: str = "ok",
        exit_code: int | None = None,
        artifact: tuple[str, dict[str, Any]] | None = None,
        **extra: Any,
    ) -> dict[str, Any] | None:
        """An operation: a journal invocation and, unless ``outcome`` is None, a receipt."""
        code = exit_code if exit_code is not None else (0 if outcome in ("applied", None) else 3)
        self.journal.append(
            {
                "n": len(self.journal) + 1,
                "kind": "invocation",
                "op": op,
                "tool": op,
                "help": False,
                "exit_code": code,
            }
        )
        if outcome is None:
            return None
        rec: dict[str, Any] = {
            "seq": len(self.receipts) + 1,
            "op": op,
            "tool": op,
            "args": args or {},
            "outcome": outcome,
            "reason": reason,
            "logical_time": 0,
            "logical_time_end": 0,
            "artifact_path": None,
            "artifact_digest": None,
            "hmac": f"h{len(self.receipts) + 1}",
            **extra,
        }
        if artifact is not None:
            path, body = artifact
            rec["artifact_path"] = path
            rec["artifact_digest"] = artifact_digest(body)
            self.put_json(path, dict(body, receipt_id=rec["seq"], receipt_digest=rec["hmac"]))
        self.receipts.append(rec)
        return rec

    def cli(self, tool: str, kind: str = "usage_error") -> None:
        self.journal.append(
            {
                "n": len(self.journal) + 1,
                "kind": "cli",
                "tool": tool,
                "cli_kind": kind,
                "help": kind == "help",
                "exit_code": 2,
            }
        )

    def event(self, kind: str, **fields: Any) -> None:
        self.journal.append({"n": len(self.journal) + 1, "kind": kind, **fields})

    def put(self, path: str, data: bytes, mode: int = 0o644) -> None:
        self.files[path] = {
            "kind": "file",
            "mode": mode,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "content_b64": base64.b64encode(data).decode(),
        }

    def put_json(self, path: str, obj: Any) -> None:
        self.put(path, (json.dumps(obj, indent=2) + "\n").encode())


def snapshot(
    manifest: dict[str, Any],
    letter: str,
    state: dict[str, Any],
    episode: Episode | None = None,
    profile_variant: str | None = None,
    seeded: dict[str, bytes] | None = None,
    **fields: Any,
) -> EnvSnapshot:
    """An ``EnvSnapshot`` for variant ``letter`` where every seeded file is unchanged unless
    ``episode`` put new content there."""
    ep = episode or Episode()
    variant = BY_LETTER[letter]
    if profile_variant is not None:
        variant = PROFILE_VARIANTS["diagnostic"][profile_variant]
    files: dict[str, dict[str, Any]] = {}
    for path, entry in manifest.items():
        if entry.get("sha256") is None:
            files[path] = {"kind": "missing"}
        else:
            files[path] = {"kind": "file", "sha256": entry["sha256"], "mode": entry["mode"]}
            if seeded and path in seeded:
                files[path]["content_b64"] = base64.b64encode(seeded[path]).decode()
    files.update(ep.files)
    return EnvSnapshot(
        task_id=fields.pop("task_id", "test"),
        variant=variant,
        manifest=manifest,
        state=state,
        receipts=ep.receipts,
        journal=ep.journal,
        files=files,
        **fields,
    )
