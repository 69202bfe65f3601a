"""``ic run`` end to end: every available task x 8 variants x 2 repeats with the scripted noop
policy, into ``tmp_path``; checks the layout, the logs and every manifest block."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log
from typer.testing import CliRunner

from inspect_ic.cli import app
from inspect_ic.runner.models import CREDENTIAL_VARS
from inspect_ic.tasks import available_tasks
from inspect_ic.tasks._base.variants import BENCHMARK_VARIANTS

SECRET = "sk-test-value-that-must-never-be-written"
RUN_ARGS = ["--message-limit", "10", "--max-samples", "4", "--display", "none", "--no-analysis"]


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """One 7 x 8 x 2 run shared by the tests of this module."""
    run_dir = tmp_path_factory.mktemp("full") / "run"
    mp = pytest.MonkeyPatch()
    mp.setenv("OPENAI_API_KEY", SECRET)
    try:
        result = CliRunner().invoke(
            app, ["run", "scripted/noop", "--repeats", "2", "--log-root", str(run_dir), *RUN_ARGS]
        )
    finally:
        mp.undo()
    return run_dir, result


def test_exit_code_and_closing_lines(full_run: tuple[Path, Any]) -> None:
    run_dir, result = full_run
    assert result.exit_code == 0, result.output
    assert "Run summary" in result.output
    assert f"inspect view --log-dir {run_dir}" in result.output.replace("\n", "")


def test_layout_one_log_per_task_with_its_variants_as_samples(full_run: tuple[Path, Any]) -> None:
    run_dir, _ = full_run
    tasks = available_tasks()
    names = {p.name for p in run_dir.iterdir()}
    assert names == {".ic-run.lock", "run_manifest.json", "repeat_01", "repeat_02"}
    for repeat in ("repeat_01", "repeat_02"):
        logs = [read_eval_log(info) for info in list_eval_logs(str(run_dir / repeat))]
        assert sorted((log.eval.metadata or {})["scenario"] for log in logs) == sorted(tasks)
        for log in logs:
            assert log.status == "success"
            assert log.eval.model == "scripted/noop"
            assert (log.eval.metadata or {})["repeat_id"] == repeat
            variants = sorted(s.metadata["variant_id"] for s in log.samples or [])
            assert variants == sorted(BENCHMARK_VARIANTS)
            assert all(s.error is None for s in log.samples or [])


def test_manifest_blocks(full_run: tuple[Path, Any]) -> None:
    run_dir, _ = full_run
    text = (run_dir / "run_manifest.json").read_text()
    assert SECRET not in text
    m = json.loads(text)
    tasks = available_tasks()
    # identity
    assert m["schema_version"] == 1 and m["status"] == "completed" and m["exit_code"] == 0
    assert m["log_root"] == str(run_dir.resolve())
    assert m["run_id"] and m["created_at_utc"] and m["finished_at_utc"]
    assert m["command"]["argv"][0] == "ic" and isinstance(m["command"]["joined"], str)
    # benchmark
    bench = m["benchmark"]
    assert bench["tasks"] == tasks and bench["models"] == ["scripted/noop"]
    assert bench["repeats"] == 2 and bench["variant_profile"] == "benchmark"
    assert bench["variant_ids"] == list(BENCHMARK_VARIANTS)
    assert set(bench["task_versions"]) == set(tasks) and bench["scoring_contract_version"] == 1
    # run_config
    rc = m["run_config"]
    for key in (
        "message_limit",
        "working_limit",
        "shell_timeout",
        "token_limit",
        "time_limit",
        "repeat_streak_limit",
        "max_tool_output",
        "continuation_message",
        "continuation_message_sha256",
        "max_continuations",
    ):
        assert key in rc
    assert rc["message_limit"] == 10 and rc["continuation_message"] is None
    assert set(rc["generation"]["scripted/noop"]) >= {
        "temperature",
        "max_tokens",
        "reasoning_effort",
    }
    # prompts: one system hash per task, one user hash per task x variant
    assert set(m["prompts"]) == set(tasks)
    for entry in m["prompts"].values():
        assert len(entry["system_prompt_sha256"]) == 64
        assert set(entry["user_prompt_sha256"]) == set(BENCHMARK_VARIANTS)
    # repo, python, packages, files
    assert set(m["repo"]) == {"root", "branch", "commit", "short_commit", "is_dirty", "dirty_paths"}
    assert m["python"]["expected_version"] == "3.11" and m["python"]["version"].startswith("3.")
    assert m["packages"]["inspect-ai"]
    assert set(m["files"]) == {"pyproject.toml", "requirements.lock", ".python-version"}
    assert m["lockfile_sha256"] == m["files"]["requirements.lock"]["sha256"]
    # sandbox
    sb = m["sandbox"]
    assert sb["provider"] == "bwrap" and sb["probe_error"] is None
    assert sb["bwrap_version"].startswith("bubblewrap")
    assert set(sb["resource_limits"]) == {"memory", "pids", "disk", "cpu"}
    assert len(sb["env_manifests"]) == len(tasks) * 8
    # env: presence only
    presence = m["env"]["credential_presence"]
    assert set(presence) == set(CREDENTIAL_VARS)
    assert presence["OPENAI_API_KEY"] is True and presence["ANTHROPIC_API_KEY"] is False
    # toolchain and analysis blocks
    assert {"git", "node", "npm", "bwrap", "podman", "host"} <= set(m["toolchain"])
    assert m["tool_analysis"]["artifact_family"] == "tool_analysis"
    assert m["tool_trace_audit"]["artifact_family"] == "tool_trace_audit"
    assert m["tool_trace_audit"]["enabled"] is False
    assert set(m["eval_awareness"]) == {"lexicon_version", "lexicon_sha256"}
    # results and readiness
    assert m["results"]["samples_expected"] == len(tasks) * 8 * 2
    assert m["results"]["samples_usable"] == len(tasks) * 8 * 2
    assert m["results"]["incomplete_slices"] == []
    assert set(m["repeats"]) == {"repeat_01", "repeat_02"}
    ready = m["paper_facing_readiness"]
    assert ready["claim_ready"] is False  # no validation record in this scratch log base
    assert "validation suite not passed at this commit" in ready["blocking_reasons"]
