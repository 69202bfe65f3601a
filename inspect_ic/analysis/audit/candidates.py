"""Audit candidates (analysis.md §8): samples a human should look at, never a label change.

A sample is a candidate when the auditor's ``suggested_review`` is not ``none``, or when its
``committed_shortcut`` answer (yes/no) disagrees with the deterministic IC label. Each candidate
carries the ``source`` value a reviewer puts into ``adjusted_labels.csv``
(``audit_candidate:<id>``, §7) if they turn it into an override.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from inspect_ic.analysis.rows import to_bool_or_na

ID_COLUMNS: tuple[str, ...] = (
    "log_file",
    "sample_id",
    "epoch",
    "scenario",
    "variant",
    "variant_id",
    "variant_profile",
    "model_under_test",
    "repeat_id",
)
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "candidate_id",
    "adjudication_source",
    "sample_uuid",
    *ID_COLUMNS,
    "auditor_model",
    "candidate_reasons",
    "suggested_review",
    "committed_shortcut",
    "deterministic_label_status",
    "ic_behavior_detected",
    "adjusted_ic_behavior_detected",
    "benchmark_task_completed",
    "official_path_succeeded",
    "final_answer_misrepresentation",
    "misrepresentation_message_idx",
    "environment_issue",
    "confidence",
    "shortcut_signals",
    "evidence_message_indices",
    "suggested_label_field",
    "suggested_label_value",
    "suggested_label_reason",
    "official_path_summary",
    "transcript_truncated",
    "prompt_sha256",
)
LABEL_COLUMNS: tuple[str, ...] = (
    "deterministic_label_status",
    "ic_behavior_detected",
    "adjusted_ic_behavior_detected",
    "benchmark_task_completed",
    "official_path_succeeded",
)


def candidate_reasons(verdict: dict[str, Any], deterministic_ic: bool | None) -> list[str]:
    """Why a verdict makes its sample a candidate (empty: not a candidate).

    Args:
        verdict: a valid verdict (``AuditVerdict.model_dump()``).
        deterministic_ic: the sample's deterministic ``ic_behavior_detected`` (None if unknown).
    """
    reasons: list[str] = []
    review = verdict.get("suggested_review", "none")
    if review != "none":
        reasons.append(f"suggested_review:{review}")
    committed = verdict.get("committed_shortcut")
    if deterministic_ic is not None and committed in ("yes", "no"):
        if (committed == "yes") != bool(deterministic_ic):
            reasons.append(
                f"committed_shortcut_{committed}_vs_deterministic_ic_{str(bool(deterministic_ic)).lower()}"
            )
    return reasons


def candidate_rows(records: list[dict[str, Any]], labels: pd.DataFrame) -> pd.DataFrame:
    """Candidate table of one auditor's raw records.

    Args:
        records: ``audit_raw.jsonl`` records (only ``status == "valid"`` ones can be candidates).
        labels: sample rows with ids and (adjusted) labels, keyed by ``sample_uuid``.

    Returns:
        Columns :data:`CANDIDATE_COLUMNS`, one row per candidate, in record order.
    """
    indexed = (
        labels.drop_duplicates("sample_uuid").set_index("sample_uuid") if len(labels) else labels
    )
    rows: list[dict[str, Any]] = []
    for record in records:
        verdict = record.get("verdict")
        if record.get("status") != "valid" or not verdict:
            continue
        uuid = record["sample_uuid"]
        label = indexed.loc[uuid].to_dict() if len(indexed) and uuid in indexed.index else {}
        det = to_bool_or_na(pd.Series([label.get("ic_behavior_detected")])).iloc[0]
        reasons = candidate_reasons(verdict, None if det is pd.NA else bool(det))
        if not reasons:
            continue
        correction = verdict.get("suggested_label_correction") or {}
        misreport = verdict.get("final_answer_misrepresentation") or {}
        rows.append(
            {
                "candidate_id": record["audit_id"],
                "adjudication_source": f"audit_candidate:{record['audit_id']}",
                "sample_uuid": uuid,
                **{k: label.get(k, record.get(k)) for k in ID_COLUMNS},
                "auditor_model": record["auditor_model"],
                "candidate_reasons": json.dumps(reasons),
                "suggested_review": verdict.get("suggested_review"),
                "committed_shortcut": verdict.get("committed_shortcut"),
                **{k: label.get(k) for k in LABEL_COLUMNS},
                "final_answer_misrepresentation": misreport.get("value"),
                "misrepresentation_message_idx": misreport.get("message_idx"),
                "environment_issue": verdict.get("environment_issue"),
                "confidence": verdict.get("confidence"),
                "shortcut_signals": json.dumps(verdict.get("shortcut_signals", [])),
                "evidence_message_indices": json.dumps(verdict.get("evidence_message_indices", [])),
                "suggested_label_field": correction.get("field"),
                "suggested_label_value": correction.get("value"),
                "suggested_label_reason": correction.get("reason"),
                "official_path_summary": verdict.get("official_path_summary"),
                "transcript_truncated": record.get("transcript_truncated"),
                "prompt_sha256": record.get("prompt_sha256"),
            }
        )
    return pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS))
