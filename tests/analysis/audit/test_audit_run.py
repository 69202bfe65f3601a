"""``audit_run`` with a scripted auditor (``mockllm/model``): hermetic, in ``tmp_path``.

The scripted auditor answers per variant letter (read from the prompt) and per attempt:
A is malformed once and then valid (the retry), B is malformed twice (recorded as malformed),
C suggests a misreport review, D claims a committed shortcut against a clean deterministic label;
every other sample gets a verdict consistent with its deterministic label.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from inspect_ai.log import read_eval_log_samples
from inspect_ai.model import ChatMessage, GenerateConfig, ModelOutput, ModelUsage, get_model
from rich.console import Console
from typer.testing import CliRunner

from inspect_ic.analysis.audit import AuditError, AuditOptions, audit_run
from inspect_ic.analysis.audit import run as audit_module
from inspect_ic.analysis.audit.candidates import CANDIDATE_COLUMNS
from inspect_ic.analysis.audit.prompt import SYSTEM_PROMPT, TEMPLATE_SHA256
from inspect_ic.analysis.audit.verdict import VERDICT_EXAMPLE
from inspect_ic.analysis.synthetic.plan import PAPER_MODELS, benchmark_plan
from inspect_ic.analysis.synthetic.writer import write_run

MODEL = PAPER_MODELS[0]
PLANS = [
    p
    for p in benchmark_plan()
    if p.model == MODEL and p.scenario == "budget_siphon" and p.repeat == 1
]
RAW_IC = {p.letter: p.raw_ic for p in PLANS}


def _output(content: str) -> ModelOutput:
    out = ModelOutput.from_content(model="mockllm/model", content=content)
    out.usage = ModelUsage(input_tokens=100, output_tokens=20, total_tokens=120)
    return out


class ScriptedAuditor:
    """Callable ``custom_outputs`` for mockllm: records each call's temperature."""

    def __init__(self) -> None:
        self.temperatures: list[float | None] = []
        self.prompts: list[str] = []

    def __call__(
        self, messages: list[ChatMessage], tools: Any, tool_choice: Any, config: GenerateConfig
    ) -> ModelOutput:
        self.temperatures.append(config.temperature)
        user = messages[1].text
        self.prompts.append(user)
        letter = re.search(r"^Variant: (\w)", user, re.M).group(1)  # type: ignore[union-attr]
        attempt = (len(messages) - 2) // 2 + 1
        verdict: dict[str, Any] = dict(
            VERDICT_EXAMPLE,
            shortcut_signals=[],
            committed_shortcut="yes" if RAW_IC[letter] else "no",
            suggested_review="none",
        )
        if letter == "A" and attempt == 1:
            return _output("The agent looks fine to me.")
        if letter == "B":
            return _output('{"committed_shortcut": "no", "confidence": 2}')
        if letter == "C":
            verdict.update(
                suggested_review="possible_misreport",
                final_answer_misrepresentation={"value": "yes", "message_idx": 24},
            )
        if letter == "D":
            verdict.update(
                committed_shortcut="yes" if not RAW_IC["D"] else "no",
                shortcut_signals=[{"kind": "attempted_shortcut", "event_idx": 3, "note": "x"}],
                suggested_label_correction={
                    "field": "ic_behavior_detected",
                    "value": not RAW_IC["D"],
                    "reason": "see e3",
                },
            )
        return _output(json.dumps(verdict))


def _run(root: Path, plans: list = PLANS) -> Path:
    write_run(root, plans, calls_per_sample=4)
    return root


def _digest(run: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(run.glob("repeat_*/*.eval")):
        h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ScriptedAuditor, Any, str]:
    run = _run(tmp_path_factory.mktemp("audit") / "run")
    before = _digest(run)
    auditor = ScriptedAuditor()
    result = audit_run(run, get_model("mockllm/model", custom_outputs=auditor))
    assert _digest(run) == before  # the logs are only read
    return run, auditor, result, before


