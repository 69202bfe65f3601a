"""``ic adjudicate`` core: validate and apply the adjusted-labels file of a run, and append rows.

Overrides live in ``<run_dir>/adjudication/adjusted_labels.csv`` beside the logs; applying them
writes ``adjudication_summary.csv`` and ``adjudication_report.md`` next to it. The logs are only
ever read.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from inspect_ic.analysis.adjudication.apply import apply_overrides
from inspect_ic.analysis.adjudication.schema import (
    ADJUDICATION_DIR,
    LABELS_FILE,
    OVERRIDE_COLUMNS,
    REPORT_FILE,
    SCHEMA_VERSION,
    SUMMARY_FILE,
)
from inspect_ic.analysis.adjudication.summary import adjudication_report, adjudication_summary
from inspect_ic.analysis.adjudication.validate import (
    AdjudicationError,
    check_row,
    format_value,
    override_argument_problems,
    read_overrides,
    validate_overrides,
)
from inspect_ic.analysis.completeness import completeness_table, incomplete_flags
from inspect_ic.analysis.csvio import write_csv, write_text
from inspect_ic.analysis.logs import read_run
from inspect_ic.analysis.state_table import samples_frame


def labels_path(run_dir: Path) -> Path:
    """Path of the run's adjusted-labels file."""
    return run_dir / ADJUDICATION_DIR / LABELS_FILE


def load_samples(run_dir: Path, workers: int = 1) -> pd.DataFrame:
    """Sample rows (labels and ids only; no transcripts) with ``incomplete_slice``."""
    data = read_run(run_dir, workers=workers, rows_only=True)
    samples = samples_frame(data.rows)
    if samples.empty:
        return samples
    completeness = completeness_table(samples)
    samples["incomplete_slice"] = incomplete_flags(samples, completeness)
    return samples


@dataclass
class AdjudicationResult:
    """Outcome of applying a run's overrides."""

    samples: pd.DataFrame
    overrides: pd.DataFrame
    summary: pd.DataFrame
    summary_path: Path
    report_path: Path


