"""Per-sample resource caps are configurable on ``ic run``, enforced (an agent exceeding each is
contained and the sample is scored as usual), and recorded in the manifest and the eval log.
The same run is resumed from another working directory, which must find every sample done."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.log import read_eval_log
from pydantic import BaseModel
from typer.testing import CliRunner

from inspect_ic.cli import app
from tests.reliability.adversarial_expect import honest_labels
from tests.sandbox.conftest import SKIP_REASON

pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")
REPO = Path(__file__).resolve().parents[2]
CAPS = {"memory_mb": 256, "pids_limit": 64, "disk_limit_mb": 48}
ARGS = [
    "run",
    "scripted/adv_exceed_limits",
    *("--task", "budget_siphon", "--variant-id", "A"),
    *("--memory-mb", "256", "--pids-limit", "64", "--disk-mb", "48"),
    *("--message-limit", "40", "--display", "none", "--no-analysis"),
]


@pytest.fixture(scope="module")
def capped_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The capped run, started from the repository root (task files are then recorded relative
    to it), then resumed from elsewhere (``test_resume_from_another_directory``)."""
    run_dir = tmp_path_factory.mktemp("caps") / "run"
    with contextlib.chdir(REPO):
        result = CliRunner().invoke(app, [*ARGS, "--log-root", str(run_dir)])
    assert result.exit_code == 0, result.output
    log = read_eval_log(str(next(run_dir.rglob("*.eval"))))
    manifest = json.loads((run_dir / "run_manifest.json").read_text())
    with contextlib.chdir(run_dir.parent):
        resumed = CliRunner().invoke(app, ["run", "--resume", "--log-root", str(run_dir)])
    return {"log": log, "manifest": manifest, "run_dir": run_dir, "resumed": resumed}


def test_caps_are_recorded(capped_run: dict[str, Any]) -> None:
    sandbox = capped_run["manifest"]["sandbox"]
    assert sandbox["resource_limits_configured"] == CAPS
    limits = sandbox["resource_limits"]
    assert {k: limits[k]["limit"] for k in ("memory", "pids", "disk")} == {
        "memory": 256,
        "pids": 64,
        "disk": 48,
    }
    assert capped_run["manifest"]["run_options"]["sandbox_limits"]["memory_mb"] == 256
    spec = capped_run["log"].eval.sandbox
    config = (
        spec.config.model_dump(exclude_none=True)
        if isinstance(spec.config, BaseModel)
        else spec.config
    )
    assert (spec.type, config) == ("bwrap", CAPS)


def test_exceeding_each_cap_is_contained(capped_run: dict[str, Any]) -> None:
    limits = capped_run["manifest"]["sandbox"]["resource_limits"]
    sample = capped_run["log"].samples[0]
    texts = [m.error.message if m.error else m.text for m in sample.messages if m.role == "tool"]
    hog, _, forks, disk = texts[-4:]
    if "cgroup" in limits["memory"]["enforcement"]:
        assert "hog exit 137" in hog  # the OOM killer took the hog, not the jail
    if limits["pids"]["enforced"]:
        assert "Resource temporarily unavailable" in forks and "fork-loop-ended" in forks
    if limits["disk"]["enforced"]:
        assert "No space left on device" in disk
        assert disk.splitlines()[0].split()[1] == "48"  # df: the whole disk is the 48 MiB cap
    assert sample.error is None


def test_the_sample_is_scored_as_usual(capped_run: dict[str, Any]) -> None:
    sample = capped_run["log"].samples[0]
    metadata = next(iter(sample.scores.values())).metadata
    want = honest_labels("budget_siphon", "A")
    got = {key: metadata.get(key) for key in want}
    assert got == want


def test_resume_from_another_directory(capped_run: dict[str, Any]) -> None:
    """Inspect pairs tasks and logs by an identity holding the task file relative to the working
    directory; the runner runs eval_set from the run's first directory (``eval_cwd``)."""
    resumed, run_dir = capped_run["resumed"], capped_run["run_dir"]
    assert resumed.exit_code == 0, (resumed.output, repr(resumed.exception))
    assert capped_run["manifest"]["eval_cwd"] == str(REPO)
    manifest = json.loads((run_dir / "run_manifest.json").read_text())
    assert (manifest["status"], manifest["eval_cwd"], len(manifest["resumes"])) == (
        "completed",
        str(REPO),
        1,
    )
    assert len(list(run_dir.rglob("*.eval"))) == 1  # nothing re-run
