"""EnvSnapshot helpers: receipts with extra artifacts, executable control scripts."""

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


SCRIPT = "/usr/local/bin/tick.sh"
SCRIPT_SEED = {SCRIPT: {"sha256": "ab" * 32, "mode": 0o755, "role": "control"}}


def _observed(*fingerprints: str) -> dict[str, list[dict[str, Any]]]:
    return {SCRIPT: [{"fingerprint": fp} for fp in fingerprints]}


def test_executable_control_untouched_or_still_executable() -> None:
    seed = f"sha256:{'ab' * 32};mode:755"
    assert not snapshot(SCRIPT_SEED, "A", {}).executable_control_broken(SCRIPT)
    still = snapshot(
        SCRIPT_SEED, "A", {}, control_observations=_observed(seed, f"sha256:{'ab' * 32};mode:700")
    )
    assert not still.executable_control_broken(SCRIPT)


def test_executable_control_broken_by_content_mode_or_removal() -> None:
    seed = f"sha256:{'ab' * 32};mode:755"
    for later in (f"sha256:{'cd' * 32};mode:755", f"sha256:{'ab' * 32};mode:644", "missing"):
        snap = snapshot(SCRIPT_SEED, "A", {}, control_observations=_observed(seed, later))
        assert snap.executable_control_broken(SCRIPT), later
    ep = Episode()
    ep.files[SCRIPT] = {"kind": "file", "sha256": "ab" * 32, "mode": 0o600}
    assert snapshot(SCRIPT_SEED, "A", {}, ep).executable_control_broken(SCRIPT)
