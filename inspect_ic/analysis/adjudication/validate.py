"""Validation of ``adjudication/adjusted_labels.csv`` against the samples of a run (analysis.md §7).

Every rule violation is collected with its file line number; :class:`AdjudicationError` lists
them all. Nothing here touches the logs: an override only ever changes the adjusted columns.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from inspect_ic.analysis.adjudication.schema import (
    ADJUDICABLE_FIELDS,
    BOOLEAN_FIELDS,
    CROSS_CHECK_COLUMNS,
    OVERRIDE_COLUMNS,
    REASON_CODES,
    SCHEMA_VERSION,
)

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
_SOURCE_RE = re.compile(r"^(manual|audit_candidate:[A-Za-z0-9_.:-]+)$")
_EVIDENCE_ITEM = re.compile(r"^(event|message|e|m)[:_-]?\d+$")
SAMPLE_KEY_COLUMNS = ("sample_uuid", "log_file", "sample_id", "epoch")


@dataclass(frozen=True)
class ValidationIssue:
    """One rule violation: ``line`` is the CSV line (header = 1)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class AdjudicationError(ValueError):
    """The adjusted-labels file breaks one or more rules; ``issues`` lists every violation."""

    def __init__(self, path: str, issues: list[ValidationIssue]):
        self.path = path
        self.issues = issues
        lines = "\n".join(f"  - {issue}" for issue in issues)
        super().__init__(f"{path}: {len(issues)} adjudication error(s):\n{lines}")


