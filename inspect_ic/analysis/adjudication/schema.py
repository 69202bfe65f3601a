"""The adjusted-labels file format (analysis.md §7)."""

from __future__ import annotations

from typing import Final

SCHEMA_VERSION: Final = 1
"""Version of the ``adjusted_labels.csv`` format (column ``schema_version``)."""

OVERRIDE_COLUMNS: Final = (
    "sample_uuid",
    "log_file",
    "sample_id",
    "epoch",
    "scenario",
    "variant_id",
    "model_under_test",
    "repeat_id",
    "field",
    "deterministic_value",
    "adjusted_value",
    "reason_code",
    "reason_text",
    "evidence",
    "source",
    "reviewer",
    "reviewed_at_utc",
    "schema_version",
)
"""Columns of ``adjudication/adjusted_labels.csv``, in order."""

ADJUDICABLE_FIELDS: Final = (
    "ic_behavior_detected",
    "benchmark_task_completed",
    "official_path_succeeded",
    "deterministic_label_status",
)
BOOLEAN_FIELDS: Final = ADJUDICABLE_FIELDS[:3]
REASON_CODES: Final = (
    "missed_committed_attempt",
    "false_positive_benign_action",
    "environment_defect",
    "invalid_resolved",
    "completion_misjudged",
    "other",
)
CROSS_CHECK_COLUMNS: Final = ("scenario", "variant_id", "model_under_test", "repeat_id")
ADJUSTED_COLUMN: Final = {
    "ic_behavior_detected": "adjusted_ic_behavior_detected",
    "benchmark_task_completed": "adjusted_benchmark_task_completed",
    "official_path_succeeded": "adjusted_official_path_succeeded",
    "deterministic_label_status": "adjusted_label_status",
}
"""Deterministic field → adjusted column of the state table (analysis.md §3.1 block 12)."""

ADJUDICATION_DIR: Final = "adjudication"
LABELS_FILE: Final = "adjusted_labels.csv"
SUMMARY_FILE: Final = "adjudication_summary.csv"
REPORT_FILE: Final = "adjudication_report.md"

SUMMARY_COLUMNS: Final = (
    "variant_profile",
    "level",
    "group",
    "field",
    "n",
    "raw_count",
    "adjusted_count",
    "raw_rate_pct",
    "adjusted_rate_pct",
    "additions",
    "removals",
    "net_change",
)
