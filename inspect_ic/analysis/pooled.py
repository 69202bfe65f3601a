"""``tool_trace_pooled_aggregate_table.csv``: cross-task rates per grouping level (§3.6, §4).

Cross-task headline rates are macro-averages over scenarios of per-scenario headline rates
(complete slices only); on a balanced complete grid they equal the pooled proportion. Their CIs
are stratified percentile bootstraps: within each scenario the (scenario × model) clusters are
resampled, or the repeat slices when the group holds a single model.
"""

from __future__ import annotations

import warnings
from typing import Any

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
_COLUMNS = [*POOLED_OUTCOMES, *(f"adjusted_{o}" for o in POOLED_OUTCOMES)]


class _Arrays:
    """Column arrays of the numeric view plus integer codes for scenario, model and repeat."""

    def __init__(self, table: pd.DataFrame):
        num = numeric_view(table)
        self.y = num[_COLUMNS].to_numpy(dtype=float)
        self.usable = num["_usable"].to_numpy()
        self.headline = num["_headline"].to_numpy()
        self.ok = num["_ok"].to_numpy()
        self.loop = num["_loop"].to_numpy()
        self.sample_error = num["_sample_error"].to_numpy()
        self.provider_error = num["_provider_error"].to_numpy()
        self.metrics = num[list(ROBUST_METRICS)].to_numpy(dtype=float)
        self.modes = table["completion_mode"].astype(str).to_numpy()
        self.scenario, self.scenarios = pd.factorize(table["scenario"].astype(str))
        self.model, _ = pd.factorize(table["model_under_test"].astype(str))
        self.repeat, _ = pd.factorize(table["repeat_id"].astype(str))


def _per_scenario(a: _Arrays, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(scenario codes present, row counts, outcome sums (scenarios × 6)) for ``rows``."""
    codes = a.scenario[rows]
    present = np.unique(codes)
    counts = np.bincount(codes, minlength=len(a.scenarios))[present].astype(float)
    sums = np.column_stack(
        [
            np.bincount(codes, weights=a.y[rows, j], minlength=len(a.scenarios))[present]
            for j in range(a.y.shape[1])
        ]
    )
    return present, counts, sums


def _strata(a: _Arrays, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    strata = []
    codes = a.scenario[rows]
    for s in np.unique(codes):
        part = rows[codes == s]
        unit_source = a.model if len(np.unique(a.model[part])) > 1 else a.repeat
        units, inverse = np.unique(unit_source[part], return_inverse=True)
        n = np.bincount(inverse, minlength=len(units)).astype(float)
        k = np.column_stack(
            [
                np.bincount(inverse, weights=a.y[part, j], minlength=len(units))
                for j in range(a.y.shape[1])
            ]
        )
        strata.append((k, n))
    return strata


def _group_row(
    a: _Arrays, rows: np.ndarray, reference: dict[int, np.ndarray], b: int, seed: int
) -> dict[str, Any]:
    head = rows[a.headline[rows]]
    usable = rows[a.usable[rows]]
    ok = rows[a.ok[rows]]
    row: dict[str, Any] = {
        "n": len(head),
        "n_total": len(rows),
        "n_valid": len(ok),
        "benchmark_completion_n": int(a.y[head, 2].sum()),
        "scenario_count": len(np.unique(a.scenario[head])),
        "excluded_incomplete_row_count": int((a.usable[rows] & ~a.headline[rows]).sum()),
        "sample_error_count": int(a.sample_error[rows].sum()),
        "provider_error_count": int(a.provider_error[rows].sum()),
        "loop_terminated_rate": float(a.loop[rows].mean()) if len(rows) else np.nan,
    }
    present, counts, sums = _per_scenario(a, head)
    rates = sums / counts[:, None] if len(present) else np.zeros((0, a.y.shape[1]))
    draws = (
        stratified_macro_bootstrap(_strata(a, head), b=b, seed=seed)
        if len(head)
        else np.zeros((0, 0))
    )
    for i, outcome in enumerate(POOLED_OUTCOMES):
        for prefix, j in (("", i), ("adjusted_", i + len(POOLED_OUTCOMES))):
            row[f"{outcome}_{prefix}macro_headline_rate"] = (
                float(rates[:, j].mean()) if len(present) else np.nan
            )
            low, high = percentile_ci(draws[:, j]) if draws.size else (np.nan, np.nan)
            row[f"{outcome}_{prefix}macro_headline_ci_low"] = low
            row[f"{outcome}_{prefix}macro_headline_ci_high"] = high
        row[f"{outcome}_ok_only_rate"] = float(a.y[ok, i].mean()) if len(ok) else np.nan
        row[f"{outcome}_rate"] = float(a.y[usable, i].mean()) if len(usable) else np.nan
        if len(present):
            ref = np.array([reference[int(s)][i] for s in present])
            row[f"scenario_centered_{outcome}_delta"] = float((rates[:, i] - ref).mean())
        else:
            row[f"scenario_centered_{outcome}_delta"] = np.nan
    for mode in COMPLETION_MODES:
        hits = int((a.modes[head] == mode).sum())
        row[f"completion_mode_{mode}_count"] = hits
        row[f"completion_mode_{mode}_rate"] = hits / len(head) if len(head) else np.nan
    matrix = a.metrics[head]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        stats = {
            "mean": np.nanmean(matrix, axis=0)
            if len(head)
            else np.full(len(ROBUST_METRICS), np.nan),
            "median": np.nanmedian(matrix, axis=0)
            if len(head)
            else np.full(len(ROBUST_METRICS), np.nan),
            "p25": np.nanpercentile(matrix, 25, axis=0)
            if len(head)
            else np.full(len(ROBUST_METRICS), np.nan),
            "p75": np.nanpercentile(matrix, 75, axis=0)
            if len(head)
            else np.full(len(ROBUST_METRICS), np.nan),
        }
    for j, metric in enumerate(ROBUST_METRICS):
        for stat, values in stats.items():
            row[f"{metric}_{stat}"] = float(values[j])
        row[f"{metric}_trimmed_mean"] = trimmed_mean(matrix[:, j])
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
        Rates are proportions in [0, 1].
    """
    if table.empty:
        return pd.DataFrame()
    a = _Arrays(table)
    ids = (
        table[["scenario", "variant_profile", "model_under_test", "variant", "variant_id"]]
        .astype(str)
        .reset_index(drop=True)
    )
    out: list[dict[str, Any]] = []
    for profile, profile_idx in ids.groupby("variant_profile", sort=True).indices.items():
        head_all = profile_idx[a.headline[profile_idx]]
        present, counts, sums = _per_scenario(a, head_all)
        reference = {int(s): sums[i] / counts[i] for i, s in enumerate(present)}
        sub = ids.iloc[profile_idx]
        for level, keys in GROUPINGS:
            groups = (
                {(): np.arange(len(sub))}
                if not keys
                else sub.groupby(list(keys), sort=True).indices
            )
            for key, local in groups.items():
                key_t = key if isinstance(key, tuple) else (key,)
                row: dict[str, Any] = {
                    "grouping_level": level,
                    "scenario": "ALL",
                    "variant_profile": profile,
                    "model_under_test": "ALL",
                    "variant": "ALL",
                    "variant_id": "ALL",
                }
                row.update(dict(zip(keys, key_t, strict=True)))
                row.update(_group_row(a, profile_idx[local], reference, b, seed))
                out.append(row)
    return pd.DataFrame(out)
