"""False-discovery control when many segments are compared at once."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kundepuls.stats._common import FloatArray

__all__ = ["bh_qvalues"]


def bh_qvalues(p_values: npt.ArrayLike) -> FloatArray:
    """Benjamini–Hochberg adjusted p-values (q-values) of a family of tests.

    ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` over the p-values sorted in ascending
    order; rejecting every test with ``q < α`` keeps the expected share of false
    discoveries at most ``α`` (for independent or positively dependent tests). NaN
    p-values (comparisons that could not be made) stay NaN and do not count in m.

    Parameters
    ----------
    p_values : array_like
        The p-values of one scan (e.g. every segment vs the rest).

    Returns
    -------
    numpy.ndarray
        The q-values, in the input order.

    References
    ----------
    Benjamini, Y., Hochberg, Y. (1995). Controlling the false discovery rate: a
    practical and powerful approach to multiple testing. JRSS B 57(1), 289–300.

    Examples
    --------
    >>> bh_qvalues([0.01, 0.04, float("nan"), 0.03, 0.20]).round(3).tolist()
    [0.04, 0.053, nan, 0.053, 0.2]
    """
    p = np.atleast_1d(np.asarray(p_values, dtype=np.float64)).ravel()
    valid = ~np.isnan(p)
    if np.any((p[valid] < 0) | (p[valid] > 1)):
        raise ValueError("p-values must lie between 0 and 1")
    q = np.full_like(p, np.nan)
    observed = p[valid]
    m = len(observed)
    if m == 0:
        return q
    order = np.argsort(observed, kind="stable")
    scaled = observed[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    out = np.empty(m, dtype=np.float64)
    out[order] = adjusted
    q[valid] = out
    return q
