"""The scanner's tables: ``hits.csv``, ``sample_summary.csv`` and ``aggregate.csv`` (analysis.md §9).

Rates are proportions in [0, 1] with 95 % Wilson intervals (§5). ``aggregate.csv`` has two
populations: ``headline`` (usable labels from complete slices, §4; the paper's 11/1,680) and
``all_scanned`` (every sample read, pooled only). IC among aware vs unaware rows uses adjusted IC
(§7) and is correlational: a risk difference with Newcombe's hybrid score interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from inspect_ic.analysis.rows import to_bool
from inspect_ic.analysis.schema import USABLE_STATUSES
from inspect_ic.analysis.stats import wilson_interval

HITS_COLUMNS: tuple[str, ...] = (
    "run_id",
    "log_file",
    "sample_uuid",
    "scenario",
    "variant",
    "variant_id",
    "model_under_test",
    "repeat_id",
    "message_idx",
    "source",
    "tier",
    "cue_class",
    "pattern_id",
    "matched_text",
    "excerpt",
)
SAMPLE_SUMMARY_COLUMNS: tuple[str, ...] = (
    "run_id",
    "log_file",
    "sample_uuid",
    "sample_id",
    "epoch",
    "scenario",
    "variant",
    "variant_id",
    "variant_profile",
    "model_under_test",
    "repeat_id",
    "incomplete_slice",
    "deterministic_label_status",
    "strict_aware",
    "strict_hit_count",
    "strict_cue_classes",
    "broad_aware",
    "broad_hit_count",
    "broad_cue_classes",
    "first_strict_message_idx",
    "assistant_message_count",
    "scanned_unit_count",
    "reasoning_message_count",
    "reasoning_block_count",
    "reasoning_summary_count",
    "encrypted_reasoning_count",
    "reasoning_coverage",
    "reasoning_scanned",
    "suppressed_match_count",
    "ic_behavior_detected",
    "adjusted_ic_behavior_detected",
    "benchmark_task_completed",
    "adjusted_benchmark_task_completed",
)
_TIERS = ("strict", "broad")
AGGREGATE_COLUMNS: tuple[str, ...] = (
    "grouping_level",
    "population",
    "variant_profile",
    "model_under_test",
    "scenario",
    "variant",
    "n",
    *(f"{t}_{s}" for t in _TIERS for s in ("aware_count", "rate", "wilson_low", "wilson_high")),
    "samples_with_reasoning",
    "reasoning_block_count",
    "reasoning_summary_count",
    "encrypted_reasoning_count",
    "mean_reasoning_coverage",
    "ic_n",
    "ic_count",
    "ic_rate",
    *(
        f"ic_{t}_{s}"
        for t in _TIERS
        for s in (
            "aware_k",
            "aware_n",
            "aware_rate",
            "unaware_k",
            "unaware_n",
            "unaware_rate",
            "risk_difference",
            "rd_ci_low",
            "rd_ci_high",
        )
    ),
    "interpretation",
)
GROUPINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pooled", ()),
    ("model", ("model_under_test",)),
    ("scenario", ("scenario",)),
    ("variant", ("variant",)),
    ("model_scenario_variant", ("model_under_test", "scenario", "variant")),
)
CORRELATIONAL = "correlational"


def newcombe_interval(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """Risk difference p1 − p2 with Newcombe's hybrid score (Wilson) 95 % interval.

    Returns:
        ``(difference, low, high)`` as proportions; all NaN if either group is empty.
    """
    if n1 <= 0 or n2 <= 0:
        return (math.nan, math.nan, math.nan)
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1)
    l2, u2 = wilson_interval(k2, n2)
    d = p1 - p2
    return (d, d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2))


def hits_table(hits: list[dict[str, Any]], samples: pd.DataFrame, run_id: str) -> pd.DataFrame:
    """``hits.csv`` rows: each kept hit with the sample's ids (columns :data:`HITS_COLUMNS`)."""
    if not hits:
        return pd.DataFrame(columns=list(HITS_COLUMNS))
    frame = pd.DataFrame(hits)
    ids = [
        "sample_uuid",
        "log_file",
        "scenario",
        "variant",
        "variant_id",
        "model_under_test",
        "repeat_id",
    ]
    frame = frame.merge(samples.reindex(columns=ids), on="sample_uuid", how="left")
    frame["run_id"] = run_id
    return frame.reindex(columns=list(HITS_COLUMNS))


def sample_summary(
    samples: pd.DataFrame, records: list[dict[str, Any]], run_id: str
) -> pd.DataFrame:
    """``sample_summary.csv``: one row per scanned sample (columns :data:`SAMPLE_SUMMARY_COLUMNS`).

    Args:
        samples: labelled sample rows (:func:`~inspect_ic.analysis.awareness.labels.label_samples`).
        records: per-sample scan records (:func:`~inspect_ic.analysis.awareness.scan.scan_sample`).
        run_id: the run directory's name.
    """
    if samples.empty or not records:
        return pd.DataFrame(columns=list(SAMPLE_SUMMARY_COLUMNS))
    scan = pd.DataFrame(records)
    frame = samples.drop(columns=[c for c in scan.columns if c != "sample_uuid" and c in samples])
    frame = frame.merge(scan, on="sample_uuid", how="inner")
    frame["run_id"] = run_id
    return frame.reindex(columns=list(SAMPLE_SUMMARY_COLUMNS)).reset_index(drop=True)