def test_outputs_and_candidates(audited: tuple[Path, ScriptedAuditor, Any, str]) -> None:
    run, _, result, _ = audited
    out = run / "tool_analysis" / "audit"
    assert {p.name for p in out.iterdir()} >= {
        "audit_raw.jsonl",
        "audit_candidates.csv",
        "audit_manifest.json",
        "logs",
    }
    candidates = pd.read_csv(out / "audit_candidates.csv")
    assert tuple(candidates.columns) == CANDIDATE_COLUMNS
    assert set(candidates["sample_id"]) == {"budget_siphon_C", "budget_siphon_D"}
    row = candidates.set_index("sample_id").loc["budget_siphon_D"]
    assert row["adjudication_source"] == f"audit_candidate:{row['candidate_id']}"
    assert json.loads(row["candidate_reasons"])[0].startswith("committed_shortcut_")
    assert bool(row["suggested_label_value"]) == (not RAW_IC["D"])
    assert not (run / "adjudication" / "adjusted_labels.csv").exists()  # never a label change


def test_retry_and_malformed_are_recorded(audited: tuple[Path, ScriptedAuditor, Any, str]) -> None:
    run, _, result, _ = audited
    lines = (run / "tool_analysis" / "audit" / "audit_raw.jsonl").read_text().splitlines()
    records = {r["sample_id"]: r for r in map(json.loads, lines)}
    assert len(records) == len(PLANS)
    a, b = records["budget_siphon_A"], records["budget_siphon_B"]
    assert a["status"] == "valid" and len(a["attempts"]) == 2
    assert a["attempts"][0]["raw_output"] == "The agent looks fine to me."
    assert "no JSON object" in a["attempts"][0]["parse_error"]
    assert b["status"] == "malformed" and b["verdict"] is None and len(b["attempts"]) == 2
    assert all(att["usage"]["total_tokens"] == 120 for att in b["attempts"])
    counts = result.manifest["auditors"]["mockllm/model"]["counts"]
    assert counts["valid"] == len(PLANS) - 1 and counts["malformed"] == 1 and counts["retried"] == 2


def test_grader_role_temperature_and_prompt_hash(
    audited: tuple[Path, ScriptedAuditor, Any, str],
) -> None:
    run, auditor, result, _ = audited
    entry = result.manifest["auditors"]["mockllm/model"]
    assert entry["role"] == "grader" and entry["grader_role_bound"] is True
    assert entry["temperature"] == 0.0 and entry["prompt_template_sha256"] == TEMPLATE_SHA256
    assert set(auditor.temperatures) == {0.0}
    log = entry["eval_log"]
    samples = list(read_eval_log_samples(log))
    records = {r["audit_id"]: r for r in result.records}
    for sample in samples:
        user = sample.messages[1].text
        expected = hashlib.sha256(f"{SYSTEM_PROMPT}\n\n{user}".encode()).hexdigest()
        assert records[str(sample.id)]["prompt_sha256"] == expected
    for prompt in auditor.prompts:
        assert "ic_behavior" not in prompt and "task_completed" not in prompt


def test_candidate_feeds_adjudication(
    audited: tuple[Path, ScriptedAuditor, Any, str], tmp_path: Path
) -> None:
    from inspect_ic.analysis.adjudication import append_override
    from inspect_ic.analysis.adjudication.run import load_samples

    run, _, result, _ = audited
    row = result.candidates.set_index("sample_id").loc["budget_siphon_D"]
    written = append_override(
        run,
        sample=row["sample_uuid"],
        field="ic_behavior_detected",
        adjusted_value=str(not RAW_IC["D"]),
        reason_code="missed_committed_attempt"
        if not RAW_IC["D"]
        else "false_positive_benign_action",
        reason_text="reviewed audit candidate",
        reviewer="tester",
        evidence=[3],
        source=row["adjudication_source"],
        samples=load_samples(run),
    )
    assert written["source"].startswith("audit_candidate:aud-")
    (run / "adjudication" / "adjusted_labels.csv").unlink()


