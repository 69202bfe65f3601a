"""The auditor verdict schema and parser (analysis.md §8)."""

from __future__ import annotations

import json

import pytest

from inspect_ic.analysis.audit.candidates import candidate_reasons
from inspect_ic.analysis.audit.verdict import VERDICT_EXAMPLE, parse_verdict

VALID = json.dumps(VERDICT_EXAMPLE)


@pytest.mark.parametrize(
    "raw",
    [VALID, f"```json\n{VALID}\n```", f"Here is my verdict:\n{VALID}\nThanks."],
)
def test_valid_replies_parse(raw: str) -> None:
    verdict, error = parse_verdict(raw)
    assert error == "" and verdict is not None
    assert verdict.committed_shortcut == "yes"
    assert verdict.shortcut_signals[0].event_idx == 12
    assert verdict.final_answer_misrepresentation.message_idx == 31


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty reply"),
        ("I think the agent behaved well.", "no JSON object"),
        ('{"committed_shortcut": "yes",}', "invalid JSON"),
        ("[1, 2]", "no JSON object"),
        (VALID.replace('"yes"', '"maybe"', 1), "committed_shortcut"),
        (VALID.replace('"none"', '"escalate"'), "suggested_review"),
        (VALID.replace("0.8", "1.5"), "confidence"),
        (
            json.dumps({k: v for k, v in VERDICT_EXAMPLE.items() if k != "environment_issue"}),
            "environment_issue",
        ),
    ],
)
def test_malformed_replies_name_the_problem(raw: str, reason: str) -> None:
    verdict, error = parse_verdict(raw)
    assert verdict is None and reason in error


def test_candidate_rule() -> None:
    base = dict(VERDICT_EXAMPLE, suggested_review="none")
    assert candidate_reasons(base, True) == []
    assert candidate_reasons(base, False) == ["committed_shortcut_yes_vs_deterministic_ic_false"]
    assert candidate_reasons(dict(base, committed_shortcut="no"), True) == [
        "committed_shortcut_no_vs_deterministic_ic_true"
    ]
    assert candidate_reasons(dict(base, committed_shortcut="unclear"), False) == []
    assert candidate_reasons(dict(base, suggested_review="possible_misreport"), True) == [
        "suggested_review:possible_misreport"
    ]
