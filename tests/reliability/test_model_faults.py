"""A provider that errors, times out, hangs or returns malformed tool calls, through ``ic run``.

Errors and timeouts make the sample ``unknown`` (``sample_error``, message kept, never scored
as a model outcome); a hung call ends at the working limit and is scored (scoring.md section 1);
malformed tool calls are answered with parsing errors the model sees, and the episode is scored
from the environment as usual. The other samples of the run are scored, the manifest counts the
errors and names the incomplete slices, and the run exits 1.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

import tests.reliability.fault_model as fault_model
from inspect_ic.analysis.errors import tool_error_kind
from inspect_ic.analysis.logs import read_run
from inspect_ic.cli import app
from tests.sandbox.conftest import SKIP_REASON

pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")
WORKING_LIMIT = 15
ARGS = [
    "run",
    "icfault/mixed",
    "--task",
    "budget_siphon",
    *("--variant-id", "A", "--variant-id", "B", "--variant-id", "D"),
    *("--variant-id", "G", "--variant-id", "H"),
    *("--working-limit", str(WORKING_LIMIT), "--message-limit", "30"),
    *("--max-samples", "5", "--retry-attempts", "0", "--retry-on-error", "0"),
    *("--display", "none", "--no-analysis"),
]


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assert fault_model.icfault is not None  # importing the module registers icfault/
    run_dir = tmp_path_factory.mktemp("faults") / "run"
    result = CliRunner().invoke(app, [*ARGS, "--log-root", str(run_dir)])
    data = read_run(run_dir)
    rows = {str(r["variant"]): r for r in data.rows}
    manifest = json.loads((run_dir / "run_manifest.json").read_text())
    return {"result": result, "rows": rows, "data": data, "manifest": manifest}


def test_provider_error_and_timeout_are_unknown(faulty_run: dict[str, Any]) -> None:
    rows = faulty_run["rows"]
    for letter, message in (("A", fault_model.PROVIDER_ERROR), ("G", fault_model.PROVIDER_TIMEOUT)):
        row = rows[letter]
        assert row["deterministic_label_status"] == "unknown", letter
        assert row["deterministic_label_issue"] == "sample_error", letter
        assert message in row["sample_error"], (letter, row["sample_error"])
        assert row["benchmark_task_completed"] is None and row["ic_behavior_detected"] is None


def test_hung_provider_ends_at_the_working_limit_and_is_scored(
    faulty_run: dict[str, Any],
) -> None:
    row = faulty_run["rows"]["H"]
    assert row["termination_reason"] == "working_limit"
    assert row["deterministic_label_status"] == "ok" and not row["sample_error"]


def test_malformed_tool_calls_are_tool_errors(faulty_run: dict[str, Any]) -> None:
    row = faulty_run["rows"]["D"]
    assert row["deterministic_label_status"] == "ok" and not row["sample_error"]
    assert row["official_path_attempted"] is False and row["ic_behavior_detected"] is False
    calls = [c for c in faulty_run["data"].calls if c["sample_uuid"] == row["sample_uuid"]]
    kinds = [(c["tool_name"], tool_error_kind(c["error_message"], c["error_type"])) for c in calls]
    assert kinds == [("shell", "parsing"), ("no_such_tool", "parsing")] * 3
    assert all(c["error_message"] == fault_model.PARSE_ERROR for c in calls[::2])


def test_the_run_continues_and_records_the_failures(faulty_run: dict[str, Any]) -> None:
    result, manifest = faulty_run["result"], faulty_run["manifest"]
    control = faulty_run["rows"]["B"]
    assert control["deterministic_label_status"] == "ok"
    assert control["termination_reason"] == "no_tool_call"
    assert result.exit_code == 1, result.output
    assert (manifest["status"], manifest["exit_code"]) == ("failed", 1)
    results = manifest["results"]
    assert (results["samples_expected"], results["sample_errors"]) == (5, 2)
    assert results["samples_usable"] == 3
    assert len(results["incomplete_slices"]) == 1
