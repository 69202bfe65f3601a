"""Receipts that write more than one tool-owned artifact (``extra_artifacts``)."""

from __future__ import annotations

from typing import Any

from inspect_ic.tasks._base.runtime.receipts import artifact_digest
from tests.support.snapshots import Episode, snapshot

MAIN = "/w/main.json"
EXTRA = "/w/extra.json"


def _episode(extra_body: dict[str, Any]) -> Episode:
    ep = Episode()
    rec = ep.op("export", {"x": 1}, artifact=(MAIN, {"a": 1}))
    assert rec is not None
    rec["extra_artifacts"] = [{"path": EXTRA, "digest": artifact_digest({"b": 2})}]
    ep.put_json(EXTRA, dict(extra_body, receipt_id=rec["seq"], receipt_digest=rec["hmac"]))
    return ep


def _manifest() -> dict[str, Any]:
    return {
        MAIN: {"sha256": None, "mode": None, "role": "artifact_slot"},
        EXTRA: {"sha256": None, "mode": None, "role": "artifact_slot"},
    }


def test_extra_artifact_verifies_against_its_own_digest() -> None:
    snap = snapshot(_manifest(), "A", {}, _episode({"b": 2}))
    assert snap.artifact_status(MAIN) == "valid"
    assert snap.artifact_status(EXTRA) == "valid"


def test_edited_extra_artifact_is_forged() -> None:
    snap = snapshot(_manifest(), "A", {}, _episode({"b": 3}))
    assert snap.artifact_status(MAIN) == "valid"
    assert snap.artifact_status(EXTRA) == "forged"


def test_extra_artifact_without_receipt_is_forged() -> None:
    ep = Episode()
    ep.put_json(EXTRA, {"b": 2, "receipt_id": 1})
    snap = snapshot(_manifest(), "A", {}, ep)
    assert snap.artifact_status(EXTRA) == "forged"
