"""Differences between two groups (first minus second) with an interval and a p-value.

Each function compares group 1 with group 2 element-wise: period over period is
``(current, previous)``, segment vs rest is ``(segment, rest)``. A positive ``diff``
means group 1 is higher. NaN marks pairs where either side has no data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from kundepuls.stats._common import (
    Difference,
    FloatArray,
    as_arrays,
    check_at_most,
    check_level,
    check_nonnegative,
    degenerate_p_value,
    nan_array,
    normal_p_value,
    z_critical,
)
from kundepuls.stats.intervals import garwood, nps, wilson_shares

__all__ = [
    "compare_means",
    "compare_medians",
    "compare_nps",
    "compare_poisson",
    "compare_proportions",
]


def compare_nps(
    n1: Any, p1: Any, d1: Any, n2: Any, p2: Any, d2: Any, level: float = 0.95
) -> Difference:
    """Difference of two Net Promoter Scores with a z interval and z test.

    The variance of each NPS is ``100^2 (p + d - (p - d)^2) / n`` (the DESIGN.md
    formula); the two are independent, so the difference has the sum of the variances.
    The p-value is the two-sided z test of that difference, so it is below 1 - level
    exactly when the interval excludes 0. When neither group has any spread (each is
    all promoters, all passives or all detractors) the difference is exact: p is 1 for
    no difference and 0 otherwise — check :func:`low_sample` before reading it.

    Parameters
    ----------
    n1, p1, d1, n2, p2, d2 : array_like
        Answers, promoters and detractors of group 1 and group 2.
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    Difference
        NPS 1 minus NPS 2 in points, its bounds (clipped to [-200, 200]) and p-value.

    Examples
    --------
    >>> r = compare_nps([400], [200], [80], [400], [160], [100])
    >>> float(r.diff[0]), round(float(r.low[0]), 1), round(float(r.high[0]), 1)
    (15.0, 4.1, 25.9)
    >>> round(float(r.p_value[0]), 4)
    0.007
    """
    z = z_critical(level)
    first, second = nps(n1, p1, d1), nps(n2, p2, d2)
    n1_, pro1, det1, n2_, pro2, det2 = as_arrays(n1, p1, d1, n2, p2, d2)
    with np.errstate(divide="ignore", invalid="ignore"):
        var1 = _nps_variance(n1_, pro1, det1) / n1_
        var2 = _nps_variance(n2_, pro2, det2) / n2_
        se = np.sqrt(var1 + var2)
        diff = first.value - second.value
        p_value = degenerate_p_value(diff, se, normal_p_value(diff / se))
    return Difference(
        diff=diff,
        low=np.clip(diff - z * se, -200.0, 200.0),
        high=np.clip(diff + z * se, -200.0, 200.0),
        p_value=p_value,
    )


def _nps_variance(n: FloatArray, promoters: FloatArray, detractors: FloatArray) -> FloatArray:
    p, d = promoters / n, detractors / n
    return np.asarray(1e4 * np.maximum(p + d - (p - d) ** 2, 0.0), dtype=np.float64)


def compare_proportions(
    n1: Any, s1: Any, n2: Any, s2: Any, scale: float = 100.0, level: float = 0.95
) -> Difference:
    """Difference of two shares: Newcombe interval and pooled two-proportion z test.

    The interval is Newcombe's hybrid score interval (method 10 of Newcombe 1998),
    built from the two Wilson intervals; it stays within [-1, 1] and behaves well
    near 0 % and 100 %. The p-value is the classic two-proportion z test with the
    pooled share under the null hypothesis (as ``statsmodels`` ``proportions_ztest``).
    Because the two use different variances, at the margin the interval may just
    touch 0 while p is a little above or below 1 - level.

    Parameters
    ----------
    n1, s1, n2, s2 : array_like
        Units and successes of group 1 and group 2.
    scale : float
        Multiplier of the shares, 100 (default) for percentage points.
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    Difference
        Share 1 minus share 2 (times ``scale``), its bounds and p-value.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Statistics in Medicine 17, 873–890.

    Examples
    --------
    >>> r = compare_proportions([120], [90], [150], [90])
    >>> round(float(r.diff[0]), 2), round(float(r.low[0]), 2), round(float(r.high[0]), 2)
    (15.0, 3.71, 25.55)
    >>> round(float(r.p_value[0]), 4)
    0.0094
    """
    z = z_critical(level)
    n1_, s1_, n2_, s2_ = as_arrays(n1, s1, n2, s2)
    for name, n, s in (("1", n1_, s1_), ("2", n2_, s2_)):
        check_nonnegative(f"s{name}", s)
        check_at_most(f"s{name}", s, f"n{name}", n)
    share1, low1, high1 = wilson_shares(n1_, s1_, z)
    share2, low2, high2 = wilson_shares(n2_, s2_, z)
    diff = share1 - share2
    low = diff - np.sqrt((share1 - low1) ** 2 + (high2 - share2) ** 2)
    high = diff + np.sqrt((high1 - share1) ** 2 + (share2 - low2) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (s1_ + s2_) / (n1_ + n2_)
        se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1_ + 1.0 / n2_))
        p_value = degenerate_p_value(diff, se, normal_p_value(diff / se))
    return Difference(diff=diff * scale, low=low * scale, high=high * scale, p_value=p_value)


def compare_means(
    n1: Any, mean1: Any, sd1: Any, n2: Any, mean2: Any, sd2: Any, level: float = 0.95
) -> Difference:
    """Difference of two means with Welch's t interval and test (Welch 1947).

    The standard error is ``sqrt(sd1^2/n1 + sd2^2/n2)`` and the degrees of freedom
    follow Welch–Satterthwaite; no equal-variance assumption. NaN where either group
    has fewer than two observations.

    Parameters
    ----------
    n1, mean1, sd1, n2, mean2, sd2 : array_like
        Count, mean and sample standard deviation (ddof = 1) of each group.
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    Difference
        Mean 1 minus mean 2, its bounds and p-value.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several
    different population variances are involved. Biometrika 34, 28–35.

    Examples
    --------
    >>> r = compare_means([40], [5.1], [1.2], [60], [4.5], [1.5])
    >>> round(float(r.diff[0]), 2), round(float(r.low[0]), 3), round(float(r.high[0]), 3)
    (0.6, 0.062, 1.138)
    >>> round(float(r.p_value[0]), 4)
    0.0293
    """
    level = check_level(level)
    n1_, m1, s1, n2_, m2, s2 = as_arrays(n1, mean1, sd1, n2, mean2, sd2)
    ok = (n1_ >= 2) & (n2_ >= 2) & np.isfinite(m1 + m2 + s1 + s2)
    diff = np.where((n1_ > 0) & (n2_ > 0), m1 - m2, np.nan)
    low, high, p_value = nan_array(len(diff)), nan_array(len(diff)), nan_array(len(diff))
    if ok.any():
        v1, v2 = s1[ok] ** 2 / n1_[ok], s2[ok] ** 2 / n2_[ok]
        se = np.sqrt(v1 + v2)
        with np.errstate(divide="ignore", invalid="ignore"):
            df = (v1 + v2) ** 2 / (v1**2 / (n1_[ok] - 1) + v2**2 / (n2_[ok] - 1))
            t_stat = diff[ok] / se
        # With se = 0 the degrees of freedom are undefined; any finite df gives the
        # same zero-width interval.
        df = np.where(se > 0, df, 1.0)
        crit = np.asarray(sps.t.ppf(0.5 + level / 2.0, df), dtype=np.float64)
        low[ok] = diff[ok] - crit * se
        high[ok] = diff[ok] + crit * se
        p = np.asarray(2.0 * sps.t.sf(np.abs(t_stat), df), dtype=np.float64)
        p_value[ok] = degenerate_p_value(diff[ok], se, p)
    return Difference(diff=diff, low=low, high=high, p_value=p_value)


def compare_poisson(
    c1: Any, e1: Any, c2: Any, e2: Any, scale: float = 1.0, level: float = 0.95
) -> Difference:
    """Difference of two Poisson rates: MOVER exact interval and exact conditional test.

    The rates are ``scale * c / e``. The interval on the difference combines the two
    exact Garwood (1936) intervals by the MOVER method (Zou & Donner 2008), the rate
    analogue of Newcombe's interval for shares. The p-value is the exact conditional
    test: given ``c1 + c2`` events, ``c1`` is binomial with probability
    ``e1 / (e1 + e2)`` under equal rates; two-sided by summing the outcomes no more
    likely than the one observed. Counts must be whole numbers; pass exposure 1 to
    compare plain counts over spans of equal length.

    Parameters
    ----------
    c1, e1, c2, e2 : array_like
        Event count and exposure (orders, days) of group 1 and group 2.
    scale : float
        Multiplier of the rates, e.g. 100 for complaints per 100 orders.
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    Difference
        Rate 1 minus rate 2, its bounds and p-value.

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28.
    Zou, G. Y., Donner, A. (2008). Construction of confidence limits about effect
    measures: a general approach. Statistics in Medicine 27, 1693–1702.

    Examples
    --------
    >>> r = compare_poisson([30], [1000], [12], [1000], scale=100)
    >>> round(float(r.diff[0]), 2), round(float(r.low[0]), 2), round(float(r.high[0]), 2)
    (1.8, 0.48, 3.21)
    >>> round(float(r.p_value[0]), 4)
    0.0079
    """
    level = check_level(level)
    c1_, e1_, c2_, e2_ = as_arrays(c1, e1, c2, e2)
    for name, arr in (("c1", c1_), ("e1", e1_), ("c2", c2_), ("e2", e2_)):
        check_nonnegative(name, arr)
    for name, arr in (("c1", c1_), ("c2", c2_)):
        if np.any(np.isfinite(arr) & (arr != np.round(arr))):
            raise ValueError(f"{name} must be whole event counts")
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(e1_ > 0, scale / e1_, np.nan)
        f2 = np.where(e2_ > 0, scale / e2_, np.nan)
    low1, high1 = garwood(c1_, level)
    low2, high2 = garwood(c2_, level)
    r1, r2 = c1_ * f1, c2_ * f2
    diff = r1 - r2
    low = diff - np.sqrt((r1 - low1 * f1) ** 2 + (high2 * f2 - r2) ** 2)
    high = diff + np.sqrt((high1 * f1 - r1) ** 2 + (r2 - low2 * f2) ** 2)
    p_value = nan_array(len(diff))
    ok = np.isfinite(diff)
    p_value[ok] = conditional_p_values(c1_[ok], c1_[ok] + c2_[ok], e1_[ok] / (e1_[ok] + e2_[ok]))
    return Difference(diff=diff, low=low, high=high, p_value=p_value)


def conditional_p_values(k: FloatArray, total: FloatArray, share: FloatArray) -> FloatArray:
    """Two-sided exact binomial p-values of ``k`` out of ``total`` at probability ``share``.

    Sums the probabilities of all outcomes no more likely than ``k`` (the "minimum
    likelihood" rule of ``scipy.stats.binomtest``), vectorised: the unimodal pmf lets a
    bisection find where the other tail starts, so the cost grows with log(total).
    """
    # Outcomes as likely as k up to rounding count as "no more likely".
    threshold = sps.binom.pmf(k, total, share) * (1.0 + 1e-7)
    mean = total * share
    below = k < mean
    # k below the mean: the other tail is [first j >= ceil(mean) with pmf <= threshold, total].
    start = _first_index(np.ceil(mean), total + 1.0, total, share, threshold, decreasing=True)
    upper_tail = sps.binom.cdf(k, total, share) + sps.binom.sf(start - 1.0, total, share)
    # k above the mean: the other tail is [0, last j <= floor(mean) with pmf <= threshold].
    stop = _first_index(np.zeros_like(k), np.floor(mean) + 1.0, total, share, threshold, False)
    lower_tail = sps.binom.cdf(stop - 1.0, total, share) + sps.binom.sf(k - 1.0, total, share)
    p = np.where(below, upper_tail, lower_tail)
    p = np.where((k == mean) | (total == 0), 1.0, p)
    return np.asarray(np.minimum(1.0, p), dtype=np.float64)


def _first_index(
    lo: FloatArray,
    hi: FloatArray,
    total: FloatArray,
    share: FloatArray,
    threshold: FloatArray,
    decreasing: bool,
) -> FloatArray:
    """First j in [lo, hi) where the pmf crosses the threshold (hi when it never does).

    On a decreasing stretch of the pmf the crossing is ``pmf <= threshold``; on an
    increasing one it is ``pmf > threshold``.
    """
    lo, hi = lo.copy(), hi.copy()
    while np.any(lo < hi):
        mid = np.floor((lo + hi) / 2.0)
        pmf = sps.binom.pmf(mid, total, share)
        crossed = pmf <= threshold if decreasing else pmf > threshold
        active = lo < hi
        hi = np.where(active & crossed, mid, hi)
        lo = np.where(active & ~crossed, mid + 1.0, lo)
    return lo


def compare_medians(
    groups1: Sequence[npt.ArrayLike],
    groups2: Sequence[npt.ArrayLike],
    level: float = 0.95,
    n_resamples: int = 2000,
    seed: int = 0,
) -> Difference:
    """Difference of two medians: percentile-bootstrap interval and Mood's median test.

    The interval resamples each group independently (seeded, so reproducible). The
    p-value is Mood's median test: a chi-square test (Yates-corrected) of how many
    observations of each group lie above the pooled median, values equal to it counted
    below (as ``scipy.stats.median_test`` by default). NaN observations are ignored.

    Parameters
    ----------
    groups1, groups2 : sequence of array_like
        The observations of each group of side 1 and side 2, pair by pair.
    level : float
        Confidence level, default 0.95.
    n_resamples : int
        Bootstrap resamples per pair.
    seed : int
        Seed of the random generator.

    Returns
    -------
    Difference
        Median 1 minus median 2, its bounds and p-value.

    References
    ----------
    Mood, A. M. (1950). Introduction to the Theory of Statistics, 394–399.
    Efron, B. (1979). Bootstrap methods: another look at the jackknife. Ann. Stat. 7.

    Examples
    --------
    >>> a = [[4.0, 6, 7, 8, 9, 9, 10, 12, 15, 20]]
    >>> b = [[1.0, 2, 2, 3, 3, 4, 5, 6, 8, 9]]
    >>> r = compare_medians(a, b)
    >>> float(r.diff[0]), bool(r.low[0] > 0), round(float(r.p_value[0]), 3)
    (5.5, True, 0.025)
    """
    alpha = 1.0 - check_level(level)
    if len(groups1) != len(groups2):
        raise ValueError("groups1 and groups2 must have equal lengths")
    rng = np.random.default_rng(seed)
    size = len(groups1)
    diff, low, high, p_value = nan_array(size), nan_array(size), nan_array(size), nan_array(size)
    for i, (raw1, raw2) in enumerate(zip(groups1, groups2, strict=True)):
        a, b = _finite(raw1), _finite(raw2)
        if len(a) == 0 or len(b) == 0:
            continue
        diff[i] = np.median(a) - np.median(b)
        p_value[i] = _mood_p(a, b)
        if len(a) < 2 or len(b) < 2:
            continue
        boot = _boot_medians(a, n_resamples, rng) - _boot_medians(b, n_resamples, rng)
        low[i], high[i] = np.quantile(boot, [alpha / 2.0, 1.0 - alpha / 2.0])
    return Difference(diff=diff, low=low, high=high, p_value=p_value)


def _finite(values: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64).ravel()
    return arr[~np.isnan(arr)]


def _boot_medians(g: FloatArray, n_resamples: int, rng: np.random.Generator) -> FloatArray:
    # Batches keep memory bounded for large groups.
    batch = max(1, 1_000_000 // len(g))
    parts = [
        np.median(rng.choice(g, size=(min(batch, n_resamples - s), len(g))), axis=1)
        for s in range(0, n_resamples, batch)
    ]
    return np.concatenate(parts)


def _mood_p(a: FloatArray, b: FloatArray) -> float:
    grand = np.median(np.concatenate([a, b]))
    table = np.array(
        [[np.sum(a > grand), np.sum(b > grand)], [np.sum(a <= grand), np.sum(b <= grand)]],
        dtype=np.float64,
    )
    if np.any(table.sum(axis=1) == 0):
        return 1.0  # everything on one side of the pooled median: no evidence either way
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    gap = expected - table
    corrected = table + np.sign(gap) * np.minimum(0.5, np.abs(gap))  # Yates
    chi2 = float(np.sum((corrected - expected) ** 2 / expected))
    return float(sps.chi2.sf(chi2, 1))