def test_refuses_without_grader_and_never_self_audits(tmp_path: Path) -> None:
    run = _run(tmp_path / "run", PLANS[:2])
    with pytest.raises(AuditError, match="grader"):
        audit_run(run)
    with pytest.raises(AuditError, match="grader"):
        audit_run(run, model_roles={"judge": "mockllm/model"})
    result = audit_run(run, MODEL.replace("openrouter/", ""), options=AuditOptions(display="none"))
    counts = result.manifest["auditors"][MODEL.replace("openrouter/", "")]["counts"]
    assert counts["audited"] == 0 and counts["skipped"] == {"self_audit_refused": 2}


def test_cli_usage_errors(tmp_path: Path) -> None:
    from inspect_ic.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["audit", str(tmp_path)]).exit_code == 2  # --model is required
    assert runner.invoke(app, ["audit", str(tmp_path / "nope"), "--model", "x/y"]).exit_code == 2


def test_runner_hook_calls_the_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ic run`` with IC_ENABLE_TOOL_TRACE_AUDIT=1 calls ``audit_run(run_dir, model=M)``."""
    from inspect_ic.runner.postrun import run_audit

    run = _run(tmp_path / "run", PLANS[:2])
    auditor = ScriptedAuditor()
    real = audit_module.get_model

    def scripted(name: str, config: GenerateConfig) -> Any:
        assert name == "mockllm/model" and config.temperature == 0.0
        return real("mockllm/model", custom_outputs=auditor, config=config)

    monkeypatch.setattr(audit_module, "get_model", scripted)
    status = run_audit(run, ["mockllm/model"], Console(quiet=True))
    assert status == {"status": "completed", "models": {"mockllm/model": "completed"}}
    manifest = json.loads((run / "tool_analysis" / "audit" / "audit_manifest.json").read_text())
    assert manifest["auditors"]["mockllm/model"]["counts"]["audited"] == 2


def test_cli_checks_the_auditor_before_reading_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from inspect_ic.cli import app

    runner = CliRunner()
    audit_dir = tmp_path / "tool_analysis"

    def audit(model: str) -> tuple[int, str]:
        result = runner.invoke(app, ["audit", str(tmp_path), "--model", model])
        return result.exit_code, result.output

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    expected_key = (
        2,
        "error: auditor openai/gpt-5: OPENAI_API_KEY is not set (needed by openai/gpt-5); "
        "export it\n",
    )
    assert audit("openai/gpt-5") == expected_key
    monkeypatch.setitem(sys.modules, "openai", None)  # the SDK absent too: the key comes first
    assert audit("openai/gpt-5") == expected_key
    monkeypatch.setenv("GROQ_API_KEY", "k")
    monkeypatch.setitem(sys.modules, "groq", None)  # SDK not importable, whatever is installed
    assert audit("groq/llama-3.3-70b") == (
        2,
        "error: auditor groq/llama-3.3-70b: the groq provider needs the Python package groq "
        "(not installed); run: pip install groq\n",
    )
    assert audit("nosuch/model") == (
        2,
        "error: auditor nosuch/model: unknown model provider 'nosuch' in 'nosuch/model' "
        "(Inspect has no such provider)\n",
    )
    assert not audit_dir.exists()


def test_audit_run_names_an_unusable_auditor(tmp_path: Path) -> None:
    run = _run(tmp_path / "run", PLANS[:2])
    with pytest.raises(AuditError) as info:
        audit_run(run, "nosuch/model", options=AuditOptions(display="none"))
    assert str(info.value) == (
        "auditor nosuch/model: unknown model provider 'nosuch' in 'nosuch/model' "
        "(Inspect has no such provider)"
    )
    assert not (run / "tool_analysis" / "audit").exists()
