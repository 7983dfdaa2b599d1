"""Confidence intervals for the KPI values, vectorised over groups.

Every function takes the sufficient statistics of each group as arrays (or scalars),
returns an :class:`Interval` of float64 arrays, and gives NaN where a quantity is
undefined (n = 0, or n < 2 for a t interval) instead of warning or raising.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special
from scipy import stats as sps

from kundepuls.stats._common import (
    FloatArray,
    Interval,
    as_arrays,
    check_at_most,
    check_level,
    check_nonnegative,
    nan_array,
    z_critical,
)

__all__ = [
    "mean_bootstrap",
    "mean_t",
    "median_order_stat",
    "median_rank_bounds",
    "nps",
    "poisson",
    "wilson",
]


def nps(n: Any, promoters: Any, detractors: Any, level: float = 0.95) -> Interval:
    """Net Promoter Score with its normal-approximation interval.

    ``value = 100 (p - d)`` with shares ``p = promoters / n`` and ``d = detractors / n``;
    the bounds are ``value ± z 100 sqrt((p + d - (p - d)^2) / n)``, clipped to
    [-100, 100]. The variance is the delta-method variance of the NPS, which equals the
    variance of the per-respondent score in {-100, 0, 100} divided by n. When everyone
    gave the same kind of answer (all promoters, say) the variance is zero and the
    interval collapses to the value; flag such small groups with :func:`low_sample`.

    Parameters
    ----------
    n, promoters, detractors : array_like
        Number of NPS answers, of 9–10 answers and of 0–6 answers per group.
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    Interval
        NPS in points (-100 … 100) with its bounds; NaN where n = 0.

    Examples
    --------
    >>> r = nps([200], [90], [30])
    >>> float(r.value[0]), round(float(r.low[0]), 2), round(float(r.high[0]), 2)
    (30.0, 20.1, 39.9)
    """
    z = z_critical(level)
    n_, pro, det = as_arrays(n, promoters, detractors)
    for name, arr in (("n", n_), ("promoters", pro), ("detractors", det)):
        check_nonnegative(name, arr)
    check_at_most("promoters + detractors", pro + det, "n", n_)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n_ > 0, pro / n_, np.nan)
        d = np.where(n_ > 0, det / n_, np.nan)
        value = np.where(n_ > 0, 100.0 * (pro - det) / n_, np.nan)
        variance = np.maximum(p + d - (p - d) ** 2, 0.0)
        half = z * 100.0 * np.sqrt(variance / n_)
    return Interval(
        value=value,
        low=np.clip(value - half, -100.0, 100.0),
        high=np.clip(value + half, -100.0, 100.0),
    )


def wilson_shares(
    n: FloatArray, successes: FloatArray, z: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Share and Wilson bounds as fractions in [0, 1]; NaN where n = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, successes / n, np.nan)
        z2n = z * z / n
        center = (share + z2n / 2.0) / (1.0 + z2n)
        half = z / (1.0 + z2n) * np.sqrt(share * (1.0 - share) / n + z2n / (4.0 * n))
    low = np.clip(center - half, 0.0, 1.0)
    high = np.clip(center + half, 0.0, 1.0)
    # Rounding can leave 1e-17 instead of the exact bound at 0 % and 100 %.
    low = np.where(successes == 0, 0.0, low)
    high = np.where(successes == n, 1.0, high)
    nan = ~(n > 0)
    low[nan] = np.nan
    high[nan] = np.nan
    return share, low, high


def wilson(n: Any, successes: Any, scale: float = 100.0, level: float = 0.95) -> Interval:
    """Share with the Wilson score interval (Wilson 1927).

    The Wilson interval inverts the score test, so it stays inside [0, 1], is never
    zero-width at 0 % or 100 %, and keeps close to its nominal coverage for small n,
    unlike the Wald interval.

    Parameters
    ----------
    n, successes : array_like
        Number of units and of units that meet the condition, per group.
    scale : float
        Multiplier of the share, 100 for a percentage (default) or 1 for a fraction.
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    Interval
        ``scale * successes / n`` with its bounds; NaN where n = 0.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22(158), 209–212.

    Examples
    --------
    >>> r = wilson([50], [40])
    >>> float(r.value[0]), round(float(r.low[0]), 2), round(float(r.high[0]), 2)
    (80.0, 66.96, 88.76)
    """
    z = z_critical(level)
    n_, s = as_arrays(n, successes)
    check_nonnegative("n", n_)
    check_nonnegative("successes", s)
    check_at_most("successes", s, "n", n_)
    share, low, high = wilson_shares(n_, s, z)
    return Interval(value=share * scale, low=low * scale, high=high * scale)


def mean_t(n: Any, mean: Any, sd: Any, level: float = 0.95) -> Interval:
    """Mean with Student's t interval.

    Bounds are ``mean ± t_{n-1} sd / sqrt(n)`` with the sample standard deviation
    (ddof = 1). With n = 1 the value is the single observation and the bounds are NaN;
    with sd = 0 the interval collapses to the mean.

    Parameters
    ----------
    n, mean, sd : array_like
        Count, mean and sample standard deviation (ddof = 1) per group.
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    Interval
        The mean with its bounds; NaN value where n = 0, NaN bounds where n < 2.

    Examples
    --------
    >>> r = mean_t([25], [4.2], [0.9])
    >>> round(float(r.low[0]), 3), round(float(r.high[0]), 3)
    (3.828, 4.572)
    """
    level = check_level(level)
    n_, m, s = as_arrays(n, mean, sd)
    check_nonnegative("n", n_)
    check_nonnegative("sd", s)
    value = np.where(n_ > 0, m, np.nan)
    ok = (n_ >= 2) & np.isfinite(m) & np.isfinite(s)
    low, high = nan_array(len(n_)), nan_array(len(n_))
    if ok.any():
        t = np.asarray(sps.t.ppf(0.5 + level / 2.0, n_[ok] - 1.0), dtype=np.float64)
        half = t * s[ok] / np.sqrt(n_[ok])
        low[ok] = m[ok] - half
        high[ok] = m[ok] + half
    return Interval(value=value, low=low, high=high)


def garwood(count: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Exact central Poisson bounds for counts (Garwood 1936); NaN where count is NaN."""
    alpha = 1.0 - check_level(level)
    low, high = nan_array(len(count)), nan_array(len(count))
    ok = np.isfinite(count)
    k = count[ok]
    # chi2.ppf(q, 2k) / 2 is the gamma quantile with shape k; gammaincinv is that directly.
    with np.errstate(invalid="ignore"):
        low[ok] = np.where(k > 0, special.gammaincinv(np.maximum(k, 1.0), alpha / 2.0), 0.0)
        high[ok] = special.gammaincinv(k + 1.0, 1.0 - alpha / 2.0)
    return low, high


