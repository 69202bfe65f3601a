"""Wilson intervals (analysis.md §5 reference table), bootstraps, McNemar, trimmed means."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from inspect_ic.analysis.stats import (
    cluster_bootstrap_mean,
    mcnemar_exact_p,
    percentile_ci,
    stratified_macro_bootstrap,
    trimmed_mean,
    wilson_interval,
    wilson_intervals,
)

REFERENCE = [
    (86, 1680, 5.12, 4.16, 6.28),
    (29, 168, 17.26, 12.30, 23.69),
    (0, 168, 0.00, 0.00, 2.24),
    (37, 210, 17.62, 13.06, 23.34),
    (13, 18, 72.22, 49.13, 87.50),
    (4, 18, 22.22, 9.00, 45.21),
]


@pytest.mark.parametrize(("k", "n", "pct", "low", "high"), REFERENCE)
def test_wilson_reference_values(k: int, n: int, pct: float, low: float, high: float) -> None:
    lo, hi = wilson_interval(k, n)
    assert round(100 * k / n, 2) == pct
    assert (round(100 * lo, 2), round(100 * hi, 2)) == (low, high)


def test_wilson_matches_spec_formula() -> None:
    z = 1.959964
    for k, n, *_ in REFERENCE:
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        lo, hi = wilson_interval(k, n)
        assert lo == pytest.approx(max(0.0, centre - half), abs=1e-9)
        assert hi == pytest.approx(min(1.0, centre + half), abs=1e-9)


def test_wilson_vectorised_and_empty() -> None:
    k = np.array([86, 0, 3])
    n = np.array([1680, 168, 0])
    low, high = wilson_intervals(k, n)
    assert low[0] == pytest.approx(wilson_interval(86, 1680)[0])
    assert high[1] == pytest.approx(wilson_interval(0, 168)[1])
    assert np.isnan(low[2]) and np.isnan(high[2])
    assert all(np.isnan(wilson_interval(0, 0)))


def test_cluster_bootstrap_is_seed_stable() -> None:
    sums = np.array([1.0, -1.0, 2.0, 0.0, 3.0])
    counts = np.array([3.0, 3.0, 3.0, 3.0, 3.0])
    a = cluster_bootstrap_mean(sums, counts, b=500, seed=7)
    b = cluster_bootstrap_mean(sums, counts, b=500, seed=7)
    c = cluster_bootstrap_mean(sums, counts, b=500, seed=8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    low, high = percentile_ci(a)
    assert low <= sums.sum() / counts.sum() <= high
    assert cluster_bootstrap_mean([], [], b=10).size == 0


def test_stratified_macro_bootstrap_shape_and_centre() -> None:
    strata = [
        (np.array([[1.0], [0.0], [2.0]]), np.array([3.0, 3.0, 3.0])),
        (np.array([[0.0], [0.0]]), np.array([4.0, 4.0])),
    ]
    draws = stratified_macro_bootstrap(strata, b=2000, seed=1)
    assert draws.shape == (2000, 1)
    macro = (3 / 9 + 0) / 2
    assert draws.mean() == pytest.approx(macro, abs=0.02)
    assert np.array_equal(draws, stratified_macro_bootstrap(strata, b=2000, seed=1))


def test_mcnemar_exact() -> None:
    assert mcnemar_exact_p(0, 0) == 1.0
    assert mcnemar_exact_p(33, 0) == pytest.approx(sps.binomtest(0, 33, 0.5).pvalue)
    assert mcnemar_exact_p(6, 4) == pytest.approx(sps.binomtest(4, 10, 0.5).pvalue)


def test_trimmed_mean_matches_scipy() -> None:
    rng = np.random.default_rng(0)
    for size in (1, 5, 9, 10, 23, 100):
        values = rng.integers(0, 20, size=size).astype(float)
        assert trimmed_mean(values) == pytest.approx(sps.trim_mean(values, 0.1))
    assert np.isnan(trimmed_mean(np.array([np.nan])))


def test_wilson_all_successes_upper_bound_is_exactly_one() -> None:
    # statsmodels gives 0.9999999999999999 for 4/4 and 24/24, below the point estimate 1.0.
    assert wilson_interval(4, 4) == (0.5101091596030783, 1.0)
    assert wilson_interval(24, 24) == (0.862023793448672, 1.0)
    assert wilson_interval(0, 4) == (0.0, 0.48989084039692155)
    assert wilson_interval(0, 24) == (0.0, 0.137976206551328)


def test_wilson_bounds_contain_the_point_estimate_exactly() -> None:
    ks, ns = [], []
    for n in range(1, 51):
        for k in range(n + 1):
            lo, hi = wilson_interval(k, n)
            assert 0.0 <= lo <= k / n <= hi <= 1.0, (k, n, lo, hi)
            assert (lo == 0.0) == (k == 0) and (hi == 1.0) == (k == n), (k, n, lo, hi)
            ks.append(k)
            ns.append(n)
    low, high = wilson_intervals(np.array(ks), np.array(ns))
    p = np.array(ks) / np.array(ns)
    assert bool(np.all(low <= p)) and bool(np.all(p <= high))
