"""Statistics: Wilson intervals, cluster bootstraps and exact McNemar tests (analysis.md §5, §6).

Bootstraps use ``numpy``'s PCG64 generator seeded per call, so every estimate is bit-stable for a
given seed and ``B``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats as sps
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

Z95 = 1.959964
DEFAULT_SEED = 20260314
DEFAULT_BOOTSTRAP_B = 10_000
DEFAULT_ASSOCIATION_B = 1_000


def rng(seed: int) -> np.random.Generator:
    """A fresh PCG64 generator for ``seed``."""
    return np.random.Generator(np.random.PCG64(seed))


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of ``k`` successes in ``n`` trials, as proportions in [0, 1].

    Uses ``statsmodels``' Wilson method with ``alpha`` matching ``z`` (default 95 %), then makes
    the bounds exact where floating point would not: ``0 <= lower <= k/n <= upper <= 1``, the
    lower bound is exactly 0 when ``k`` is 0 and the upper bound exactly 1 when ``k == n``
    (statsmodels gives 0.9999999999999999 for 4/4, below the point estimate).
    Reference values (analysis.md §5): 86/1680 → [0.0416, 0.0628]; 0/168 → [0, 0.0224].

    Returns:
        ``(nan, nan)`` when ``n`` is 0.
    """
    low, high = wilson_intervals(np.array([k]), np.array([n]), z)
    return (float(low[0]), float(high[0]))


def wilson_intervals(k: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`wilson_interval`: arrays of lower and upper bounds (NaN where n = 0)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    ok = n > 0
    if ok.any():
        alpha = 2 * (1 - sps.norm.cdf(z))
        kk, nn = k[ok], n[ok]
        lo, hi = proportion_confint(kk, nn, alpha=alpha, method="wilson")
        p = kk / nn
        lo = np.clip(np.minimum(np.asarray(lo, dtype=float), p), 0.0, 1.0)
        hi = np.clip(np.maximum(np.asarray(hi, dtype=float), p), 0.0, 1.0)
        lo[kk <= 0] = 0.0
        hi[kk >= nn] = 1.0
        low[ok] = lo
        high[ok] = hi
    return low, high


def percentile_ci(draws: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of bootstrap draws (NaN draws dropped)."""
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return (float("nan"), float("nan"))
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return (float(low), float(high))


def cluster_bootstrap_mean(
    sums: Sequence[float] | np.ndarray,
    counts: Sequence[float] | np.ndarray,
    b: int = DEFAULT_BOOTSTRAP_B,
    seed: int = DEFAULT_SEED,
) -> np.ndarray:
    """Bootstrap draws of a ratio of sums, resampling clusters with replacement.

    Args:
        sums: per-cluster sums of the quantity (e.g. Σ d over a cluster's matched cells).
        counts: per-cluster numbers of units.
        b: number of bootstrap draws.
        seed: PCG64 seed.

    Returns:
        ``b`` draws of Σ sums* / Σ counts* (empty when there are no clusters).
    """
    s = np.asarray(sums, dtype=float)
    c = np.asarray(counts, dtype=float)
    if s.size == 0:
        return np.array([])
    idx = rng(seed).integers(0, s.size, size=(b, s.size))
    num = s[idx].sum(axis=1)
    den = c[idx].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio: np.ndarray = num / den
    return ratio


def stratified_macro_bootstrap(
    strata: Sequence[tuple[np.ndarray, np.ndarray]],
    b: int = DEFAULT_BOOTSTRAP_B,
    seed: int = DEFAULT_SEED,
) -> np.ndarray:
    """Bootstrap draws of macro rates (mean over strata of per-stratum k/n).

    Each stratum (a scenario) is a pair ``(k, n)``: ``k`` has shape ``(units, m)`` (successes of
    ``m`` outcomes per resampling unit, e.g. per model) and ``n`` shape ``(units,)``. Units are
    resampled with replacement within their stratum; one resample serves all ``m`` outcomes.

    Returns:
        Array ``(b, m)`` of macro-rate draws (``(0, 0)`` when there are no strata).
    """
    if not strata:
        return np.zeros((0, 0))
    generator = rng(seed)
    total = np.zeros((b, strata[0][0].shape[1]))
    for k, n in strata:
        idx = generator.integers(0, len(n), size=(b, len(n)))
        with np.errstate(invalid="ignore", divide="ignore"):
            total += k[idx].sum(axis=1) / n[idx].sum(axis=1)[:, None]
    return total / len(strata)


def mcnemar_exact_p(treatment_only: int, base_only: int) -> float:
    """Exact (binomial) McNemar p-value from the two discordant counts; 1.0 if both are 0."""
    if treatment_only + base_only == 0:
        return 1.0
    table = [[0, treatment_only], [base_only, 0]]
    return float(mcnemar(table, exact=True).pvalue)


def trimmed_mean(values: np.ndarray, proportion: float = 0.1) -> float:
    """Mean after cutting ``int(proportion · n)`` of the finite values at each end.

    Same definition as ``scipy.stats.trim_mean`` (tested against it), without its per-call
    overhead, which dominates when thousands of small groups are summarised. NaN if empty.
    """
    finite = np.sort(values[np.isfinite(values)])
    n = finite.size
    if n == 0:
        return float("nan")
    cut = int(proportion * n)
    return float(finite[cut : n - cut].mean())