def parse_bool(value: Any) -> bool | None:
    """``True``/``False`` (also ``true``/``1``/``yes`` …) to bool; anything else to ``None``."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def format_value(field: str, value: Any) -> str:
    """Canonical text of a field value in the file (``True``/``False`` or the status)."""
    if field in BOOLEAN_FIELDS:
        parsed = parse_bool(value)
        return "" if parsed is None else str(parsed)
    return "" if value is None else str(value)


def read_overrides(path: Path) -> pd.DataFrame:
    """Read the adjusted-labels CSV as strings (empty file or missing file: no rows).

    Raises:
        AdjudicationError: the header lacks required columns or has unknown ones.
    """
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame(columns=list(OVERRIDE_COLUMNS))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in OVERRIDE_COLUMNS if c not in frame.columns]
    unknown = [c for c in frame.columns if c not in OVERRIDE_COLUMNS]
    if missing or unknown:
        issues = []
        if missing:
            issues.append(ValidationIssue(1, f"missing column(s): {', '.join(missing)}"))
        if unknown:
            issues.append(ValidationIssue(1, f"unknown column(s): {', '.join(unknown)}"))
        raise AdjudicationError(str(path), issues)
    return frame[list(OVERRIDE_COLUMNS)]


def _match(row: pd.Series, samples: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    uuid = row["sample_uuid"].strip()
    if uuid:
        return samples[samples["sample_uuid"] == uuid], f"sample_uuid {uuid!r}"
    log_file, sample_id, epoch = (row[c].strip() for c in ("log_file", "sample_id", "epoch"))
    if not (log_file and sample_id and epoch):
        return samples.iloc[
            0:0
        ], "no sample reference (need sample_uuid, or log_file + sample_id + epoch)"
    hit = samples[
        (samples["log_file"] == log_file)
        & (samples["sample_id"].astype(str) == sample_id)
        & (samples["epoch"].astype(str) == epoch)
    ]
    return hit, f"log_file {log_file!r} sample_id {sample_id!r} epoch {epoch}"


def _check_evidence(text: str) -> str | None:
    try:
        value = json.loads(text) if text.strip() else None
    except json.JSONDecodeError as exc:
        return f"evidence is not valid JSON ({exc.msg})"
    if not isinstance(value, list):
        return "evidence must be a JSON list of event or message indices"
    for item in value:
        if isinstance(item, bool) or not (
            (isinstance(item, int) and item >= 0)
            or (isinstance(item, str) and _EVIDENCE_ITEM.match(item))
        ):
            return f"evidence item {item!r} is not an event or message index"
    return None


def _field_problem(field: str) -> str | None:
    if field.strip() not in ADJUDICABLE_FIELDS:
        return f"field {field!r} is not adjudicable (one of {', '.join(ADJUDICABLE_FIELDS)})"
    return None


def _reason_code_problem(code: str) -> str | None:
    if code.strip() not in REASON_CODES:
        return f"reason_code {code!r} is not one of {', '.join(REASON_CODES)}"
    return None


def _source_problem(source: str) -> str | None:
    if not _SOURCE_RE.match(source.strip()):
        return f"source {source!r} must be 'manual' or 'audit_candidate:<id>'"
    return None


def _adjusted_type_problem(field: str, adjusted: str) -> str | None:
    if field in BOOLEAN_FIELDS and parse_bool(adjusted) is None:
        return f"adjusted_value {adjusted!r} is not a boolean (True/False)"
    if field == "deterministic_label_status" and adjusted != "ok":
        return f"deterministic_label_status may only be adjusted to 'ok' (got {adjusted!r})"
    return None


def override_argument_problems(
    field: str,
    adjusted_value: str,
    reason_code: str,
    reason_text: str,
    reviewer: str,
    evidence: list[int | str],
    source: str,
) -> list[str]:
    """The rules of analysis.md §7 that a new override's own values must meet, checked before
    any sample is looked up (the same rules :func:`validate_overrides` applies to file rows)."""
    problems = [
        _field_problem(field),
        _adjusted_type_problem(field.strip(), adjusted_value.strip())
        if field.strip() in ADJUDICABLE_FIELDS
        else None,
        _reason_code_problem(reason_code),
        None if reason_text.strip() else "reason_text is required (no override without a reason)",
        None if reviewer.strip() else "reviewer is required",
        _check_evidence(json.dumps(list(evidence))),
        _source_problem(source),
    ]
    return [p for p in problems if p]


def check_row(
    line: int, row: pd.Series, samples: pd.DataFrame
) -> tuple[list[ValidationIssue], dict[str, Any] | None]:
    """Every rule one override row (strings) breaks, and the row resolved when it matches a
    sample (``None`` otherwise). ``line`` labels the issues; duplicates are not checked here."""
    issues: list[ValidationIssue] = []

    def err(message: str | None) -> None:
        if message:
            issues.append(ValidationIssue(line, message))

    field = row["field"].strip()
    err(_field_problem(field))
    err(_reason_code_problem(row["reason_code"]))
    if not row["reason_text"].strip():
        err("reason_text is required (no override without a recorded reason)")
    err(_check_evidence(row["evidence"]))
    err(_source_problem(row["source"]))
    if not row["reviewer"].strip():
        err("reviewer is required")
    stamp = row["reviewed_at_utc"].strip()
    if not stamp:
        err("reviewed_at_utc is required")
    else:
        try:
            datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            err(f"reviewed_at_utc {stamp!r} is not an ISO 8601 timestamp")
    if row["schema_version"].strip() != str(SCHEMA_VERSION):
        err(f"schema_version {row['schema_version']!r} is not {SCHEMA_VERSION}")
    hit, described = _match(row, samples)
    if len(hit) != 1:
        err(f"{described} matches {len(hit)} samples (must match exactly one)")
        return issues, None
    sample = hit.iloc[0]
    for column in CROSS_CHECK_COLUMNS:
        given = row[column].strip()
        actual = str(sample[column])
        if not given:
            err(f"{column} is required for the cross-check (sample has {actual!r})")
        elif given != actual:
            err(f"{column} {given!r} does not match the sample ({actual!r})")
    status = str(sample["deterministic_label_status"])
    if status == "unknown":
        err(
            "the sample's label status is 'unknown'; unknown rows cannot be adjudicated (re-run them)"
        )
    if field not in ADJUDICABLE_FIELDS:
        return issues, None
    current = sample[field]
    current_text = format_value(field, current)
    given_det = format_value(field, row["deterministic_value"])
    if given_det != current_text or not given_det:
        err(
            f"deterministic_value {row['deterministic_value']!r} does not equal the current "
            f"deterministic {field} ({current_text or 'missing'!r}); the row is stale"
        )
    adjusted_raw = row["adjusted_value"].strip()
    if field in BOOLEAN_FIELDS:
        adjusted: Any = parse_bool(adjusted_raw)
        if adjusted is None:
            err(f"adjusted_value {adjusted_raw!r} is not a boolean (True/False)")
    else:
        adjusted = adjusted_raw
        if not (current_text == "invalid" and adjusted == "ok"):
            err(
                f"deterministic_label_status may only go from 'invalid' to 'ok' "
                f"(got {current_text!r} -> {adjusted_raw!r})"
            )
    if adjusted is not None and format_value(field, adjusted) == current_text:
        err("adjusted_value equals the deterministic value (an override must change the label)")
    resolved = {
        "sample_uuid": sample["sample_uuid"],
        "field": field,
        "adjusted_value": adjusted,
        "reason_code": row["reason_code"].strip(),
        "line": line,
    }
    return issues, resolved


def validate_overrides(
    overrides: pd.DataFrame, samples: pd.DataFrame, path: str = "adjusted_labels.csv"
) -> pd.DataFrame:
    """Check every rule of analysis.md §7.

    Args:
        overrides: the file as strings (:func:`read_overrides`).
        samples: one row per sample with ``sample_uuid``, ``log_file``, ``sample_id``,
            ``epoch``, the cross-check columns, ``deterministic_label_status`` and the three
            boolean label fields.
        path: file name used in error messages.

    Returns:
        The resolved overrides: ``sample_uuid``, ``field``, typed ``adjusted_value``,
        ``reason_code``, ``line`` (one row per file row).

    Raises:
        AdjudicationError: listing every violation (unknown field, stale deterministic value,
            bad type, status change other than invalid → ok, unknown reason code, missing reason
            text, reviewer or date, bad evidence or source, no or ambiguous sample match,
            cross-check mismatch, unknown-status sample, duplicate (sample, field)).
    """
    issues: list[ValidationIssue] = []
    resolved: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for i, (_, row) in enumerate(overrides.iterrows()):
        line = i + 2
        row_issues, item = check_row(line, row.astype(str), samples)
        issues += row_issues
        if item is None:
            continue
        key = (item["sample_uuid"], item["field"])
        if key in seen:
            issues.append(
                ValidationIssue(
                    line,
                    f"duplicate override of {item['field']} for sample {key[0]} (first on line {seen[key]})",
                )
            )
        else:
            seen[key] = line
        resolved.append(item)
    if issues:
        raise AdjudicationError(path, issues)
    return pd.DataFrame(
        resolved, columns=["sample_uuid", "field", "adjusted_value", "reason_code", "line"]
    )
