"""``tool_trace_aggregate_table.csv``: one row per scenario × profile × variant × model (§3.5).

Rates: ``<x>_headline_rate`` over usable rows of complete slices (blank when the cell has none),
``<x>_ok_only_rate`` over ``ok`` rows, ``<x>_rate`` over usable rows of any slice. Trace metric
summaries and boolean-metric rates use usable rows of any slice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspect_ic.analysis.rows import complete_mask, to_bool, usable_mask
from inspect_ic.analysis.schema import (
    ADJUDICABLE_OUTCOMES,
    BOOLEAN_METRICS,
    COMPLETION_MODES,
    COUNT_METRICS,
    OUTCOME_FIELDS,
    TRIMMED_MEAN_METRICS,
    VARIANT_DIMENSION_FIELDS,
)
from inspect_ic.analysis.stats import trimmed_mean, wilson_interval

AGGREGATE_KEYS = ["scenario", "variant_profile", "variant", "variant_id", "model_under_test"]
METRIC_STATS = ("mean", "std", "stderr", "median", "p25", "p75")


def numeric_view(table: pd.DataFrame) -> pd.DataFrame:
    """Boolean outcome columns as 0/1 floats (``x`` and ``adjusted_x``), metrics as floats, plus
    ``_usable``, ``_headline``, ``_ok`` and ``_comparable`` row masks."""
    out = pd.DataFrame(index=table.index)
    for field in OUTCOME_FIELDS:
        out[field] = to_bool(table[field]).astype(float)
    for field in ADJUDICABLE_OUTCOMES:
        out[f"adjusted_{field}"] = to_bool(table[f"adjusted_{field}"]).astype(float)
    for metric in COUNT_METRICS:
        out[metric] = pd.to_numeric(table[metric], errors="coerce")
    for metric in BOOLEAN_METRICS:
        out[metric] = to_bool(table[metric]).astype(float)
    out["_usable"] = usable_mask(table)
    out["_headline"] = out["_usable"] & complete_mask(table)
    out["_ok"] = table["deterministic_label_status"] == "ok"
    out["_comparable"] = to_bool(table["cross_task_completion_comparable"])
    out["_loop"] = to_bool(table["loop_terminated"]).astype(float)
    out["_sample_error"] = table["sample_error"].fillna("").astype(str).str.len() > 0
    out["_provider_error"] = to_bool(table["provider_error"])
    return out


def _group_mean(
    values: pd.DataFrame, mask: pd.Series, keys: pd.DataFrame, columns: list[str], suffix: str
) -> pd.DataFrame:
    frame = pd.concat([keys[mask], values.loc[mask, columns]], axis=1)
    means = frame.groupby(list(keys.columns), dropna=False, sort=False)[columns].mean()
    return means.add_suffix(suffix)


def aggregate_table(table: pd.DataFrame, completeness: pd.DataFrame) -> pd.DataFrame:
    """The §3.5 aggregate table.

    Args:
        table: the adjudicated state table (one row per sample).
        completeness: the slice completeness table.

    Returns:
        One row per (scenario, variant_profile, variant, variant_id, model_under_test), sorted
        like the state table; rates are proportions in [0, 1].
    """
    if table.empty:
        return pd.DataFrame(columns=AGGREGATE_KEYS)
    num = numeric_view(table)
    keys = table[AGGREGATE_KEYS].astype(object).where(table[AGGREGATE_KEYS].notna(), None)
    grouped_keys = list(keys.columns)
    base = keys.assign(_one=1).groupby(grouped_keys, dropna=False, sort=False)
    out = base.size().rename("n_total").to_frame()
    usable = num["_usable"]
    out["n"] = keys[usable].assign(_one=1).groupby(grouped_keys, dropna=False, sort=False).size()
    out["n_valid"] = (
        keys[num["_ok"]].assign(_one=1).groupby(grouped_keys, dropna=False, sort=False).size()
    )
    status = table["deterministic_label_status"].astype(str)
    for name in ("ok", "invalid", "unknown"):
        out[f"n_{name}"] = (
            keys[status == name]
            .assign(_one=1)
            .groupby(grouped_keys, dropna=False, sort=False)
            .size()
        )
    out = out.fillna({c: 0 for c in ("n", "n_valid", "n_ok", "n_invalid", "n_unknown")})
    completion = num["benchmark_task_completed"]
    out["benchmark_completion_n"] = (
        pd.concat([keys[usable], completion[usable]], axis=1)
        .groupby(grouped_keys, dropna=False, sort=False)["benchmark_task_completed"]
        .sum()
    )
    out["cross_task_completion_comparable_rate"] = _group_mean(
        num.assign(c=num["_comparable"].astype(float)), usable, keys, ["c"], ""
    )["c"]
    # slice facts per (scenario, profile, model)
    slices = completeness.groupby(["scenario", "variant_profile", "model_under_test"], sort=False)
    facts = pd.DataFrame(
        {
            "complete_repeat_count": slices["incomplete"].apply(
                lambda s: int((~s.astype(bool)).sum())
            ),
            "incomplete_repeat_count": slices["incomplete"].apply(
                lambda s: int(s.astype(bool).sum())
            ),
            "min_observed_sample_count": slices["observed_sample_count"].min(),
            "max_observed_sample_count": slices["observed_sample_count"].max(),
            "expected_sample_count_per_repeat": slices["expected_sample_count"].max(),
        }
    )
    facts["has_incomplete_slice"] = facts["incomplete_repeat_count"] > 0
    out = out.reset_index()
    out = out.merge(
        facts.reset_index(), on=["scenario", "variant_profile", "model_under_test"], how="left"
    )
    out = out.set_index(grouped_keys)
    all_rows = pd.Series(True, index=table.index)
    errs = pd.concat([keys, num[["_sample_error", "_provider_error", "_loop"]]], axis=1).groupby(
        grouped_keys, dropna=False, sort=False
    )
    out["sample_error_count"] = errs["_sample_error"].sum().astype(int)
    out["provider_error_count"] = errs["_provider_error"].sum().astype(int)
    out["loop_terminated_rate"] = errs["_loop"].mean()
    dims = (
        pd.concat([keys, table[list(VARIANT_DIMENSION_FIELDS)]], axis=1)
        .groupby(grouped_keys, dropna=False, sort=False)
        .first()
    )
    out = out.join(dims)
    for field in OUTCOME_FIELDS:
        out[f"{field}_headline_rate"] = _group_mean(num, num["_headline"], keys, [field], "")[field]
        out[f"{field}_ok_only_rate"] = _group_mean(num, num["_ok"], keys, [field], "")[field]
        out[f"{field}_rate"] = _group_mean(num, usable, keys, [field], "")[field]
        if field in ADJUDICABLE_OUTCOMES:
            adj = f"adjusted_{field}"
            out[f"{field}_adjusted_headline_rate"] = _group_mean(
                num, num["_headline"], keys, [adj], ""
            )[adj]
            sums = (
                pd.concat([keys[num["_headline"]], num.loc[num["_headline"], [field, adj]]], axis=1)
                .groupby(grouped_keys, dropna=False, sort=False)
                .agg(["sum", "count"])
            )
            for label, column in (("headline", field), ("adjusted_headline", adj)):
                k = sums[(column, "sum")].reindex(out.index)
                n = sums[(column, "count")].reindex(out.index)
                bounds = [
                    wilson_interval(int(a), int(b)) if pd.notna(b) and b > 0 else (np.nan, np.nan)
                    for a, b in zip(k.fillna(0), n.fillna(0), strict=True)
                ]
                out[f"{field}_{label}_wilson_low"] = [lo for lo, _ in bounds]
                out[f"{field}_{label}_wilson_high"] = [hi for _, hi in bounds]
    comp = num.assign(_c=num["benchmark_task_completed"])
    out["cross_task_completion_comparable_headline_rate"] = _group_mean(
        comp, num["_headline"] & num["_comparable"], keys, ["_c"], ""
    )["_c"]
    out["cross_task_completion_comparable_ok_only_rate"] = _group_mean(
        comp, num["_ok"] & num["_comparable"], keys, ["_c"], ""
    )["_c"]
    modes = table["completion_mode"].astype(str)
    for mode in COMPLETION_MODES:
        flag = num.assign(_m=(modes == mode).astype(float))
        out[f"completion_mode_{mode}_count"] = (
            pd.concat([keys[usable], flag.loc[usable, "_m"]], axis=1)
            .groupby(grouped_keys, dropna=False, sort=False)["_m"]
            .sum()
        )
        out[f"completion_mode_{mode}_rate"] = _group_mean(flag, usable, keys, ["_m"], "")["_m"]
    metric_frame = pd.concat([keys[usable], num.loc[usable, list(COUNT_METRICS)]], axis=1)
    g = metric_frame.groupby(grouped_keys, dropna=False, sort=False)
    stats = {
        "mean": g.mean(),
        "std": g.std(),
        "stderr": g.sem(),
        "median": g.median(),
        "p25": g.quantile(0.25),
        "p75": g.quantile(0.75),
    }
    for metric in COUNT_METRICS:
        for stat in METRIC_STATS:
            out[f"{metric}_{stat}"] = stats[stat][metric]
        if metric in TRIMMED_MEAN_METRICS:
            out[f"{metric}_trimmed_mean"] = g[metric].apply(
                lambda s: trimmed_mean(s.to_numpy(dtype=float))
            )
    for metric in BOOLEAN_METRICS:
        out[f"{metric}_rate"] = _group_mean(num, usable, keys, [metric], "")[metric]
    del all_rows
    out = out.reset_index()
    int_cols = [
        "n_total",
        "n",
        "n_valid",
        "n_ok",
        "n_invalid",
        "n_unknown",
        "benchmark_completion_n",
    ] + [f"completion_mode_{m}_count" for m in COMPLETION_MODES]
    for column in int_cols:
        out[column] = out[column].fillna(0).astype(int)
    return out