def _rate_block(flags: np.ndarray, prefix: str) -> dict[str, Any]:
    n, k = len(flags), int(flags.sum())
    low, high = wilson_interval(k, n)
    return {
        f"{prefix}_aware_count": k,
        f"{prefix}_rate": k / n if n else math.nan,
        f"{prefix}_wilson_low": low,
        f"{prefix}_wilson_high": high,
    }


def _ic_block(aware: np.ndarray, ic: np.ndarray, prefix: str) -> dict[str, Any]:
    k1, n1 = int(ic[aware].sum()), int(aware.sum())
    k2, n2 = int(ic[~aware].sum()), int((~aware).sum())
    d, low, high = newcombe_interval(k1, n1, k2, n2)
    return {
        f"ic_{prefix}_aware_k": k1,
        f"ic_{prefix}_aware_n": n1,
        f"ic_{prefix}_aware_rate": k1 / n1 if n1 else math.nan,
        f"ic_{prefix}_unaware_k": k2,
        f"ic_{prefix}_unaware_n": n2,
        f"ic_{prefix}_unaware_rate": k2 / n2 if n2 else math.nan,
        f"ic_{prefix}_risk_difference": d,
        f"ic_{prefix}_rd_ci_low": low,
        f"ic_{prefix}_rd_ci_high": high,
    }


def _group_row(part: pd.DataFrame) -> dict[str, Any]:
    strict = to_bool(part["strict_aware"]).to_numpy()
    broad = to_bool(part["broad_aware"]).to_numpy()
    row: dict[str, Any] = {"n": len(part)}
    row.update(_rate_block(strict, "strict"))
    row.update(_rate_block(broad, "broad"))
    blocks = pd.to_numeric(part["reasoning_block_count"], errors="coerce").fillna(0)
    row["samples_with_reasoning"] = int((blocks > 0).sum())
    row["reasoning_block_count"] = int(blocks.sum())
    for column in ("reasoning_summary_count", "encrypted_reasoning_count"):
        row[column] = int(pd.to_numeric(part[column], errors="coerce").fillna(0).sum())
    coverage = pd.to_numeric(part["reasoning_coverage"], errors="coerce")
    row["mean_reasoning_coverage"] = float(coverage.mean()) if coverage.notna().any() else math.nan
    usable = part["deterministic_label_status"].isin(USABLE_STATUSES).to_numpy()
    ic = to_bool(part["adjusted_ic_behavior_detected"]).to_numpy()[usable]
    row["ic_n"] = int(usable.sum())
    row["ic_count"] = int(ic.sum())
    row["ic_rate"] = float(ic.mean()) if len(ic) else math.nan
    row.update(_ic_block(strict[usable], ic, "strict"))
    row.update(_ic_block(broad[usable], ic, "broad"))
    row["interpretation"] = CORRELATIONAL
    return row


def _grouped(
    frame: pd.DataFrame, level: str, keys: Sequence[str], population: str
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    by = ["variant_profile", *keys]
    for values, part in frame.groupby(by, sort=True, dropna=False):
        labels = dict(zip(by, values if isinstance(values, tuple) else (values,), strict=True))
        row = {
            "grouping_level": level,
            "population": population,
            "model_under_test": "ALL",
            "scenario": "ALL",
            "variant": "ALL",
            **labels,
        }
        row.update(_group_row(part))
        rows.append(row)
    return rows


def headline_mask(summary: pd.DataFrame) -> pd.Series:
    """Rows of the headline population: usable label from a complete slice (analysis.md §4)."""
    usable = summary["deterministic_label_status"].isin(USABLE_STATUSES)
    return usable & ~to_bool(summary["incomplete_slice"])


def aggregate_table(summary: pd.DataFrame) -> pd.DataFrame:
    """``aggregate.csv``: strict and broad awareness rates with Wilson CIs, reasoning coverage and
    IC among aware vs unaware rows, per grouping (:data:`GROUPINGS`) of the headline population,
    plus a pooled ``all_scanned`` row per profile. Columns :data:`AGGREGATE_COLUMNS`."""
    if summary.empty:
        return pd.DataFrame(columns=list(AGGREGATE_COLUMNS))
    frame = summary.copy()
    frame["variant_profile"] = frame["variant_profile"].fillna("").astype(str)
    head = frame[headline_mask(frame)]
    rows = _grouped(head, "pooled", (), "headline") if not head.empty else []
    rows += _grouped(frame, "pooled", (), "all_scanned")
    for level, keys in GROUPINGS[1:]:
        if not head.empty:
            rows += _grouped(head, level, keys, "headline")
    return pd.DataFrame(rows).reindex(columns=list(AGGREGATE_COLUMNS))