def poisson(count: Any, exposure: Any = None, scale: float = 1.0, level: float = 0.95) -> Interval:
    """Count or rate with the exact (Garwood 1936) Poisson interval.

    The bounds for a count k are ``chi2.ppf(α/2, 2k) / 2`` and
    ``chi2.ppf(1 - α/2, 2k + 2) / 2`` (the lower bound is 0 for k = 0). With an
    exposure the value and bounds are divided by it and multiplied by ``scale``:
    complaints per 100 orders is ``poisson(complaints, exposure=orders, scale=100)``.

    Parameters
    ----------
    count : array_like
        Event count per group.
    exposure : array_like, optional
        Exposure per group (orders, days); NaN result where it is 0.
    scale : float
        Multiplier of the rate, default 1.
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    Interval
        Count (or rate) with its exact bounds.

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28,
    437–442.

    Examples
    --------
    >>> r = poisson([12], exposure=[400], scale=100)
    >>> float(r.value[0]), round(float(r.low[0]), 3), round(float(r.high[0]), 3)
    (3.0, 1.55, 5.24)
    """
    level = check_level(level)
    if exposure is None:
        (c,) = as_arrays(count)
        e = np.ones_like(c)
    else:
        c, e = as_arrays(count, exposure)
        check_nonnegative("exposure", e)
    check_nonnegative("count", c)
    low, high = garwood(c, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(e > 0, scale / e, np.nan)
    return Interval(value=c * factor, low=low * factor, high=high * factor)


def median_rank_bounds(n: Any, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """1-based ranks (l, u) of the order statistics that bound the median.

    ``l`` is the largest rank with ``P(B <= l - 1) <= α/2`` for ``B ~ Binomial(n, 1/2)``
    and ``u = n + 1 - l``, so ``[x_(l), x_(u)]`` covers the population median with
    probability at least ``level`` for any continuous distribution. Both are NaN when
    n is too small for that (n ≤ 5 at 95 %). The ranks depend only on n, so an engine
    can fetch the two order statistics itself.

    Examples
    --------
    >>> low, high = median_rank_bounds([10, 100])
    >>> low.tolist(), high.tolist()
    ([2.0, 40.0], [9.0, 61.0])
    """
    alpha = 1.0 - check_level(level)
    (n_,) = as_arrays(n)
    lo, hi = nan_array(len(n_)), nan_array(len(n_))
    ok = np.isfinite(n_) & (n_ >= 1)
    m = np.floor(n_[ok])
    k = np.asarray(sps.binom.ppf(alpha / 2.0, m, 0.5), dtype=np.float64)
    # ppf gives the smallest k with F(k) >= α/2; the last rank below the tail is k - 1,
    # or k itself when F(k) equals α/2 exactly.
    l_minus_1 = np.where(sps.binom.cdf(k, m, 0.5) <= alpha / 2.0, k, k - 1.0)
    rank = l_minus_1 + 1.0
    valid = rank >= 1.0
    lo_ok, hi_ok = nan_array(len(m)), nan_array(len(m))
    lo_ok[valid] = rank[valid]
    hi_ok[valid] = m[valid] + 1.0 - rank[valid]
    lo[ok], hi[ok] = lo_ok, hi_ok
    return lo, hi


def median_order_stat(groups: Sequence[npt.ArrayLike], level: float = 0.95) -> Interval:
    """Median of each group with a distribution-free order-statistic interval.

    The interval is ``[x_(l), x_(u)]`` with the ranks of :func:`median_rank_bounds`
    (binomial ranks; e.g. Conover, *Practical Nonparametric Statistics*, 3rd ed.,
    §3.2). It needs no assumption about the shape of the distribution, which suits
    skewed times such as hours to first response. NaN observations are ignored; bounds
    are NaN for fewer than 6 observations at 95 %.

    Parameters
    ----------
    groups : sequence of array_like
        The observations of each group.
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    Interval
        Sample median with its bounds.

    Examples
    --------
    >>> r = median_order_stat([[1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]])
    >>> float(r.value[0]), float(r.low[0]), float(r.high[0])
    (5.5, 2.0, 9.0)
    """
    level = check_level(level)
    cleaned = [np.sort(_finite(g)) for g in groups]
    sizes = np.array([len(g) for g in cleaned], dtype=np.float64)
    lo_rank, hi_rank = median_rank_bounds(sizes, level)
    value, low, high = nan_array(len(cleaned)), nan_array(len(cleaned)), nan_array(len(cleaned))
    for i, g in enumerate(cleaned):
        if len(g) == 0:
            continue
        value[i] = np.median(g)
        if np.isfinite(lo_rank[i]):
            low[i] = g[int(lo_rank[i]) - 1]
            high[i] = g[int(hi_rank[i]) - 1]
    return Interval(value=value, low=low, high=high)


def mean_bootstrap(
    groups: Sequence[npt.ArrayLike],
    level: float = 0.95,
    n_resamples: int = 2000,
    seed: int = 0,
) -> Interval:
    """Mean of each group with a seeded percentile-bootstrap interval (Efron 1979).

    Useful for skewed per-customer quantities when the t interval is in doubt; the
    seed makes the bounds reproducible from run to run. Bounds are NaN for fewer than
    two observations.

    Parameters
    ----------
    groups : sequence of array_like
        The observations of each group.
    level : float
        Confidence level, default 0.95.
    n_resamples : int
        Number of bootstrap resamples.
    seed : int
        Seed of the random generator.

    Returns
    -------
    Interval
        Sample mean with the percentile bounds.

    Examples
    --------
    >>> r = mean_bootstrap([[1.0, 1, 2, 2, 3, 8]])
    >>> float(r.value[0]), bool(r.low[0] < 2.83 < r.high[0])
    (2.8333333333333335, True)
    """
    alpha = 1.0 - check_level(level)
    rng = np.random.default_rng(seed)
    value, low, high = nan_array(len(groups)), nan_array(len(groups)), nan_array(len(groups))
    for i, raw in enumerate(groups):
        g = _finite(raw)
        if len(g) == 0:
            continue
        value[i] = g.mean()
        if len(g) < 2:
            continue
        low[i], high[i] = np.quantile(
            _resampled_means(g, n_resamples, rng), [alpha / 2.0, 1.0 - alpha / 2.0]
        )
    return Interval(value=value, low=low, high=high)


def _resampled_means(g: FloatArray, n_resamples: int, rng: np.random.Generator) -> FloatArray:
    # Resample in batches so that a large group never needs n_resamples x n floats at once.
    batch = max(1, 1_000_000 // len(g))
    parts = []
    for start in range(0, n_resamples, batch):
        size = min(batch, n_resamples - start)
        parts.append(rng.choice(g, size=(size, len(g)), replace=True).mean(axis=1))
    return np.concatenate(parts)


def _finite(values: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64).ravel()
    return arr[~np.isnan(arr)]
