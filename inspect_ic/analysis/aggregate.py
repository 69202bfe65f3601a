"""``tool_trace_aggregate_table.csv``: one row per scenario × profile × variant × model (§3.5).

Rates: ``<x>_headline_rate`` over usable rows of complete slices (blank when the cell has none),
``<x>_ok_only_rate`` over ``ok`` rows, ``<x>_rate`` over usable rows of any slice. Trace metric
summaries and boolean-metric rates use usable rows of any slice. ``benchmark_completion_n`` counts
usable rows whose task was completed.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from inspect_ic.analysis.rows import complete_mask, nonempty, to_bool, usable_mask
from inspect_ic.analysis.schema import (
    ADJUDICABLE_OUTCOMES,
    BOOLEAN_METRICS,
    COMPLETION_MODES,
    COUNT_METRICS,
    OUTCOME_FIELDS,
    TRIMMED_MEAN_METRICS,
    VARIANT_DIMENSION_FIELDS,
)
from inspect_ic.analysis.stats import trimmed_mean, wilson_intervals

AGGREGATE_KEYS = ["scenario", "variant_profile", "variant", "variant_id", "model_under_test"]
METRIC_STATS = ("mean", "std", "stderr", "median", "p25", "p75")


def numeric_view(table: pd.DataFrame) -> pd.DataFrame:
    """Boolean outcome columns as 0/1 floats (``x`` and ``adjusted_x``), metrics as floats, plus
    ``_usable``, ``_headline``, ``_ok``, ``_comparable``, ``_loop``, ``_sample_error`` and
    ``_provider_error`` row masks."""
    cols: dict[str, Any] = {}
    for field in OUTCOME_FIELDS:
        cols[field] = to_bool(table[field]).astype(float)
    for field in ADJUDICABLE_OUTCOMES:
        cols[f"adjusted_{field}"] = to_bool(table[f"adjusted_{field}"]).astype(float)
    for metric in COUNT_METRICS:
        cols[metric] = pd.to_numeric(table[metric], errors="coerce").astype(float)
    for metric in BOOLEAN_METRICS:
        cols[metric] = to_bool(table[metric]).astype(float)
    usable = usable_mask(table)
    cols["_usable"] = usable
    cols["_headline"] = usable & complete_mask(table)
    cols["_ok"] = table["deterministic_label_status"] == "ok"
    cols["_comparable"] = to_bool(table["cross_task_completion_comparable"])
    cols["_loop"] = to_bool(table["loop_terminated"]).astype(float)
    cols["_sample_error"] = nonempty(table["sample_error"])
    cols["_provider_error"] = to_bool(table["provider_error"])
    return pd.DataFrame(cols, index=table.index)


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].mean()) if mask.any() else np.nan


_TRIM_INDEX = [COUNT_METRICS.index(m) for m in TRIMMED_MEAN_METRICS]


def _metric_summaries(matrix: np.ndarray) -> dict[str, np.ndarray]:
    """Column-wise summaries of a (rows × metrics) matrix, NaN-aware (``trimmed_mean`` only for
    :data:`TRIMMED_MEAN_METRICS`, in that order)."""
    n = matrix.shape[0]
    if n == 0:
        nan = np.full(matrix.shape[1], np.nan)
        return {**{k: nan for k in METRIC_STATS}, "trimmed_mean": np.full(len(_TRIM_INDEX), np.nan)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        finite = np.isfinite(matrix)
        if finite.all():
            p25, median, p75 = np.percentile(matrix, [25, 50, 75], axis=0)
            mean = matrix.mean(axis=0)
            std = matrix.std(axis=0, ddof=1) if n > 1 else np.full(matrix.shape[1], np.nan)
            count = np.full(matrix.shape[1], float(n))
        else:
            filled = np.where(finite, matrix, 0.0)
            count = finite.sum(axis=0).astype(float)
            mean = filled.sum(axis=0) / count
            squares = ((np.where(finite, matrix - mean, 0.0)) ** 2).sum(axis=0)
            # sample std needs two values: with none, 0 / -1 would give sqrt(-0.0) = -0.0
            std = np.where(count >= 2, np.sqrt(squares / np.maximum(count - 1, 1)), np.nan)
            p25, median, p75 = np.percentile(filled, [25, 50, 75], axis=0)
            for j in np.flatnonzero(~finite.all(axis=0)):
                column = matrix[finite[:, j], j]
                if column.size:
                    p25[j], median[j], p75[j] = np.percentile(column, [25, 50, 75])
                else:
                    p25[j] = median[j] = p75[j] = np.nan

    with np.errstate(invalid="ignore", divide="ignore"):
        stderr = std / np.sqrt(count)
    return {
        "mean": mean,
        "std": std,
        "stderr": stderr,
        "median": median,
        "p25": p25,
        "p75": p75,
        "trimmed_mean": np.array([trimmed_mean(matrix[:, j]) for j in _TRIM_INDEX]),
    }


def aggregate_table(table: pd.DataFrame, completeness: pd.DataFrame) -> pd.DataFrame:
    """The §3.5 aggregate table.

    Args:
        table: the adjudicated state table (one row per sample).
        completeness: the slice completeness table.

    Returns:
        One row per (scenario, variant_profile, variant, variant_id, model_under_test), in state
        table order; rates are proportions in [0, 1].
    """
    if table.empty:
        return pd.DataFrame(columns=AGGREGATE_KEYS)
    num = numeric_view(table)
    keys = table[AGGREGATE_KEYS].astype(str)
    groups = keys.groupby(AGGREGATE_KEYS, sort=False).indices
    status = table["deterministic_label_status"].astype(str).to_numpy()
    modes = table["completion_mode"].astype(str).to_numpy()
    dims = table[list(VARIANT_DIMENSION_FIELDS)]
    usable_all = num["_usable"].to_numpy()
    headline_all = num["_headline"].to_numpy()
    ok_all = num["_ok"].to_numpy()
    comparable_all = num["_comparable"].to_numpy()
    outcome = {
        c: num[c].to_numpy()
        for c in (*OUTCOME_FIELDS, *(f"adjusted_{f}" for f in ADJUDICABLE_OUTCOMES))
    }
    metrics = num[list(COUNT_METRICS)].to_numpy()
    flags = num[list(BOOLEAN_METRICS)].to_numpy()
    facts = _slice_facts(completeness)
    rows = []
    for key, idx in groups.items():
        usable, head, ok = usable_all[idx], headline_all[idx], ok_all[idx]
        comparable = comparable_all[idx]
        row: dict[str, Any] = dict(zip(AGGREGATE_KEYS, key, strict=True))
        row.update(
            n_total=len(idx),
            n=int(usable.sum()),
            n_valid=int(ok.sum()),
            n_ok=int((status[idx] == "ok").sum()),
            n_invalid=int((status[idx] == "invalid").sum()),
            n_unknown=int((status[idx] == "unknown").sum()),
            benchmark_completion_n=int(outcome["benchmark_task_completed"][idx][usable].sum()),
            cross_task_completion_comparable_rate=_mean(comparable.astype(float), usable),
        )
        row.update(facts.get((key[0], key[1], key[4]), {}))
        row.update(
            sample_error_count=int(num["_sample_error"].to_numpy()[idx].sum()),
            provider_error_count=int(num["_provider_error"].to_numpy()[idx].sum()),
            loop_terminated_rate=float(num["_loop"].to_numpy()[idx].mean()),
        )
        first = dims.iloc[idx[0]]
        row.update({d: first[d] for d in VARIANT_DIMENSION_FIELDS})
        for field in OUTCOME_FIELDS:
            values = outcome[field][idx]
            row[f"{field}_headline_rate"] = _mean(values, head)
            row[f"{field}_ok_only_rate"] = _mean(values, ok)
            row[f"{field}_rate"] = _mean(values, usable)
            if field in ADJUDICABLE_OUTCOMES:
                adjusted = outcome[f"adjusted_{field}"][idx]
                row[f"{field}_adjusted_headline_rate"] = _mean(adjusted, head)
                for label, vals in (("headline", values), ("adjusted_headline", adjusted)):
                    row[f"_{field}_{label}_k"] = int(vals[head].sum())
                    row[f"_{field}_{label}_n"] = int(head.sum())
        done = outcome["benchmark_task_completed"][idx]
        row["cross_task_completion_comparable_headline_rate"] = _mean(done, head & comparable)
        row["cross_task_completion_comparable_ok_only_rate"] = _mean(done, ok & comparable)
        for mode in COMPLETION_MODES:
            hits = (modes[idx] == mode) & usable
            row[f"completion_mode_{mode}_count"] = int(hits.sum())
            row[f"completion_mode_{mode}_rate"] = (
                float(hits.sum() / usable.sum()) if usable.any() else np.nan
            )
        summaries = _metric_summaries(metrics[idx][usable])
        for j, metric in enumerate(COUNT_METRICS):
            for stat in METRIC_STATS:
                row[f"{metric}_{stat}"] = summaries[stat][j]
            if metric in TRIMMED_MEAN_METRICS:
                row[f"{metric}_trimmed_mean"] = summaries["trimmed_mean"][
                    TRIMMED_MEAN_METRICS.index(metric)
                ]
        flag_rows = flags[idx][usable]
        for j, metric in enumerate(BOOLEAN_METRICS):
            row[f"{metric}_rate"] = float(flag_rows[:, j].mean()) if len(flag_rows) else np.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    for field in ADJUDICABLE_OUTCOMES:
        for label in ("headline", "adjusted_headline"):
            low, high = wilson_intervals(
                out.pop(f"_{field}_{label}_k").to_numpy(), out.pop(f"_{field}_{label}_n").to_numpy()
            )
            position = out.columns.get_loc(f"{field}_adjusted_headline_rate") + 1
            out.insert(position, f"{field}_{label}_wilson_high", high)
            out.insert(position, f"{field}_{label}_wilson_low", low)
    return _order_columns(out)


def _order_columns(out: pd.DataFrame) -> pd.DataFrame:
    """Keys, counts, slice facts, dimensions, rates, modes, metric summaries, flag rates."""
    head = [
        *AGGREGATE_KEYS,
        "n",
        "n_total",
        "n_valid",
        "n_ok",
        "n_invalid",
        "n_unknown",
        "benchmark_completion_n",
        "cross_task_completion_comparable_rate",
        "complete_repeat_count",
        "incomplete_repeat_count",
        "has_incomplete_slice",
        "min_observed_sample_count",
        "max_observed_sample_count",
        "expected_sample_count_per_repeat",
        "sample_error_count",
        "provider_error_count",
        "loop_terminated_rate",
        *VARIANT_DIMENSION_FIELDS,
    ]
    rest = [c for c in out.columns if c not in head]
    for column in head:
        if column not in out:
            out[column] = np.nan
    return out[head + rest]


def _slice_facts(completeness: pd.DataFrame) -> dict[tuple[str, str, str], dict[str, Any]]:
    facts: dict[tuple[str, str, str], dict[str, Any]] = {}
    if completeness.empty:
        return facts
    for key, part in completeness.groupby(
        ["scenario", "variant_profile", "model_under_test"], sort=False
    ):
        incomplete = to_bool(part["incomplete"])
        facts[(str(key[0]), str(key[1]), str(key[2]))] = {
            "complete_repeat_count": int((~incomplete).sum()),
            "incomplete_repeat_count": int(incomplete.sum()),
            "has_incomplete_slice": bool(incomplete.any()),
            "min_observed_sample_count": int(part["observed_sample_count"].min()),
            "max_observed_sample_count": int(part["observed_sample_count"].max()),
            "expected_sample_count_per_repeat": int(part["expected_sample_count"].max()),
        }
    return facts
