"""Sufficient statistics of the KPI engine, pooled and turned into unit-level moments.

The engine reduces each group to a few numbers per interval method (``nps``: n, promoters,
detractors; ``wilson``: n, successes; ``mean_t``: n, mean, sd; ``rate``: n, count). They
add up over periods, so the statistics of "every week before the change" are the pooled
rows, and the KPI's own two-sample comparison (:mod:`kundepuls.kpis.differences`) then
gives the difference with its interval. For the series tests each period is also read as
unit-level moments: n, the sum and the sum of squares of the per-unit values (an NPS
respondent counts −100, 0 or 100; a top-2-box answer 0 or 100).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kundepuls import stats
from kundepuls.kpis import differences

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

# Interval methods whose per-period series the scan can test (medians need every value,
# counts have no units to average).
SERIES_METHODS = ("nps", "wilson", "mean_t", "rate")
_ADDITIVE = {
    "nps": ("n", "promoters", "detractors"),
    "wilson": ("n", "successes"),
    "rate": ("n", "count"),
    "poisson": ("n",),
}


def _f(frame: pd.DataFrame, column: str) -> FloatArray:
    return pd.to_numeric(frame[column], errors="coerce").fillna(0).to_numpy(dtype="float64")


def moments(method: str, frame: pd.DataFrame, scale: float = 100.0) -> tuple[FloatArray, ...]:
    """Per row: n, sum and sum of squares of the unit values, in the KPI's unit.

    For ``rate`` each denominator unit (an order) carries its number of events times the
    scale; the sum of squares takes the Poisson variance (one event per unit at most is
    the usual case, so ``count`` stands for the sum of squared counts).
    """
    n = _f(frame, "n")
    if method == "nps":
        p, d = _f(frame, "promoters"), _f(frame, "detractors")
        return n, 100.0 * (p - d), 10_000.0 * (p + d)
    if method == "wilson":
        s = _f(frame, "successes")
        return n, 100.0 * s, 10_000.0 * s
    if method == "rate":
        c = _f(frame, "count")
        return n, scale * c, scale**2 * c
    if method == "mean_t":
        mean = np.nan_to_num(_f(frame, "mean"))
        sd = np.nan_to_num(_f(frame, "sd"))
        return n, n * mean, np.where(n > 1, (n - 1) * sd**2, 0.0) + n * mean**2
    raise ValueError(f"no unit moments for interval method {method!r}")


def unit_sd(method: str, frame: pd.DataFrame, scale: float = 100.0) -> FloatArray:
    """The standard deviation of the unit values in each row (NaN where n < 2)."""
    n, s1, s2 = moments(method, frame, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = (s2 - np.where(n > 0, s1**2 / n, 0.0)) / (n - 1)
    return np.where(n > 1, np.sqrt(np.maximum(var, 0.0)), np.nan)


def values(method: str, frame: pd.DataFrame, scale: float = 100.0) -> FloatArray:
    """The KPI value of each row (NaN where n = 0)."""
    n, s1, _ = moments(method, frame, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, s1 / n, np.nan)


def pool(method: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One row of sufficient statistics for all rows of ``frame`` together."""
    if method in _ADDITIVE:
        return pd.DataFrame({c: [_f(frame, c).sum()] for c in _ADDITIVE[method]})
    if method == "mean_t":
        n, s1, s2 = moments(method, frame)
        total = n.sum()
        mean = s1.sum() / total if total > 0 else np.nan
        var = (s2.sum() - total * mean**2) / (total - 1) if total > 1 else np.nan
        return pd.DataFrame({"n": [total], "mean": [mean], "sd": [np.sqrt(max(var, 0.0))]})
    raise ValueError(f"cannot pool rows of interval method {method!r}")


def compare(
    method: str, now: pd.DataFrame, before: pd.DataFrame, scale: float = 100.0
) -> stats.Difference:
    """The KPI's own comparison of the pooled ``now`` rows with the pooled ``before`` rows."""
    return differences.difference(method, pool(method, now), pool(method, before), scale)


def pool_by(method: str, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sufficient statistics pooled per combination of ``keys`` (e.g. segment × period)."""
    if method in _ADDITIVE:
        columns = list(_ADDITIVE[method])
        parts = frame[keys].copy()
        for c in columns:
            parts[c] = _f(frame, c)
        return parts.groupby(keys, sort=True, dropna=False)[columns].sum().reset_index()
    if method == "mean_t":
        n, s1, s2 = moments(method, frame)
        parts = frame[keys].assign(n=n, _s1=s1, _s2=s2)
        sums = parts.groupby(keys, sort=True, dropna=False)[["n", "_s1", "_s2"]].sum()
        total = sums["n"].to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(total > 0, sums["_s1"].to_numpy() / total, np.nan)
            var = (sums["_s2"].to_numpy() - total * mean**2) / (total - 1)
        sums["mean"] = mean
        sums["sd"] = np.where(total > 1, np.sqrt(np.maximum(var, 0.0)), np.nan)
        return sums.drop(columns=["_s1", "_s2"]).reset_index()
    raise ValueError(f"cannot pool rows of interval method {method!r}")
