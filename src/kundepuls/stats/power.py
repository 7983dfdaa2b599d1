"""How many answers are needed: sample sizes for comparisons and for a precise value.

Used to tell a user "about N more answers needed" instead of only "too few answers".
Shares are fractions in [0, 1] here (not percentages). Sizes are per group, rounded up;
``inf`` where the difference to detect is zero, NaN where an input is missing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize
from scipy import stats as sps

from kundepuls.stats._common import FloatArray, as_arrays, nan_array, z_critical

__all__ = [
    "answers_needed",
    "sample_size_margin_mean",
    "sample_size_margin_nps",
    "sample_size_margin_proportion",
    "sample_size_means",
    "sample_size_nps",
    "sample_size_proportions",
]


def _z_power(power: float) -> float:
    if not 0.0 < power < 1.0:
        raise ValueError(f"power must be between 0 and 1 (exclusive), got {power!r}")
    return float(sps.norm.ppf(power))


def _normal_size(
    variance: FloatArray, difference: FloatArray, power: float, level: float
) -> FloatArray:
    """``(z_{1-α/2} + z_power)^2 variance / difference^2``, rounded up."""
    factor = (z_critical(level) + _z_power(power)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        n = factor * variance / difference**2
    n = np.where((difference == 0) & np.isfinite(variance), np.inf, n)
    return np.ceil(n - 1e-9)  # 1e-9 keeps exact integers from rounding up by float noise


def sample_size_proportions(
    p1: Any, p2: Any, power: float = 0.8, level: float = 0.95, ratio: float = 1.0
) -> FloatArray:
    """Group size to tell two shares apart with a two-sided z test.

    ``n1 = (z_{1-α/2} + z_power)^2 (p1 (1 - p1) + p2 (1 - p2) / ratio) / (p1 - p2)^2``
    and ``n2 = ratio n1`` (e.g. Chow, Shao & Wang, *Sample Size Calculations in
    Clinical Research*, §4.2).

    Parameters
    ----------
    p1, p2 : array_like
        The two shares as fractions, e.g. today's CSAT and the one to detect.
    power : float
        Probability of detecting the difference, default 0.8.
    level : float
        1 - significance level of the test, default 0.95.
    ratio : float
        n2 / n1.

    Returns
    -------
    numpy.ndarray
        n1 per pair, rounded up.

    Examples
    --------
    >>> sample_size_proportions([0.80], [0.85]).tolist()
    [903.0]
    """
    a, b = as_arrays(p1, p2)
    variance = a * (1 - a) + b * (1 - b) / ratio
    return _normal_size(variance, a - b, power, level)


def sample_size_nps(
    promoters: Any,
    detractors: Any,
    difference: Any,
    power: float = 0.8,
    level: float = 0.95,
    ratio: float = 1.0,
) -> FloatArray:
    """Group size to detect a change of the NPS by ``difference`` points.

    Uses the NPS variance ``p + d - (p - d)^2`` of the current shares for both groups
    (the usual planning assumption) and the z test of :func:`compare_nps`:
    ``n1 = (z_{1-α/2} + z_power)^2 100^2 v (1 + 1/ratio) / difference^2``.

    Parameters
    ----------
    promoters, detractors : array_like
        Current shares of promoters and detractors, as fractions.
    difference : array_like
        The NPS change to detect, in points (e.g. 10).
    power, level, ratio : float
        As in :func:`sample_size_proportions`.

    Returns
    -------
    numpy.ndarray
        n1 per group, rounded up.

    Examples
    --------
    >>> sample_size_nps([0.5], [0.2], [10]).tolist()
    [958.0]
    """
    p, d, diff = as_arrays(promoters, detractors, difference)
    variance = 1e4 * (p + d - (p - d) ** 2) * (1.0 + 1.0 / ratio)
    return _normal_size(variance, diff, power, level)


def _t_power(n1: float, effect: float, ratio: float, level: float) -> float:
    df = n1 * (1.0 + ratio) - 2.0
    nc = effect * np.sqrt(n1 * ratio / (1.0 + ratio))
    crit = sps.t.ppf(0.5 + level / 2.0, df)
    return float(sps.nct.sf(crit, df, nc) + sps.nct.cdf(-crit, df, nc))


def sample_size_means(
    difference: Any, sd: Any, power: float = 0.8, level: float = 0.95, ratio: float = 1.0
) -> FloatArray:
    """Group size to detect a difference of means with a two-sided two-sample t test.

    Solves ``power(n1) = power`` with the noncentral t distribution (df =
    n1 + n2 - 2, noncentrality ``δ / sd · sqrt(n1 n2 / (n1 + n2))``), which is exact for
    a common standard deviation; a Welch test needs about the same size then.

    Parameters
    ----------
    difference : array_like
        The difference to detect, in the KPI's unit (e.g. 2 hours).
    sd : array_like
        Standard deviation of one observation (from current data).
    power, level, ratio : float
        As in :func:`sample_size_proportions`.

    Returns
    -------
    numpy.ndarray
        n1 per pair, rounded up.

    Examples
    --------
    >>> sample_size_means([2.0], [6.0]).tolist()
    [143.0]
    """
    diff, s = as_arrays(difference, sd)
    z_total = z_critical(level) + _z_power(power)
    out = nan_array(len(diff))
    for i, (delta, sigma) in enumerate(zip(diff, s, strict=True)):
        if not (np.isfinite(delta) and np.isfinite(sigma)) or sigma < 0:
            continue
        if delta == 0 or sigma == 0:
            out[i] = np.inf if delta == 0 else 2.0
            continue
        effect = abs(delta) / sigma
        # The normal approximation is a lower bound; a few times it brackets the root.
        start = z_total**2 * (1.0 + 1.0 / ratio) / effect**2
        low, high = 2.0, 4.0 * start + 10.0
        if _t_power(low, effect, ratio, level) >= power:
            out[i] = np.ceil(low)
            continue
        root = optimize.brentq(
            lambda n, e=effect: _t_power(n, e, ratio, level) - power, low, high, xtol=1e-8
        )
        out[i] = np.ceil(root - 1e-9)
    return out


def sample_size_margin_proportion(share: Any, margin: Any, level: float = 0.95) -> FloatArray:
    """Answers needed so that a share is known within ``± margin`` (normal interval).

    ``n = z^2 p (1 - p) / margin^2``; use ``share = 0.5`` when nothing is known yet.

    Examples
    --------
    >>> sample_size_margin_proportion([0.5, 0.8], [0.05, 0.05]).tolist()
    [385.0, 246.0]
    """
    p, m = as_arrays(share, margin)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = z_critical(level) ** 2 * p * (1 - p) / m**2
    return np.ceil(n - 1e-9)


def sample_size_margin_nps(
    promoters: Any, detractors: Any, margin: Any, level: float = 0.95
) -> FloatArray:
    """Answers needed so that the NPS interval of :func:`nps` is ``± margin`` points.

    Examples
    --------
    >>> sample_size_margin_nps([0.5], [0.2], [5]).tolist()
    [938.0]
    """
    p, d, m = as_arrays(promoters, detractors, margin)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = z_critical(level) ** 2 * 1e4 * (p + d - (p - d) ** 2) / m**2
    return np.ceil(n - 1e-9)


def sample_size_margin_mean(sd: Any, margin: Any, level: float = 0.95) -> FloatArray:
    """Observations needed so that the t interval of a mean is at most ``± margin``.

    The smallest n with ``t_{n-1} sd / sqrt(n) <= margin``.

    Examples
    --------
    >>> sample_size_margin_mean([6.0], [1.0]).tolist()
    [141.0]
    """
    s, m = as_arrays(sd, margin)
    z = z_critical(level)
    out = nan_array(len(s))
    for i, (sigma, half) in enumerate(zip(s, m, strict=True)):
        if not (np.isfinite(sigma) and np.isfinite(half) and half > 0):
            continue
        n = max(2.0, np.ceil((z * sigma / half) ** 2))
        # The t quantile exceeds z, so the normal size is a lower bound; step up from it.
        while sps.t.ppf(0.5 + level / 2.0, n - 1) * sigma / np.sqrt(n) > half:
            n += 1.0
        out[i] = n
    return out


def answers_needed(needed: Any, have: Any) -> FloatArray:
    """How many more answers are needed: ``max(0, needed - have)``.

    Examples
    --------
    >>> answers_needed([385, 385, float("inf")], [120, 500, 10]).tolist()
    [265.0, 0.0, inf]
    """
    need, got = as_arrays(needed, have)
    with np.errstate(invalid="ignore"):
        return np.maximum(0.0, need - got)