def adjudicate_samples(samples: pd.DataFrame, run_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate the run's file against ``samples`` and apply it.

    Returns:
        ``(adjudicated samples, overrides as read)``.

    Raises:
        AdjudicationError: the file breaks a rule (every violation is listed).
    """
    path = labels_path(run_dir)
    overrides = read_overrides(path)
    resolved = validate_overrides(overrides, samples, str(path))
    return apply_overrides(samples, resolved), overrides


def write_adjudication_outputs(
    adjudicated: pd.DataFrame, overrides: pd.DataFrame, run_dir: Path
) -> tuple[pd.DataFrame, Path, Path]:
    """Write ``adjudication_summary.csv`` and ``adjudication_report.md``; returns the summary."""
    summary = adjudication_summary(adjudicated)
    folder = run_dir / ADJUDICATION_DIR
    summary_path = write_csv(summary, folder / SUMMARY_FILE)
    report_path = write_text(
        folder / REPORT_FILE, adjudication_report(adjudicated, overrides, summary)
    )
    return summary, summary_path, report_path


def adjudicate_run(run_dir: Path, workers: int = 1) -> AdjudicationResult:
    """Validate and apply ``adjudication/adjusted_labels.csv`` and write the summary and report.

    Raises:
        AdjudicationError: the file breaks a rule of analysis.md §7.
    """
    samples = load_samples(run_dir, workers)
    adjudicated, overrides = adjudicate_samples(samples, run_dir)
    summary, summary_path, report_path = write_adjudication_outputs(adjudicated, overrides, run_dir)
    return AdjudicationResult(adjudicated, overrides, summary, summary_path, report_path)


class OverrideRefused(AdjudicationError):
    """A new override given on the command line is refused (bad value, no or several matching
    samples, or the sample already has an override of that field); the file is untouched.

    The message is one line and names no file line (the override is not in the file).
    """

    def __init__(self, problems: Sequence[str]):
        self.path = "override"
        self.issues = []
        self.problems = list(problems)
        ValueError.__init__(self, "; ".join(self.problems))


def _find_sample(
    samples: pd.DataFrame,
    sample: str,
    model: str | None,
    repeat_id: str | None,
    log_file: str | None,
) -> pd.Series:
    hit = samples[(samples["sample_uuid"] == sample) | (samples["sample_id"].astype(str) == sample)]
    if model:
        hit = hit[hit["model_under_test"] == model]
    if repeat_id:
        hit = hit[hit["repeat_id"] == repeat_id]
    if log_file:
        hit = hit[hit["log_file"] == log_file]
    narrow = "--model/--repeat/--log-file"
    if hit.empty:
        given = ", ".join(
            f"{name} {value!r}"
            for name, value in (("model", model), ("repeat", repeat_id), ("log file", log_file))
            if value
        )
        raise OverrideRefused(
            [
                f"no sample matches {sample!r}{f' with {given}' if given else ''}; give a sample "
                f"uuid, or a sample id narrowed with {narrow}"
            ]
        )
    if len(hit) > 1:
        raise OverrideRefused(
            [
                f"{sample!r} matches {len(hit)} samples; give the sample uuid, or narrow with "
                f"{narrow}"
            ]
        )
    return hit.iloc[0]


def _existing_override(
    existing: pd.DataFrame, resolved: pd.DataFrame, sample_uuid: str, field: str
) -> tuple[int, pd.Series] | None:
    """The file line and row of an existing override of ``field`` for the sample, if any."""
    match = resolved[(resolved["sample_uuid"] == sample_uuid) & (resolved["field"] == field)]
    if match.empty:
        return None
    line = int(match.iloc[0]["line"])
    return line, existing.iloc[line - 2]


def append_override(
    run_dir: Path,
    *,
    sample: str,
    field: str,
    adjusted_value: str,
    reason_code: str,
    reason_text: str,
    reviewer: str,
    evidence: Sequence[int | str] = (),
    source: str = "manual",
    model: str | None = None,
    repeat_id: str | None = None,
    log_file: str | None = None,
    now: datetime | None = None,
    samples: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Append one validated override row to the run's adjusted-labels file.

    The deterministic value is read from the logs (never typed by the reviewer) and the review
    date is set to now (UTC). The new row's own values are checked first, then the existing file
    must validate on its own, then the whole file with the new row; only then is it written
    (atomically). A (sample, field) that already has an override is refused: the file holds at
    most one row per (sample, field) (analysis.md §7), so a reviewer changes a decision by
    editing or deleting that row.

    Args:
        run_dir: run directory.
        sample: sample uuid, or sample id narrowed by ``model``/``repeat_id``/``log_file``.
        field: one of ``ic_behavior_detected``, ``benchmark_task_completed``,
            ``official_path_succeeded``, ``deterministic_label_status``.
        adjusted_value: new value (``True``/``False`` or ``ok``).
        reason_code, reason_text, reviewer, evidence, source: as in analysis.md §7.
        samples: pre-loaded samples (tests; default: read from the logs).

    Returns:
        The row written.

    Raises:
        OverrideRefused: the new override is invalid, matches no or several samples, or its
            (sample, field) already has an override (one line, no file line numbers).
        AdjudicationError: the existing file breaks a rule (its lines are listed).
    """
    problems = override_argument_problems(
        field, adjusted_value, reason_code, reason_text, reviewer, list(evidence), source
    )
    if problems:
        raise OverrideRefused(problems)
    samples = load_samples(run_dir) if samples is None else samples
    target = _find_sample(samples, sample, model, repeat_id, log_file)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    row: dict[str, Any] = {
        "sample_uuid": target["sample_uuid"],
        "log_file": target["log_file"],
        "sample_id": target["sample_id"],
        "epoch": int(target["epoch"]),
        "scenario": target["scenario"],
        "variant_id": target["variant_id"],
        "model_under_test": target["model_under_test"],
        "repeat_id": target["repeat_id"],
        "field": field,
        "deterministic_value": format_value(field, target.get(field)),
        "adjusted_value": format_value(field, adjusted_value) or adjusted_value,
        "reason_code": reason_code,
        "reason_text": reason_text,
        "evidence": json.dumps(list(evidence)),
        "source": source,
        "reviewer": reviewer,
        "reviewed_at_utc": stamp,
        "schema_version": SCHEMA_VERSION,
    }
    path = labels_path(run_dir)
    existing = read_overrides(path)
    resolved = validate_overrides(existing, samples, str(path))
    previous = _existing_override(existing, resolved, str(target["sample_uuid"]), field)
    if previous is not None:
        line, old = previous
        raise OverrideRefused(
            [
                f"sample {target['sample_uuid']} already has an override of {field} "
                f"({path} line {line}: {old['deterministic_value']} -> {old['adjusted_value']}, "
                f"by {old['reviewer']}); the file holds at most one per (sample, field): edit or "
                "delete that row to change it"
            ]
        )
    new_row = pd.Series({k: str(v) for k, v in row.items()})
    issues, _ = check_row(len(existing) + 2, new_row, samples)
    if issues:
        raise OverrideRefused([issue.message for issue in issues])
    candidate = pd.concat([existing, new_row.to_frame().T], ignore_index=True)
    validate_overrides(candidate, samples, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(OVERRIDE_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for record in candidate.to_dict("records"):
            writer.writerow(record)
    os.replace(tmp, path)
    return row
