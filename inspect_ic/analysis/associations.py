"""Outcome associations of trace metrics (analysis.md §3.6; exploratory).

Numeric metrics get a Spearman correlation with each 0/1 outcome, boolean metrics a risk
difference P(outcome | metric) − P(outcome | ¬metric). Rows: complete slices and ``ok`` labels
only; outcomes are the adjusted labels. CIs are percentile bootstraps over rows: one resample
matrix per scope is shared by every metric and outcome, and each statistic is computed from
per-draw joint counts over the distinct values (so ties are ranked exactly as in a resample).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy import stats as sps

from inspect_ic.analysis.aggregate import numeric_view
from inspect_ic.analysis.schema import (
    ASSOCIATION_COLUMNS,
    ASSOCIATION_OUTCOMES,
    BOOLEAN_METRICS,
    COUNT_METRICS,
)
from inspect_ic.analysis.stats import DEFAULT_ASSOCIATION_B, DEFAULT_SEED, percentile_ci, rng


def resample_weights(n: int, b: int, seed: int) -> np.ndarray:
    """How often each of ``n`` rows appears in each of ``b`` bootstrap resamples: ``(b, n)``."""
    if n == 0:
        return np.zeros((b, 0))
    idx = rng(seed).integers(0, n, size=(b, n))
    flat = idx + (np.arange(b)[:, None] * n)
    return np.bincount(flat.ravel(), minlength=b * n).reshape(b, n).astype(float)


def _joint_counts(codes: np.ndarray, size: int, weights: np.ndarray) -> np.ndarray:
    """Per-draw counts of each joint code, ``(b, size)``: the resample weights summed per code
    (a sparse one-hot product, O(b · n))."""
    n = len(codes)
    onehot = sparse.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, size))
    return np.asarray((onehot.T @ weights.T).T)


def _spearman_from_counts(counts: np.ndarray, ux: int) -> np.ndarray:
    """Spearman rho per draw from joint counts over (x value, y ∈ {0, 1}); ``counts`` (b, ux*2)."""
    c = counts.reshape(counts.shape[0], ux, 2).astype(float)
    cx = c.sum(axis=2)
    cy = c.sum(axis=1)
    n = cx.sum(axis=1, keepdims=True)
    rank_x = np.cumsum(cx, axis=1) - (cx - 1) / 2
    rank_y = np.cumsum(cy, axis=1) - (cy - 1) / 2
    mean = (n + 1) / 2
    dx = rank_x - mean
    dy = rank_y - mean
    cov = np.einsum("bij,bi,bj->b", c, dx, dy)
    var_x = (cx * dx**2).sum(axis=1)
    var_y = (cy * dy**2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho: np.ndarray = cov / np.sqrt(var_x * var_y)
    return rho


def _risk_difference_from_counts(counts: np.ndarray) -> np.ndarray:
    """Risk difference per draw from joint counts over (metric ∈ {0,1}, y ∈ {0,1})."""
    c = counts.reshape(counts.shape[0], 2, 2).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1 = c[:, 1, 1] / c[:, 1, :].sum(axis=1)
        p0 = c[:, 0, 1] / c[:, 0, :].sum(axis=1)
    diff: np.ndarray = p1 - p0
    return diff


def _scope_rows(
    scope: str, profile: str, frame: pd.DataFrame, b: int, seed: int
) -> list[dict[str, object]]:
    n = len(frame)
    rows: list[dict[str, object]] = []
    weights = resample_weights(n, b, seed)
    for outcome in ASSOCIATION_OUTCOMES:
        y = frame[f"adjusted_{outcome}"].to_numpy(dtype=int)
        for metric in COUNT_METRICS + BOOLEAN_METRICS:
            x = frame[metric].to_numpy(dtype=float)
            ok = np.isfinite(x)
            kind = "risk_difference" if metric in BOOLEAN_METRICS else "spearman"
            row: dict[str, object] = {
                "scope": scope,
                "variant_profile": profile,
                "metric": metric,
                "outcome": outcome,
                "kind": kind,
                "n_valid": int(ok.sum()),
                "bootstrap_b": b,
                "seed": seed,
            }
            estimate = low = high = np.nan
            if ok.sum() >= 3 and len(np.unique(y[ok])) > 1 and len(np.unique(x[ok])) > 1:
                if kind == "spearman":
                    estimate = float(sps.spearmanr(x[ok], y[ok]).statistic)
                    values, codes = np.unique(x, return_inverse=True)
                    joint = codes * 2 + y
                    counts = _joint_counts(joint, len(values) * 2, weights)
                    if not ok.all():
                        counts = counts.reshape(b, len(values), 2)[
                            :, np.isfinite(values), :
                        ].reshape(b, -1)
                        values = values[np.isfinite(values)]
                    draws = _spearman_from_counts(counts, len(values))
                else:
                    xb = (x > 0).astype(int)
                    estimate = float(y[xb == 1].mean() - y[xb == 0].mean())
                    draws = _risk_difference_from_counts(_joint_counts(xb * 2 + y, 4, weights))
                low, high = percentile_ci(draws)
            row.update(estimate=estimate, ci_low=low, ci_high=high)
            rows.append(row)
    return rows


def association_tables(
    table: pd.DataFrame, b: int = DEFAULT_ASSOCIATION_B, seed: int = DEFAULT_SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-scenario and pooled association tables.

    Args:
        table: the adjudicated state table.
        b: bootstrap draws per scope (default 1,000).
        seed: PCG64 seed.

    Returns:
        ``(per_scenario, pooled)``, both with
        :data:`~inspect_ic.analysis.schema.ASSOCIATION_COLUMNS`; ``scope`` is the scenario name, or
        ``ALL`` in the pooled table (one block per profile).
    """
    empty = pd.DataFrame(columns=list(ASSOCIATION_COLUMNS))
    if table.empty:
        return empty, empty.copy()
    num = numeric_view(table)
    frame = pd.concat([table[["scenario", "variant_profile"]].astype(str), num], axis=1)
    frame = frame[frame["_headline"] & frame["_ok"]]
    for outcome in ASSOCIATION_OUTCOMES:
        frame[f"adjusted_{outcome}"] = frame[f"adjusted_{outcome}"].astype(int)
    per: list[dict[str, object]] = []
    pooled: list[dict[str, object]] = []
    for profile, part in frame.groupby("variant_profile", sort=True):
        for scenario, sub in part.groupby("scenario", sort=True):
            per += _scope_rows(str(scenario), str(profile), sub, b, seed)
        pooled += _scope_rows("ALL", str(profile), part, b, seed)
    return (
        pd.DataFrame(per, columns=list(ASSOCIATION_COLUMNS)),
        pd.DataFrame(pooled, columns=list(ASSOCIATION_COLUMNS)),
    )
