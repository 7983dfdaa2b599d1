"""What drove a change: a KPI's change between two periods split over the segments of a
dimension into mix and rate; and the weekday × hour heat map of a KPI.

Every decomposable KPI is a weighted mean of unit values (an NPS respondent counts −100,
0 or 100; a top-2-box answer 0 or 100; a rate counts events per unit), so with segment
shares ``w`` and segment values ``v``: ``V = Σ w_s v_s``. The change splits exactly into

* **rate** ``(v₁ − v₀) · (w₀ + w₁) / 2`` — the segment's own value moved;
* **mix** ``(w₁ − w₀) · ((v₀ + v₁) / 2 − (V₀ + V₁) / 2)`` — the segment's share moved, which
  matters only as far as the segment differs from the average (the shares change sums to
  zero, so subtracting the average changes no total);

and ``Σ (mix + rate) = V₁ − V₀`` (the symmetric, Shapley-style split of a product; Kitagawa
1955, *JASA* 50:1168). A segment missing from one period takes its other period's value
there, so it contributes only through its share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.insights import repository
from kundepuls.insights import sufficient as suff
from kundepuls.kit.errors import UsageError
from kundepuls.kpis import differences
from kundepuls.kpis.backends import backend_for
from kundepuls.kpis.engine import sufficient
from kundepuls.kpis.frames import Query
from kundepuls.kpis.results import filled, scale_of
from kundepuls.kpis.service import make_query, registry, show

THEME = "theme"
NO_THEME = "(none)"
THEME_KPIS = {"nps": "nps", "csat": "wilson", "csat_mean": "mean_t", "ces": "mean_t"}


@dataclass(frozen=True)
class Change:
    """A KPI's change between two periods and each segment's share of it."""

    kpi: str
    dim: str
    start: date
    end: date
    vs_start: date
    vs_end: date
    value: float
    baseline: float
    total: float
    n: int
    n_baseline: int
    segments: pd.DataFrame  # segment, n, n_baseline, value, baseline, share, …, contribution


def decompose(frame: pd.DataFrame) -> pd.DataFrame:
    """Mix and rate contribution of each segment; the contributions sum to the change.

    ``frame`` has one row per segment with ``n``, ``s1`` (sum of unit values) for the
    period and ``n0``, ``s0`` for the baseline.

    Examples
    --------
    >>> f = pd.DataFrame({"n": [50, 50], "s1": [500.0, 1000.0],
    ...                   "n0": [80, 20], "s0": [800.0, 400.0]})
    >>> d = decompose(f)
    >>> round(float(d["contribution"].sum()), 6), round(15.0 - 12.0, 6)
    (3.0, 3.0)
    """
    frame = frame[(frame["n"] > 0) | (frame["n0"] > 0)]
    n1, s1 = frame["n"].to_numpy("float64"), frame["s1"].to_numpy("float64")
    n0, s0 = frame["n0"].to_numpy("float64"), frame["s0"].to_numpy("float64")
    if n1.sum() <= 0 or n0.sum() <= 0:
        raise UsageError("both periods need data to explain a change")
    if np.any((n1 == 0) & (s1 != 0)) or np.any((n0 == 0) & (s0 != 0)):
        # A rate whose events fall in segments without any denominator unit (complaints
        # on a channel no order has): the rate of such a segment does not exist.
        raise UsageError("events fall in segments without units of the denominator; no split")
    w1, w0 = n1 / n1.sum(), n0 / n0.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        v1, v0 = s1 / n1, s0 / n0
    v1 = np.where(n1 > 0, v1, v0)
    v0 = np.where(n0 > 0, v0, v1)
    total1, total0 = s1.sum() / n1.sum(), s0.sum() / n0.sum()
    out = frame.copy()
    out["share"], out["share_baseline"] = w1, w0
    out["value"] = np.where(n1 > 0, v1, np.nan)
    out["baseline"] = np.where(n0 > 0, v0, np.nan)
    out["rate"] = (v1 - v0) * (w0 + w1) / 2
    out["mix"] = (w1 - w0) * ((v0 + v1) / 2 - (total0 + total1) / 2)
    out["contribution"] = out["rate"] + out["mix"]
    order = out["contribution"].abs().sort_values(ascending=False).index
    return out.loc[order].reset_index(drop=True)


def explain_change(
    session: Session | None,
    settings: Settings,
    key: str,
    dim: str,
    start: date,
    end: date,
    vs_start: date | None = None,
    vs_end: date | None = None,
    backend: BaseBackend | None = None,
) -> Change:
    """The change of ``key`` from ``vs_start..vs_end`` to ``start..end`` over ``dim``.

    The baseline defaults to the span of the same length just before ``start``; ``dim``
    is any KPI dimension, or ``theme`` (the first comment theme of a response, for the
    survey KPIs, from the text domain's analyses).
    """
    if start > end:
        raise UsageError(f"from {start} is after to {end}; give the earlier date first")
    if vs_start is None or vs_end is None:
        length = end - start + timedelta(days=1)
        vs_start, vs_end = start - length, start - timedelta(days=1)
    if vs_start > vs_end:
        raise UsageError(f"vs_from {vs_start} is after vs_to {vs_end}")
    kpi = registry(session, settings).get(key)
    if dim == THEME:
        if session is None or key not in THEME_KPIS:
            raise UsageError(f"by=theme works for {', '.join(THEME_KPIS)} on a store")
        method, scale = THEME_KPIS[key], 100.0
        now, before = (_theme_rows(session, key, a, b, settings) for a, b in
                       ((start, end), (vs_start, vs_end)))  # fmt: skip
    else:
        if kpi.method not in suff.SERIES_METHODS:
            raise UsageError(f"KPI {key} ({kpi.method}) is not a mean of units; no mix and rate")
        backend = backend or backend_for(settings)
        method, scale = kpi.method, scale_of(kpi)
        now, before = (_segment_rows(backend, kpi, settings, dim, a, b) for a, b in
                       ((start, end), (vs_start, vs_end)))  # fmt: skip
    return _change(key, dim, method, scale, now, before, (start, end, vs_start, vs_end))


def _segment_rows(
    backend: BaseBackend, kpi: Any, settings: Settings, dim: str, start: date, end: date
) -> pd.DataFrame:
    query = Query(by=(dim,), start=start, end=end)
    stats, first, last = sufficient(backend, kpi, query, settings.tz)
    rows = filled(kpi, query, stats, first, last)
    rows["segment"] = [NO_THEME if v is None else str(v) for v in rows[dim]]
    return rows.drop(columns=[dim])


def _theme_rows(
    session: Session, key: str, start: date, end: date, settings: Settings
) -> pd.DataFrame:
    """The survey KPI's sufficient statistics per first comment theme of each response."""
    units = repository.response_units(session, start, end, settings.tz)
    column = "csat" if key.startswith("csat") else key
    units = units.dropna(subset=[column])
    score = units[column].astype("float64")
    frame = pd.DataFrame({"segment": units["first_theme"].fillna(NO_THEME), "x": score})
    grouped = frame.groupby("segment")["x"]
    out = pd.DataFrame({"n": grouped.count()})
    if key == "nps":
        out["promoters"] = grouped.agg(lambda x: int((x >= 9).sum()))
        out["detractors"] = grouped.agg(lambda x: int((x <= 6).sum()))
    elif key == "csat":
        out["successes"] = grouped.agg(lambda x: int((x >= 4).sum()))
    else:
        out["mean"], out["sd"] = grouped.mean(), grouped.std(ddof=1)
    return out.reset_index()


def _change(
    key: str,
    dim: str,
    method: str,
    scale: float,
    now: pd.DataFrame,
    before: pd.DataFrame,
    span: tuple[date, date, date, date],
) -> Change:
    keys = pd.concat([now["segment"], before["segment"]]).drop_duplicates()
    a = pd.DataFrame({"segment": keys}).merge(now, on="segment", how="left")
    b = pd.DataFrame({"segment": keys}).merge(before, on="segment", how="left")
    for frame in (a, b):
        for column in frame.columns.drop("segment"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
        frame.fillna({"n": 0}, inplace=True)
    n1, s1, _ = suff.moments(method, a, scale)
    n0, s0, _ = suff.moments(method, b, scale)
    parts = pd.DataFrame({"segment": keys.to_numpy(), "n": n1, "s1": s1, "n0": n0, "s0": s0})
    diff = differences.difference(method, a, b, scale)
    parts["diff_low"], parts["diff_high"] = diff.low, diff.high
    parts["p_value"] = diff.p_value
    parts["q_value"] = differences.qvalues(diff.p_value)
    table = decompose(parts)
    value, baseline = s1.sum() / n1.sum(), s0.sum() / n0.sum()
    table = table.rename(columns={"n0": "n_baseline"}).drop(columns=["s1", "s0"])
    table["n"] = table["n"].astype("int64")
    table["n_baseline"] = table["n_baseline"].astype("int64")
    return Change(key, dim, *span, float(value), float(baseline), float(value - baseline),
                  int(n1.sum()), int(n0.sum()), table)  # fmt: skip


def heatmap(
    session: Session | None,
    settings: Settings,
    key: str,
    start: date | None = None,
    end: date | None = None,
    backend: BaseBackend | None = None,
) -> pd.DataFrame:
    """The KPI per weekday × hour (local time): value, n, interval, low_sample per cell."""
    query = make_query(["weekday", "hour"], None, start, end, [])
    rows = show(session, settings, key, query, backend)
    return rows[["weekday", "hour", "value", "n", "ci_low", "ci_high", "low_sample"]]
