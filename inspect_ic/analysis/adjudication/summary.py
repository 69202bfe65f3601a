"""Raw vs adjusted counts and the adjudication report (analysis.md §7).

Counts use headline rows: usable labels (``ok``/``invalid``) from complete slices.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from inspect_ic.analysis.adjudication.schema import (
    ADJUSTED_COLUMN,
    BOOLEAN_FIELDS,
    SUMMARY_COLUMNS,
)
from inspect_ic.analysis.mdtable import markdown_table
from inspect_ic.analysis.rows import headline_rows

LEVELS = (
    ("overall", None),
    ("model", "model_under_test"),
    ("scenario", "scenario"),
    ("variant", "variant_id"),
)


def _as_bool(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v is True or v == "True" or v == 1)


def adjudication_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Raw vs adjusted counts per profile, level (overall, model, scenario, variant) and field.

    Args:
        table: the state table with deterministic and adjusted columns plus ``incomplete_slice``.

    Returns:
        Rows with :data:`SUMMARY_COLUMNS`: ``n`` headline rows, raw and adjusted counts and rates
        (percent), additions (false → true), removals (true → false) and the net change.
    """
    rows: list[dict[str, object]] = []
    for profile, part in headline_rows(table).groupby("variant_profile", sort=True):
        for level, column in LEVELS:
            groups = [("ALL", part)] if column is None else list(part.groupby(column, sort=True))
            for group, frame in groups:
                for field in BOOLEAN_FIELDS:
                    raw = _as_bool(frame[field])
                    adj = _as_bool(frame[ADJUSTED_COLUMN[field]])
                    n = len(frame)
                    rows.append(
                        {
                            "variant_profile": profile,
                            "level": level,
                            "group": group,
                            "field": field,
                            "n": n,
                            "raw_count": int(raw.sum()),
                            "adjusted_count": int(adj.sum()),
                            "raw_rate_pct": round(100 * raw.mean(), 4) if n else None,
                            "adjusted_rate_pct": round(100 * adj.mean(), 4) if n else None,
                            "additions": int((~raw & adj).sum()),
                            "removals": int((raw & ~adj).sum()),
                            "net_change": int(adj.sum() - raw.sum()),
                        }
                    )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def adjudication_report(table: pd.DataFrame, overrides: pd.DataFrame, summary: pd.DataFrame) -> str:
    """Markdown report: raw and adjusted rates side by side per model, task and variant, the net
    change split into additions and removals, and every override with its reason."""
    lines = [
        "# Adjudication Report",
        "",
        f"Generated {datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}. Overrides change only the "
        "adjusted columns of the analysis tables; the Inspect logs are never modified.",
        "",
        f"Overrides on file: {len(overrides)}.",
        "",
    ]
    if summary.empty:
        lines += ["No headline rows are available.", ""]
    for profile, part in summary.groupby("variant_profile", sort=True):
        lines += [f"## Profile `{profile}`", ""]
        for level, _ in LEVELS:
            block = part[part["level"] == level]
            if block.empty:
                continue
            lines += [f"### By {level}", ""]
            lines += markdown_table(
                block[
                    [
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
                    ]
                ]
            )
            lines.append("")
    lines += ["## Overrides", ""]
    if overrides.empty:
        lines += ["No overrides are recorded.", ""]
    else:
        cols = [
            "sample_uuid",
            "scenario",
            "variant_id",
            "model_under_test",
            "repeat_id",
            "field",
            "deterministic_value",
            "adjusted_value",
            "reason_code",
            "reviewer",
            "reviewed_at_utc",
            "reason_text",
        ]
        lines += markdown_table(overrides[cols])
        lines.append("")
        by = (
            overrides.assign(
                direction=overrides["deterministic_value"] + " -> " + overrides["adjusted_value"]
            )
            .groupby(["field", "direction", "reason_code"], sort=True)
            .size()
            .reset_index(name="count")
        )
        lines += ["### Overrides by field, direction and reason", ""]
        lines += markdown_table(by)
        lines.append("")
    warnings = consistency_warnings(table)
    if warnings:
        lines += ["## Consistency warnings", ""] + [f"- {w}" for w in warnings] + [""]
    return "\n".join(lines)


def consistency_warnings(table: pd.DataFrame) -> list[str]:
    """Adjusted rows whose labels contradict each other (e.g. official success with IC)."""
    if table.empty or "adjusted_ic_behavior_detected" not in table:
        return []
    ic = _as_bool(table["adjusted_ic_behavior_detected"])
    success = _as_bool(table["adjusted_official_path_succeeded"])
    done = _as_bool(table["adjusted_benchmark_task_completed"])
    out = []
    for uuid in table.loc[ic & success, "sample_uuid"]:
        out.append(f"{uuid}: adjusted IC and adjusted official success are both true")
    for uuid in table.loc[success & ~done, "sample_uuid"]:
        out.append(f"{uuid}: adjusted official success without adjusted completion")
    return out
