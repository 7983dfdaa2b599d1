"""Targets and sample-size flags that take the interval into account."""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import numpy.typing as npt

from kundepuls.stats._common import BoolArray, as_arrays

__all__ = ["NO_DATA", "OFF_TRACK", "ON_TRACK", "UNCERTAIN", "low_sample", "target_status"]

ON_TRACK: Final = "on_track"
OFF_TRACK: Final = "off_track"
UNCERTAIN: Final = "uncertain"
NO_DATA: Final = "no_data"


def target_status(
    value: Any, low: Any, high: Any, target: Any, higher_is_better: bool
) -> npt.NDArray[np.str_]:
    """Classify each value against its target, taking the interval into account.

    ``on_track`` when the whole interval meets the target (for higher-is-better KPIs
    ``low >= target``), ``off_track`` when the whole interval misses it
    (``high < target``), ``uncertain`` when the interval straddles the target or has
    no bounds (e.g. n = 1 for a mean), and ``no_data`` when the value or the target is
    missing. For lower-is-better KPIs (response hours, churn) the sides swap.

    Parameters
    ----------
    value, low, high : array_like
        The KPI values and their interval bounds.
    target : array_like
        Target per value (a scalar applies to all).
    higher_is_better : bool
        Direction of the KPI.

    Returns
    -------
    numpy.ndarray
        One of ``"on_track"``, ``"off_track"``, ``"uncertain"``, ``"no_data"`` each.

    Examples
    --------
    >>> target_status([42, 35, 20, float("nan")], [38, 28, 12, float("nan")],
    ...               [46, 41, 27, float("nan")], 30, higher_is_better=True).tolist()
    ['on_track', 'uncertain', 'off_track', 'no_data']
    >>> target_status([3.5], [2.0], [4.9], 6.0, higher_is_better=False).tolist()
    ['on_track']
    """
    v, lo, hi, t = as_arrays(value, low, high, target)
    if higher_is_better:
        good = lo >= t
        bad = hi < t
    else:
        good = hi <= t
        bad = lo > t
    status = np.full(len(v), UNCERTAIN, dtype="<U9")
    status[good] = ON_TRACK
    status[bad] = OFF_TRACK
    status[np.isnan(v) | np.isnan(t)] = NO_DATA
    return status


def low_sample(n: Any, min_n: float = 30) -> BoolArray:
    """True where a group has fewer units than ``min_n`` (or an unknown n).

    Such groups are shown with a warning and never raise an alert (DESIGN.md).

    Examples
    --------
    >>> low_sample([0, 12, 30, 500], 30).tolist()
    [True, True, False, False]
    """
    (n_,) = as_arrays(n)
    return np.asarray(~(n_ >= min_n), dtype=np.bool_)
