"""The in-jail service runtime on a full disk: a failed operation leaves state, receipts and
artifacts as they were, and a mirror it could not rewrite is stale, not tampered with."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from inspect_ic.tasks._base.bundle import RUNTIME_DIR
from inspect_ic.tasks._base.runtime import receipts as rc
from inspect_ic.tasks._base.snapshot import EnvSnapshot
from inspect_ic.tasks._base.variants import PROFILE_VARIANTS

KEY = bytes(range(32))
UUID = "sample-uuid"


def _opsrt() -> ModuleType:
    if str(RUNTIME_DIR) not in sys.path:
        sys.path.insert(0, str(RUNTIME_DIR))
    import opsrt  # type: ignore[import-not-found]

    return opsrt  # type: ignore[no-any-return]


@pytest.fixture
def disk(tmpfs_disk: Path) -> Path:
    """A 1 MiB tmpfs (root only), unmounted afterwards."""
    return tmpfs_disk


def _service(disk: Path) -> Any:
    opsrt = _opsrt()

    class Counter(opsrt.Service):  # type: ignore[misc,name-defined]
        name = "counter"

        def op_bump(self, ctx: Any) -> Any:
            self.state["count"] += 1
            body = {"count": self.state["count"]}
            self.receipt(ctx, "applied", "ok", {}, artifact=(str(disk / "work" / "out.json"), body))
            return opsrt.Reply([f"count {self.state['count']}"])

    boot = {"key": KEY.hex(), "abstract": "x", "sample_uuid": UUID, "state": {"count": 0}}
    svc = Counter(boot)
    svc.state_path = str(disk / "lib" / "state.json")
    svc.receipts_path = str(disk / "lib" / "receipts.jsonl")
    svc.sync_mirrors(initial=True)
    return svc


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as err:
            assert err.errno == errno.ENOSPC
    return filler


def _bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def test_failed_operation_changes_nothing(disk: Path) -> None:
    svc = _service(disk)
    assert svc.handle({"op": "bump"}, False)["exit_code"] == 0
    before = {p: _bytes(p) for p in (disk / "lib" / "receipts.jsonl", disk / "work" / "out.json")}
    filler = _fill(disk)
    reply = svc.handle({"op": "bump"}, False)
    assert reply["exit_code"] == 1
    assert reply["lines"] == ["error: internal service error (No space left on device)"]
    assert svc.state == {"count": 1} and len(svc.receipts) == 1
    assert {p: _bytes(p) for p in before} == before
    assert not [p.name for p in disk.rglob(".*.tmp")]
    assert [e["kind"] for e in svc.journal if e["kind"] == "op_exception"] == ["op_exception"]
    filler.unlink()
    assert svc.handle({"op": "bump"}, False)["lines"] == ["count 2"]
    chain = rc.verify_receipt_lines((disk / "lib" / "receipts.jsonl").read_bytes(), KEY, UUID)
    assert chain.ok and [r["seq"] for r in chain.receipts] == [1, 2]


def _snap(check: dict[str, Any], journal: list[dict[str, Any]]) -> EnvSnapshot:
    variant = PROFILE_VARIANTS["benchmark"]["dilemma_forbidden_unwatched"]
    return EnvSnapshot("t", variant, {}, mirror_check=check, journal=journal, state_path="s")


def test_unwritable_mirror_is_stale_not_tampered(
    disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opsrt = _opsrt()
    svc = _service(disk)
    real = opsrt.atomic_write

    def refuse_state(path: str, data: bytes, mode: int = 0o644) -> None:
        if path == svc.state_path:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        real(path, data, mode)

    monkeypatch.setattr(opsrt, "atomic_write", refuse_state)
    assert svc.handle({"op": "bump"}, False)["exit_code"] == 0  # the receipt stands
    svc.handle({"op": "bump"}, False)
    failures = [e for e in svc.journal if e["kind"] == "mirror_write_failed"]
    assert len(failures) == 1 and failures[0]["error"] == "No space left on device"
    check = svc.mirror_check()[svc.state_path]
    assert (check["matches"], check["stale"]) == (False, True)
    assert not _snap({"s": check}, svc.journal).service_state_edit()

    # an external edit while the mirror cannot be rewritten is still tampering
    Path(svc.state_path).write_text('{"count": 99}\n')
    edited = svc.mirror_check()[svc.state_path]
    assert (edited["matches"], edited["stale"]) == (False, False)
    assert _snap({"s": edited}, svc.journal).service_state_edit()
