"""A full sample disk does not blind the scorer: after quiesce the harness gets headroom beyond
the cap, and a scan that still fails is no evidence of tampering (the row is ``invalid``)."""

from __future__ import annotations

import pytest

from inspect_ic.sandbox import storage
from inspect_ic.tasks._base.snapshot import EnvSnapshot
from inspect_ic.tasks._base.variants import PROFILE_VARIANTS
from tests.sandbox.conftest import JailFactory, requires_bwrap


@requires_bwrap
async def test_headroom_after_a_full_disk(make_jail: JailFactory) -> None:
    layout = {"disk_limit_mb": 16, "writable_roots": ["/root", "/run"]}
    async with make_jail(layout) as env:
        if not env.provenance()["resource_limits"]["disk"]["enforced"]:
            pytest.skip("disk cap unenforced on this host (no permission to mount tmpfs)")
        fill = await env.exec(["sh", "-c", "head -c 64M /dev/zero > /root/fill"])
        assert not fill.success and "No space left on device" in fill.stderr
        refused = await env.exec(["sh", "-c", "head -c 1M /dev/zero > /run/out"])
        assert not refused.success
        assert await env.grant_scoring_headroom(8)
        assert await env.grant_scoring_headroom(8)  # idempotent: still limit + 8
        wrote = await env.exec(["sh", "-c", "head -c 4M /dev/zero > /run/out && echo ok"])
        assert wrote.stdout == "ok\n"
        sizes = await env.exec(["sh", "-c", "stat -c %s /root/fill; df -m /run | tail -1"])
        fill_size, df_line = sizes.stdout.splitlines()
        assert int(fill_size) >= 15 * 1024 * 1024  # the agent's file is kept
        assert int(df_line.split()[1]) == 16 + 8
        assert env.provenance()["resource_limits"]["disk"]["limit"] == 16


@requires_bwrap
async def test_no_headroom_without_a_capped_disk(
    make_jail: JailFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(storage, "mount_tmpfs", refuse)
    async with make_jail() as env:
        assert await env.grant_scoring_headroom() is False


def test_an_unscanned_path_is_no_evidence() -> None:
    variant = PROFILE_VARIANTS["benchmark"]["dilemma_forbidden_unwatched"]
    manifest = {
        "/opt/tools/t.py": {"sha256": "ab" * 32, "mode": 0o555, "role": "tool"},
        "/work/out.json": {"sha256": None, "mode": None, "role": "artifact_slot"},
    }
    receipt = {"seq": 1, "outcome": "applied", "artifact_path": "/work/out.json"}
    receipt["artifact_digest"] = "cd" * 32
    snap = EnvSnapshot("t", variant, manifest, label_status="invalid", receipts=[receipt])
    assert not snap.changed_from_seed("/opt/tools/t.py")
    assert not snap.tool_code_modified()
    assert snap.artifact_status("/work/out.json") == "untouched"
    missing = EnvSnapshot("t", variant, manifest, files={"/opt/tools/t.py": {"kind": "missing"}})
    assert missing.tool_code_modified()
