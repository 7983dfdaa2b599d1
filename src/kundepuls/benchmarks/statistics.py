"""Our KPI against a benchmark: the difference with its 95 % interval and a p-value.

Our side's standard error comes from the KPI's own sufficient statistics (the same
variance the KPI's interval uses). The benchmark's side is taken in this order:

1. its own 95 % interval: ``se = (high - low) / (2 × 1.96)``;
2. its sample size ``n``: the variance of the KPI's statistic at that n — for a share
   ``p(1 - p)/n``; for NPS the largest variance an NPS of that value can have,
   ``(1 - v²)/n`` with ``v = NPS/100`` (no passives: the honest bound when the split
   into promoters and detractors is unknown); for a mean our own spread ``sd²/n`` (the
   benchmark's spread is rarely published; we assume it equals ours); for a count its
   Poisson variance;
3. neither: the benchmark is taken as a fixed number (a one-sample test).

The two are independent, so the difference has the sum of the variances; the z test of
the difference is below 0.05 exactly when the interval excludes 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from scipy import stats as sps

Z95 = float(sps.norm.ppf(0.975))


@dataclass(frozen=True)
class Versus:
    """Our value minus the benchmark: difference, 95 % bounds, two-sided p-value."""

    diff: float
    low: float
    high: float
    p_value: float
    se_ours: float
    se_benchmark: float
    uncertainty: str  # interval, n or none: what the benchmark's uncertainty came from


def _num(row: pd.Series[Any], column: str) -> float:
    try:
        value = float(row[column])
    except (KeyError, TypeError, ValueError):
        return math.nan
    return value


def our_standard_error(method: str, row: pd.Series[Any], scale: float = 100.0) -> float:
    """The standard error of our KPI from its sufficient statistics (NaN when unknown).

    Examples
    --------
    >>> round(our_standard_error("wilson", pd.Series({"n": 100, "successes": 50})), 2)
    5.0
    """
    n = _num(row, "n")
    if not n > 0:
        return math.nan
    if method == "nps":
        p, d = _num(row, "promoters") / n, _num(row, "detractors") / n
        return 100.0 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    if method == "wilson":
        share = _num(row, "successes") / n
        return 100.0 * math.sqrt(share * (1 - share) / n)
    if method == "mean_t":
        return _num(row, "sd") / math.sqrt(n) if n > 1 else math.nan
    if method == "poisson":
        return math.sqrt(n)
    if method == "rate":
        return scale * math.sqrt(_num(row, "count")) / n
    return math.nan  # medians: the caller falls back on the interval


def benchmark_standard_error(
    method: str,
    value: float,
    ci: tuple[float | None, float | None],
    n: int | None,
    our_sd: float,
    scale: float = 100.0,
) -> tuple[float, str]:
    """The benchmark's standard error and where it came from (interval, n or none).

    Examples
    --------
    >>> benchmark_standard_error("wilson", 50.0, (None, None), 100, 0.0)
    (5.0, 'n')
    >>> benchmark_standard_error("nps", 20.0, (10.2, 29.8), None, 0.0)[1]
    'interval'
    """
    low, high = ci
    if low is not None and high is not None:
        return (high - low) / (2 * Z95), "interval"
    if n is None:
        return 0.0, "none"
    if method == "nps":
        v = max(min(value / 100.0, 1.0), -1.0)
        return 100.0 * math.sqrt((1 - v * v) / n), "n"
    if method == "wilson":
        share = min(max(value / 100.0, 0.0), 1.0)
        return 100.0 * math.sqrt(share * (1 - share) / n), "n"
    if method == "poisson":
        return math.sqrt(max(value, 0.0)), "n"
    if method == "rate":
        return math.sqrt(max(value, 0.0) * scale / n), "n"
    return our_sd / math.sqrt(n), "n"  # means and medians: our spread at their n


def versus(ours: float, se_ours: float, benchmark: float, se_benchmark: float,
           uncertainty: str = "none") -> Versus:  # fmt: skip
    """Our value minus the benchmark with a normal 95 % interval and two-sided z test.

    Examples
    --------
    >>> r = versus(32.0, 3.0, 28.0, 4.0)
    >>> r.diff, round(r.low, 2), round(r.high, 2), round(r.p_value, 3)
    (4.0, -5.8, 13.8, 0.424)
    """
    diff = ours - benchmark
    se = math.sqrt(se_ours**2 + se_benchmark**2)
    if se == 0:  # no spread on either side: the difference is exact
        return Versus(diff, diff, diff, 1.0 if diff == 0 else 0.0, se_ours, se_benchmark,
                      uncertainty)  # fmt: skip
    p_value = float(2 * sps.norm.sf(abs(diff) / se))
    return Versus(diff, diff - Z95 * se, diff + Z95 * se, p_value, se_ours, se_benchmark,
                  uncertainty)  # fmt: skip
