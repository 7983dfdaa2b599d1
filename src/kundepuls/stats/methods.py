"""Interval methods by name, so that a KPI declaration can name its method.

The KPI engine computes the sufficient statistics of each group as DataFrame columns
and calls :func:`estimate` or :func:`difference` with the method name of the KPI:

===============  ==================================  ==========================
method           columns                             KPIs
===============  ==================================  ==========================
``nps``          n, promoters, detractors            nps
``wilson``       n, successes                        csat, fcr, churn_rate, …
``t``            n, mean, sd (ddof = 1)              ces, aov, *_hours, …
``poisson``      count                               complaint_count
``poisson_rate`` count, exposure                     complaint_rate (per 100)
``median``       values (one array per group)        *_hours_median
===============  ==================================  ==========================
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kundepuls.kit.errors import UsageError
from kundepuls.stats._common import Difference, Interval
from kundepuls.stats.compare import (
    compare_means,
    compare_medians,
    compare_nps,
    compare_poisson,
    compare_proportions,
)
from kundepuls.stats.intervals import mean_t, median_order_stat, nps, poisson, wilson

__all__ = [
    "KPI_INTERVALS",
    "METHODS",
    "IntervalMethod",
    "complement",
    "difference",
    "estimate",
    "get_method",
]

Columns = Mapping[str, Any]


@dataclass(frozen=True)
class IntervalMethod:
    """An interval method: the columns it needs and how to estimate and compare.

    ``columns`` are the sufficient statistics per group; when ``raw`` is true each
    holds the group's observations as one array per row (medians need them all).
    """

    name: str
    columns: tuple[str, ...]
    description: str
    _interval: Callable[[Columns, float], Interval]
    _compare: Callable[[Columns, Columns, float], Difference]
    raw: bool = False

    def interval(self, frame: pd.DataFrame, level: float = 0.95) -> Interval:
        """Interval per row of ``frame`` (one row per group)."""
        return self._interval(self.read_columns(frame), level)

    def compare(
        self, frame_a: pd.DataFrame, frame_b: pd.DataFrame, level: float = 0.95
    ) -> Difference:
        """Difference ``a - b`` of the rows paired by position, with interval and p-value."""
        if len(frame_a) != len(frame_b):
            raise ValueError(
                f"frames to compare must have equal lengths, got {len(frame_a)} and {len(frame_b)}"
            )
        return self._compare(self.read_columns(frame_a), self.read_columns(frame_b), level)

    def read_columns(self, frame: pd.DataFrame) -> dict[str, Any]:
        """The method's columns of ``frame`` as float arrays (lists of arrays when raw)."""
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise UsageError(
                f"interval method {self.name!r} needs the column(s) {', '.join(missing)}; "
                f"the frame has {', '.join(map(str, frame.columns)) or 'none'}"
            )
        if self.raw:
            return {c: list(frame[c]) for c in self.columns}
        return {c: frame[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in self.columns}


def _poisson_compare(a: Columns, b: Columns, level: float) -> Difference:
    one = np.ones(len(a["count"]))
    return compare_poisson(a["count"], one, b["count"], one, level=level)


METHODS: dict[str, IntervalMethod] = {
    m.name: m
    for m in (
        IntervalMethod(
            "nps",
            ("n", "promoters", "detractors"),
            "NPS with the DESIGN.md normal interval; z test of the difference",
            lambda c, lv: nps(c["n"], c["promoters"], c["detractors"], level=lv),
            lambda a, b, lv: compare_nps(
                a["n"],
                a["promoters"],
                a["detractors"],
                b["n"],
                b["promoters"],
                b["detractors"],
                level=lv,
            ),
        ),
        IntervalMethod(
            "wilson",
            ("n", "successes"),
            "percentage with the Wilson interval; Newcombe interval and z test",
            lambda c, lv: wilson(c["n"], c["successes"], level=lv),
            lambda a, b, lv: compare_proportions(
                a["n"], a["successes"], b["n"], b["successes"], level=lv
            ),
        ),
        IntervalMethod(
            "t",
            ("n", "mean", "sd"),
            "mean with the t interval; Welch interval and test",
            lambda c, lv: mean_t(c["n"], c["mean"], c["sd"], level=lv),
            lambda a, b, lv: compare_means(
                a["n"], a["mean"], a["sd"], b["n"], b["mean"], b["sd"], level=lv
            ),
        ),
        IntervalMethod(
            "poisson",
            ("count",),
            "count with the exact Garwood interval; MOVER interval and exact test",
            lambda c, lv: poisson(c["count"], level=lv),
            _poisson_compare,
        ),
        IntervalMethod(
            "poisson_rate",
            ("count", "exposure"),
            "events per 100 units of exposure, exact Garwood; MOVER and exact test",
            lambda c, lv: poisson(c["count"], c["exposure"], scale=100.0, level=lv),
            lambda a, b, lv: compare_poisson(
                a["count"], a["exposure"], b["count"], b["exposure"], scale=100.0, level=lv
            ),
        ),
        IntervalMethod(
            "median",
            ("values",),
            "median with the order-statistic interval; bootstrap interval, Mood's test",
            lambda c, lv: median_order_stat(c["values"], level=lv),
            lambda a, b, lv: compare_medians(a["values"], b["values"], level=lv),
            raw=True,
        ),
    )
}

KPI_INTERVALS: dict[str, str] = {
    "nps": "nps",
    **{
        key: "t"
        for key in (
            "csat_mean",
            "ces",
            "first_response_hours",
            "resolution_hours",
            "purchase_frequency",
            "aov",
            "clv_historical",
            "complaint_resolution_hours",
        )
    },
    **{
        key: "wilson"
        for key in (
            "csat",
            "fcr",
            "repeat_purchase_rate",
            "churn_rate",
            "retention_rate",
            "complaint_resolution_rate",
            "response_rate",
        )
    },
    "complaint_count": "poisson",
    "complaint_rate": "poisson_rate",
    "first_response_hours_median": "median",
    "resolution_hours_median": "median",
}
"""The interval method of each built-in KPI of DESIGN.md."""


def get_method(name: str) -> IntervalMethod:
    """Look an interval method up by name, suggesting the nearest names when unknown."""
    try:
        return METHODS[name]
    except KeyError:
        near = difflib.get_close_matches(name, list(METHODS), n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        known = ", ".join(METHODS)
        raise UsageError(f"unknown interval method {name!r} (known: {known}){hint}") from None


def estimate(method: str, frame: pd.DataFrame, level: float = 0.95) -> Interval:
    """Interval of every group (row) of a frame of sufficient statistics.

    Examples
    --------
    >>> frame = pd.DataFrame({"n": [50, 0], "successes": [40, 0]})
    >>> r = estimate("wilson", frame)
    >>> r.value.tolist(), round(float(r.low[0]), 2)
    ([80.0, nan], 66.96)
    """
    return get_method(method).interval(frame, level)


def difference(
    method: str, frame_a: pd.DataFrame, frame_b: pd.DataFrame, level: float = 0.95
) -> Difference:
    """Row-wise difference ``a - b`` of two frames of sufficient statistics.

    Examples
    --------
    >>> a = pd.DataFrame({"n": [40], "mean": [5.1], "sd": [1.2]})
    >>> b = pd.DataFrame({"n": [60], "mean": [4.5], "sd": [1.5]})
    >>> round(float(difference("t", a, b).p_value[0]), 4)
    0.0293
    """
    return get_method(method).compare(frame_a, frame_b, level)


def complement(method: str, total: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Sufficient statistics of "everything except this group", for segment-vs-rest.

    Counts subtract; for the ``t`` method the mean and the sample standard deviation
    of the rest follow from the sums and sums of squares implied by ``n``, ``mean``
    and ``sd``. ``total`` is one row (the whole population) or one row per group.
    Not available for ``median``, which needs the observations of the rest.

    Examples
    --------
    >>> total = pd.DataFrame({"n": [10], "mean": [5.5], "sd": [3.0276503540974917]})
    >>> group = pd.DataFrame({"n": [4], "mean": [2.5], "sd": [1.2909944487358056]})
    >>> rest = complement("t", total, group)
    >>> rest["n"].tolist(), rest["mean"].tolist(), round(float(rest["sd"].iloc[0]), 4)
    ([6.0], [7.5], 1.8708)
    """
    spec = get_method(method)
    if spec.raw:
        raise UsageError(f"interval method {method!r} cannot derive the rest from statistics")
    whole, part = spec.read_columns(total), spec.read_columns(groups)
    if method != "t":
        rest = {c: whole[c] - part[c] for c in spec.columns}
        return pd.DataFrame(rest, index=groups.index)
    n_all, m_all, s_all = whole["n"], whole["mean"], whole["sd"]
    n, m, sd = part["n"], part["mean"], part["sd"]
    n_rest = n_all - n
    with np.errstate(divide="ignore", invalid="ignore"):
        sum_rest = n_all * m_all - np.where(n > 0, n * m, 0.0)
        squares = (n_all - 1) * s_all**2 + n_all * m_all**2
        squares_part = np.where(n > 1, (n - 1) * sd**2, 0.0) + np.where(n > 0, n * m**2, 0.0)
        mean_rest = np.where(n_rest > 0, sum_rest / n_rest, np.nan)
        var_rest = (squares - squares_part - n_rest * mean_rest**2) / (n_rest - 1)
    # Cancellation can leave a tiny negative variance where the rest has no spread.
    sd_rest = np.where(n_rest > 1, np.sqrt(np.maximum(var_rest, 0.0)), np.nan)
    return pd.DataFrame({"n": n_rest, "mean": mean_rest, "sd": sd_rest}, index=groups.index)
