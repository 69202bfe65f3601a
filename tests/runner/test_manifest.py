"""Manifest writing, readiness reasons and the log-root guard."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inspect_ic.runner.errors import UsageError
from inspect_ic.runner.layout import check_log_root, latest_run, run_id
from inspect_ic.runner.manifest import (
    MANIFEST_NAME,
    ManifestWriter,
    identity_block,
    read_manifest,
    readiness,
    write_json_atomic,
)
from inspect_ic.runner.validation_record import validation_status


def test_run_id_format() -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert run_id({"short_commit": "abc1234", "is_dirty": False}, now) == "20260102T030405Z_abc1234"
    assert (
        run_id({"short_commit": "abc1234", "is_dirty": True}, now)
        == "20260102T030405Z_abc1234-dirty"
    )
    assert run_id({}, now) == "20260102T030405Z_nogit"


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    write_json_atomic(tmp_path / "m.json", {"a": 1})
    write_json_atomic(tmp_path / "m.json", {"a": 2})
    assert json.loads((tmp_path / "m.json").read_text()) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_writer_started_then_finished(tmp_path: Path) -> None:
    manifest = identity_block("rid", tmp_path, ["ic", "run", "x/y"], "selected")
    writer = ManifestWriter(tmp_path, manifest)
    writer.write()
    assert read_manifest(tmp_path)["status"] == "started"  # type: ignore[index]
    writer.finish("completed", 0)
    data = read_manifest(tmp_path)
    assert data is not None
    assert (data["status"], data["exit_code"]) == ("completed", 0)
    assert data["finished_at_utc"] and data["command"]["joined"] == "ic run x/y"
    assert "paper_facing_readiness" in data


def test_readiness_lists_every_blocking_reason() -> None:
    blocked = readiness(
        {
            "status": "failed",
            "repo": {"is_dirty": True},
            "lockfile_mismatches": ["x: 1 != 2"],
            "validation": {"passed_at_commit": False},
            "results": {"incomplete_slices": [{"task": "t"}]},
            "benchmark": {"variant_profile": "diagnostic"},
            "run_config": {"continuation_message": "go on"},
        }
    )
    assert not blocked["claim_ready"]
    assert len(blocked["blocking_reasons"]) == 7
    ready = readiness(
        {
            "status": "completed",
            "repo": {"is_dirty": False},
            "lockfile_mismatches": [],
            "validation": {"passed_at_commit": True},
            "results": {"incomplete_slices": []},
            "benchmark": {"variant_profile": "benchmark"},
            "run_config": {"continuation_message": None},
        }
    )
    assert ready == {"claim_ready": True, "blocking_reasons": []}


def _fake_run(path: Path, options: dict[str, object]) -> None:
    path.mkdir(parents=True)
    (path / MANIFEST_NAME).write_text(
        json.dumps(
            {
                "run_id": "old",
                "status": "completed",
                "run_options": options,
                "created_at_utc": "2026",
            }
        )
    )


def test_log_root_guard(tmp_path: Path) -> None:
    keys = ("models", "tasks")
    opts = {"models": ["scripted/noop"], "tasks": ["budget_siphon"]}
    assert check_log_root(tmp_path / "new", False, opts, keys) is None
    _fake_run(tmp_path / "run", opts)
    with pytest.raises(UsageError, match="already holds run old.*--resume"):
        check_log_root(tmp_path / "run", False, opts, keys)
    assert check_log_root(tmp_path / "run", True, opts, keys)["run_id"] == "old"  # type: ignore[index]
    with pytest.raises(UsageError, match="holds a different run \\(differs in: models\\)"):
        check_log_root(tmp_path / "run", True, {**opts, "models": ["scripted/honest"]}, keys)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "file").write_text("x")
    with pytest.raises(UsageError, match="not empty and holds no run_manifest.json"):
        check_log_root(tmp_path / "junk", True, opts, keys)
    assert latest_run(tmp_path) == tmp_path / "run"


def test_validation_status_needs_a_clean_completed_run_at_the_commit(tmp_path: Path) -> None:
    vdir = tmp_path / "validation" / "v1"
    vdir.mkdir(parents=True)
    record = {"status": "completed", "exit_code": 0, "repo": {"commit": "c1", "is_dirty": False}}
    (vdir / MANIFEST_NAME).write_text(json.dumps(record))
    assert validation_status({"commit": "c1"}, tmp_path)["passed_at_commit"] is True
    assert validation_status({"commit": "c2"}, tmp_path)["passed_at_commit"] is False
