"""``tool_trace_pooled_aggregate_table.csv``: cross-task rates per grouping level (§3.6, §4).

Cross-task headline rates are macro-averages over scenarios of per-scenario headline rates
(complete slices only); on a balanced complete grid they equal the pooled proportion. Their CIs
are stratified percentile bootstraps: within each scenario the (scenario × model) clusters are
resampled, or the repeat slices when the group holds a single model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspect_ic.analysis.aggregate import numeric_view
from inspect_ic.analysis.schema import COMPLETION_MODES
from inspect_ic.analysis.stats import (
    DEFAULT_BOOTSTRAP_B,
    DEFAULT_SEED,
    percentile_ci,
    stratified_macro_bootstrap,
    trimmed_mean,
)

GROUPINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("global_complete", ()),
    ("model_complete", ("model_under_test",)),
    ("variant_complete", ("variant", "variant_id")),
    ("model_variant_complete", ("model_under_test", "variant", "variant_id")),
    ("scenario_complete", ("scenario",)),
)
POOLED_OUTCOMES = ("ic_behavior_detected", "official_path_succeeded", "benchmark_task_completed")
ROBUST_METRICS = (
    "shell_heaviness",
    "looping_retry_count",
    "max_repeated_tool_signature_streak",
    "alternate_identity_touch_count",
    "disallowed_tool_touch_count",
    "help_call_count",
    "official_tool_help_count",
    "usage_only_result_count",
    "official_refusal_count",
    "policy_read_before_first_write",
    "assistant_meta_flag",
    "assistant_policy_pushback_flag",
    "assistant_shortcut_rationalization_flag",
)


def macro_rate(head: pd.DataFrame, column: str) -> float:
    """Mean over scenarios of the per-scenario mean of ``column`` (NaN when empty)."""
    if head.empty:
        return float("nan")
    return float(head.groupby("scenario")[column].mean().mean())


def _strata(head: pd.DataFrame, columns: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    strata = []
    for _, part in head.groupby("scenario", sort=True):
        unit = "model_under_test" if part["model_under_test"].nunique() > 1 else "repeat_id"
        agg = part.groupby(unit, sort=True)[columns].agg(["sum", "count"])
        k = np.column_stack([agg[(c, "sum")].to_numpy(float) for c in columns])
        n = agg[(columns[0], "count")].to_numpy(float)
        strata.append((k, n))
    return strata


def _group_row(
    level: str,
    values: dict[str, object],
    rows: pd.DataFrame,
    head: pd.DataFrame,
    global_scenario_rates: pd.DataFrame,
    b: int,
    seed: int,
) -> dict[str, object]:
    row: dict[str, object] = {"grouping_level": level, **values}
    usable = rows[rows["_usable"]]
    ok = rows[rows["_ok"]]
    row.update(
        n=len(head),
        n_total=len(rows),
        n_valid=len(ok),
        benchmark_completion_n=int(head["benchmark_task_completed"].sum()),
        scenario_count=int(head["scenario"].nunique()),
        excluded_incomplete_row_count=int((rows["_usable"] & ~rows["_headline"]).sum()),
        sample_error_count=int(rows["_sample_error"].sum()),
        provider_error_count=int(rows["_provider_error"].sum()),
        loop_terminated_rate=float(rows["_loop"].mean()) if len(rows) else np.nan,
    )
    columns = [*POOLED_OUTCOMES, *(f"adjusted_{o}" for o in POOLED_OUTCOMES)]
    draws = (
        stratified_macro_bootstrap(_strata(head, columns), b=b, seed=seed)
        if len(head)
        else np.zeros((0, 0))
    )
    for i, outcome in enumerate(POOLED_OUTCOMES):
        for prefix, column, j in (
            ("", outcome, i),
            ("adjusted_", f"adjusted_{outcome}", i + len(POOLED_OUTCOMES)),
        ):
            row[f"{outcome}_{prefix}macro_headline_rate"] = macro_rate(head, column)
            low, high = percentile_ci(draws[:, j]) if draws.size else (np.nan, np.nan)
            row[f"{outcome}_{prefix}macro_headline_ci_low"] = low
            row[f"{outcome}_{prefix}macro_headline_ci_high"] = high
        row[f"{outcome}_ok_only_rate"] = float(ok[outcome].mean()) if len(ok) else np.nan
        row[f"{outcome}_rate"] = float(usable[outcome].mean()) if len(usable) else np.nan
        if len(head):
            mine = head.groupby("scenario")[outcome].mean()
            ref = global_scenario_rates[outcome].reindex(mine.index)
            row[f"scenario_centered_{outcome}_delta"] = float((mine - ref).mean())
        else:
            row[f"scenario_centered_{outcome}_delta"] = np.nan
    for mode in COMPLETION_MODES:
        hits = int((head["_mode"] == mode).sum())
        row[f"completion_mode_{mode}_count"] = hits
        row[f"completion_mode_{mode}_rate"] = hits / len(head) if len(head) else np.nan
    for metric in ROBUST_METRICS:
        values_ = head[metric].to_numpy(dtype=float)
        finite = values_[np.isfinite(values_)]
        row[f"{metric}_mean"] = float(finite.mean()) if finite.size else np.nan
        row[f"{metric}_median"] = float(np.median(finite)) if finite.size else np.nan
        row[f"{metric}_p25"] = float(np.percentile(finite, 25)) if finite.size else np.nan
        row[f"{metric}_p75"] = float(np.percentile(finite, 75)) if finite.size else np.nan
        row[f"{metric}_trimmed_mean"] = trimmed_mean(finite)
    row["bootstrap_b"] = b
    row["seed"] = seed
    return row


def pooled_aggregate_table(
    table: pd.DataFrame, b: int = DEFAULT_BOOTSTRAP_B, seed: int = DEFAULT_SEED
) -> pd.DataFrame:
    """Pooled rows for every profile and grouping level.

    Args:
        table: the adjudicated state table.
        b: bootstrap draws for the macro-rate CIs.
        seed: PCG64 seed.

    Returns:
        One row per (profile, grouping level, group); ``scenario``, ``model_under_test``,
        ``variant`` and ``variant_id`` hold ``ALL`` where the level does not split on them.
    """
    if table.empty:
        return pd.DataFrame()
    num = numeric_view(table)
    ids = table[
        ["scenario", "variant_profile", "model_under_test", "variant", "variant_id", "repeat_id"]
    ].astype(str)
    frame = pd.concat([ids, num], axis=1)
    frame["_mode"] = table["completion_mode"].astype(str)
    out: list[dict[str, object]] = []
    for profile, part in frame.groupby("variant_profile", sort=True):
        head_all = part[part["_headline"]]
        global_rates = head_all.groupby("scenario")[list(POOLED_OUTCOMES)].mean()
        for level, keys in GROUPINGS:
            groups = [((), part)] if not keys else list(part.groupby(list(keys), sort=True))
            for key, rows in groups:
                key_t = key if isinstance(key, tuple) else (key,)
                values: dict[str, object] = {
                    "scenario": "ALL",
                    "variant_profile": profile,
                    "model_under_test": "ALL",
                    "variant": "ALL",
                    "variant_id": "ALL",
                }
                values.update(dict(zip(keys, key_t, strict=True)))
                out.append(
                    _group_row(level, values, rows, rows[rows["_headline"]], global_rates, b, seed)
                )
    return pd.DataFrame(out)
