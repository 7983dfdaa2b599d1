"""Differences between two sets of sufficient statistics: periods, or a segment vs the rest.

Sufficient statistics add up, so "the rest" of a segment is the total minus the segment
(counts directly; means through their sums and sums of squares). The total is the sum of
the segments, or, where segments overlap (themes), the statistics of all rows at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kundepuls import stats
from kundepuls.kit.errors import UsageError

_ADDITIVE = {
    "nps": ("n", "promoters", "detractors"),
    "wilson": ("n", "successes"),
    "poisson": ("n",),
    "rate": ("n", "count"),
}


def _f(frame: pd.DataFrame, column: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")


def difference(
    method: str, a: pd.DataFrame, b: pd.DataFrame, scale: float = 100.0
) -> stats.Difference:
    """``a`` − ``b`` row by row (same length), with its 95 % interval and p-value."""
    if method == "nps":
        return stats.compare_nps(
            _f(a, "n"), _f(a, "promoters"), _f(a, "detractors"),
            _f(b, "n"), _f(b, "promoters"), _f(b, "detractors"),
        )  # fmt: skip
    if method == "wilson":
        return stats.compare_proportions(
            _f(a, "n"), _f(a, "successes"), _f(b, "n"), _f(b, "successes"), scale=100
        )
    if method == "mean_t":
        return stats.compare_means(
            _f(a, "n"), _f(a, "mean"), _f(a, "sd"), _f(b, "n"), _f(b, "mean"), _f(b, "sd")
        )
    if method == "poisson":
        ones = np.ones(len(a))
        return stats.compare_poisson(_f(a, "n"), ones, _f(b, "n"), ones)
    if method == "rate":
        return stats.compare_poisson(
            _f(a, "count"), _f(a, "n"), _f(b, "count"), _f(b, "n"), scale=scale
        )
    raise UsageError("comparisons are not available for medians; compare the mean variant")


def rest(method: str, segments: pd.DataFrame, whole: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each segment row, the sufficient statistics of all the other rows together.

    ``whole`` (one row: the statistics of every row) is needed when segments overlap;
    without it the whole is the sum of the segments.
    """
    if method in _ADDITIVE:
        columns = _ADDITIVE[method]
        source = segments if whole is None else whole
        totals = {c: _f(source, c).sum() for c in columns}
        return pd.DataFrame({c: totals[c] - _f(segments, c) for c in columns})
    if method == "mean_t":
        n, total, squares = _sums(segments)
        wn, wtotal, wsquares = (n, total, squares) if whole is None else _sums(whole)
        rn, rsum, rsq = wn.sum() - n, wtotal.sum() - total, wsquares.sum() - squares
        with np.errstate(all="ignore"):
            rmean = rsum / rn
            rvar = (rsq - rn * rmean**2) / (rn - 1)
        return pd.DataFrame({"n": rn, "mean": rmean, "sd": np.sqrt(np.maximum(rvar, 0.0))})
    raise UsageError("comparisons are not available for medians; compare the mean variant")


def _sums(frame: pd.DataFrame) -> tuple[np.ndarray[Any, Any], ...]:
    """n, sum and sum of squares of each row's values, from its n, mean and sd."""
    n, mean, sd = _f(frame, "n"), _f(frame, "mean"), _f(frame, "sd")
    mean, sd = np.nan_to_num(mean), np.nan_to_num(sd)
    return n, n * mean, np.where(n > 1, (n - 1) * sd**2, 0.0) + n * mean**2


def qvalues(p_values: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Benjamini–Hochberg q-values (NaN where the p-value is undefined)."""
    return np.asarray(stats.bh_qvalues(np.asarray(p_values, dtype="float64")), dtype="float64")
