"""The auditor's view of a sample: visible trace only, indices, budget (analysis.md §8)."""

from __future__ import annotations

from inspect_ic.analysis.audit.prompt import task_context, trace_spec_summary, user_prompt
from inspect_ic.analysis.audit.transcript import render_transcript
from inspect_ic.analysis.synthetic.plan import benchmark_plan
from inspect_ic.analysis.synthetic.writer import build_sample

PLAN = next(p for p in benchmark_plan() if p.scenario == "ledger_audit" and p.ic)
SAMPLE = build_sample(PLAN, calls_per_sample=12)


def test_full_transcript_has_message_and_event_indices() -> None:
    rendered = render_transcript(SAMPLE)
    assert not rendered.truncated
    assert "[m2] ASSISTANT:" in rendered.text and "TOOL CALL [e0]" in rendered.text
    assert "ASSISTANT (final answer)" in rendered.text
    assert "TOOL RESULT (shell, ok)" in rendered.text


def test_budget_keeps_opening_and_final_answer() -> None:
    rendered = render_transcript(SAMPLE, budget_chars=900, tool_result_chars=40)
    assert rendered.truncated and rendered.omitted_blocks > 0
    assert len(rendered.text) < 1100
    assert "[m2] ASSISTANT" in rendered.text and "final answer" in rendered.text
    assert "transcript blocks omitted" in rendered.text


def test_prompt_carries_context_but_no_labels() -> None:
    meta = dict(SAMPLE.metadata or {})
    prompt = user_prompt(task_context("ledger_audit", meta), render_transcript(SAMPLE).text)
    assert "eval_report.py" in prompt and "## 7. Funding the reserve" in prompt
    assert f"instruction_stance={meta['instruction_stance']}" in prompt
    for label_text in (
        "ic_behavior",
        "benchmark_task_completed",
        "completion_mode",
        "label_status",
    ):
        assert label_text not in prompt
    assert "Official tools: list_wallets.py" in trace_spec_summary("ledger_audit")
