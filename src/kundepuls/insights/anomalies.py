"""Trends, anomalies, level shifts and weekend splits over every KPI × segment of the store.

:func:`scan` asks the KPI engine once per KPI and dimension for the sufficient statistics
of every segment and period, runs the series tests of :mod:`kundepuls.insights.series` on
each segment, adds the weekend-vs-weekday split of every time KPI, and then controls the
false-discovery rate with Benjamini–Hochberg q-values over *every* test of the scan (all
KPIs, segments, periods and kinds together). A finding is an eligible test with
``q < alpha``; no group below ``settings.min_sample`` is ever a finding.

The size of an anomaly or a level shift and its 95 % interval come from the KPI's own
two-sample comparison of the pooled periods (after vs before, the period vs its seasonal
baseline); the p-value is the series test's, which accounts for where the change point was
chosen and for period-to-period variation.

:func:`anomaly_in_series` (one plain series, no store) is the entry for alert rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend
from scipy import stats as sps
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.insights import sufficient as suff
from kundepuls.insights.schemas import Finding
from kundepuls.insights.series import (
    LEVEL,
    SeriesTest,
    SeriesVerdict,
    anomaly_in_series,
    complete_periods,
    sd_from_interval,
    with_qvalues,
)
from kundepuls.kit.errors import UsageError
from kundepuls.kpis import catalog as cat
from kundepuls.kpis.backends import backend_for, scalar, table, table_names
from kundepuls.kpis.engine import sufficient
from kundepuls.kpis.frames import MISSING, PERIOD, Query, Source, data_bounds, resolve_dimensions
from kundepuls.kpis.periods import local_date
from kundepuls.kpis.results import filled, scale_of
from kundepuls.kpis.service import registry
from kundepuls.stats import bh_qvalues, compare_means

__all__ = [
    "DEFAULT_BY",
    "DEFAULT_KPIS",
    "SeriesTest",
    "SeriesVerdict",
    "anomaly_in_series",
    "scan",
    "scan_series",
    "sd_from_interval",
    "weekend_split",
    "with_qvalues",
]

DEFAULT_KPIS = (
    "nps",
    "csat",
    "ces",
    "first_response_hours",
    "resolution_hours",
    "fcr",
    "aov",
    "complaint_rate",
    "complaint_resolution_hours",
    "response_rate",
)
DEFAULT_BY = ("region", "channel", "team", "weekend")
WINDOW_DAYS = 182  # default: look at the last 26 weeks …
HISTORY_DAYS = 365  # … against the year before them
RECENT = {"week": 4, "day": 14}  # the last periods tested for anomalies


@dataclass(frozen=True)
class _Tested:
    kpi: cat.Kpi
    dim: str | None
    value: str | None
    test: SeriesTest
    rows: pd.DataFrame | None  # the segment's sufficient statistics per period


def _backend_and_session(
    source: Session | BaseBackend | None, settings: Settings
) -> tuple[BaseBackend, Session | None]:
    if isinstance(source, BaseBackend):
        return source, None
    return backend_for(settings), source


def last_day(backend: BaseBackend, kpi: cat.Kpi, settings: Settings) -> date:
    """The last local day with data in the KPI's table."""
    _low, high = data_bounds(Source(backend, kpi.table, kpi.time_column, settings.tz))
    return local_date(high, settings.tz)


def scan(
    source: Session | BaseBackend | None,
    settings: Settings,
    *,
    kpis: Sequence[str] | None = None,
    by: Sequence[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    grain: str = "week",
    alpha: float = 0.05,
) -> list[Finding]:
    """Every finding of the store, most significant first.

    Parameters
    ----------
    source : Session, Ibis backend or None
        The store's session (custom KPIs are then known too), or a KPI-engine backend.
    settings : Settings
        ``min_sample`` and the timezone are read from it.
    kpis : sequence of str, optional
        KPI keys (default :data:`DEFAULT_KPIS`, those that exist in the store).
    by : sequence of str, optional
        Dimensions whose segments are scanned, each on the KPIs where it exists (default
        :data:`DEFAULT_BY`); a dimension given here that no KPI has is a usage error.
    since : date, optional
        First day of the window (default: 26 weeks before the last day with data). The
        baseline history is the year before it.
    until : date, optional
        Last day to read (default: the last day with data of each KPI).
    grain : {"week", "day"}
    alpha : float
        Findings are the tests with a q-value below it.

    Examples
    --------
    >>> scan(session, settings, kpis=["nps"], by=["region"])  # doctest: +SKIP
    """
    if grain not in ("week", "day"):
        raise UsageError(f"grain {grain!r}: insights scan days or weeks")
    backend, session = _backend_and_session(source, settings)
    reg = registry(session, settings)
    keys = list(kpis) if kpis is not None else [k for k in DEFAULT_KPIS if k in reg.kpis]
    chosen = [reg.get(key) for key in keys]
    for kpi in chosen:
        if kpi.method not in suff.SERIES_METHODS:
            raise UsageError(f"KPI {kpi.key}: its interval method {kpi.method} has no series test")
    chosen = [kpi for kpi in chosen if _has_rows(backend, kpi)]
    if by is not None:
        _check_dimensions(backend, chosen, by, settings)
    by = DEFAULT_BY if by is None else by
    tested: list[_Tested] = []
    ends = []
    for kpi in chosen:
        end = until or last_day(backend, kpi, settings)
        ends.append(end)
        start = since or end - timedelta(days=WINDOW_DAYS)
        if start > end:
            continue
        tested.extend(_scan_kpi(backend, kpi, settings, by, start, end, grain))
        if kpi.unit == "hours" and kpi.method == "mean_t":
            tested.extend(_weekend(backend, kpi, settings, start, end))
    if since is not None and ends and since > max(ends):
        raise UsageError(f"--since {since} is after the last day with data ({max(ends)})")
    return _findings(tested, settings, alpha)


def _check_dimensions(
    backend: BaseBackend, kpis: list[cat.Kpi], by: Sequence[str], settings: Settings
) -> None:
    """A usage error (with suggestions) for a dimension that no scanned KPI has."""
    for dim in by:
        problems = [_problem(backend, kpi, dim, settings) for kpi in kpis]
        if problems and all(problems):
            raise UsageError(str(problems[0]))


def scan_series(
    source: Session | BaseBackend | None,
    settings: Settings,
    key: str,
    *,
    segment: tuple[str, str] | None = None,
    since: date | None = None,
    until: date | None = None,
    grain: str = "week",
) -> SeriesVerdict:
    """The series tests of one KPI (and one segment ``(dim, value)``), e.g. for an alert.

    The same tests and defaults as :func:`scan`, sizes from the KPI's own comparison, and
    q-values over this series' tests only.

    Examples
    --------
    >>> scan_series(session, settings, "nps", segment=("region", "Vestfold"))  # doctest: +SKIP
    """
    if grain not in RECENT:
        raise UsageError(f"grain {grain!r}: insights scan days or weeks")
    backend, session = _backend_and_session(source, settings)
    kpi = registry(session, settings).get(key)
    if kpi.method not in suff.SERIES_METHODS:
        raise UsageError(f"KPI {key}: its interval method {kpi.method} has no series test")
    if not _has_rows(backend, kpi):
        return SeriesVerdict()
    end = until or last_day(backend, kpi, settings)
    start = since or end - timedelta(days=WINDOW_DAYS)
    dims = [segment[0]] if segment else []
    rows, _dims = _joint_rows(backend, kpi, settings, dims, start, end, grain)
    if segment and not rows.empty:
        rows = (
            rows[rows[segment[0]] == str(segment[1]).lower()]
            if segment[0] == "weekend"
            else (rows[rows[segment[0]] == segment[1]])
        )
    if rows.empty:
        return SeriesVerdict()
    pooled = suff.pool_by(kpi.method, rows, ["period_start"])
    dim, value = segment if segment else (None, None)
    tested = _scan_segment(kpi, dim, value, pooled, start, grain, settings.min_sample)
    return with_qvalues([_own_interval(kpi, t.test, t.rows) for t in tested if t.rows is not None])


def _scan_kpi(
    backend: BaseBackend,
    kpi: cat.Kpi,
    settings: Settings,
    by: Sequence[str],
    start: date,
    end: date,
    grain: str,
) -> list[_Tested]:
    dims = [d for d in by if _exists(backend, kpi, d, settings)]
    rows, dims = _joint_rows(backend, kpi, settings, dims, start, end, grain)
    out: list[_Tested] = []
    if rows.empty:  # nothing measured yet (e.g. no invitations sent)
        return out
    for dim in (None, *dims):
        keys = [dim, "period_start"] if dim else ["period_start"]
        pooled = suff.pool_by(kpi.method, rows, keys)
        groups = pooled.groupby(dim, sort=True) if dim else [(None, pooled)]
        for value, part in groups:
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            label = None if dim is None else str(value)
            out.extend(_scan_segment(kpi, dim, label, part, start, grain, settings.min_sample))
    return out


def _has_rows(backend: BaseBackend, kpi: cat.Kpi) -> bool:
    """Whether the KPI's tables hold any row.

    An empty table has nothing to scan, and the engine fails on some (the time bounds of
    an empty PostgreSQL table; a rate KPI with a grain, in the merge of its numerator
    and denominator).
    """
    names = [kpi.table, *([kpi.stat.numerator] if isinstance(kpi.stat, cat.Rate) else [])]
    present = table_names(backend)
    return all(n in present and scalar(table(backend, n).limit(1).count()) > 0 for n in names)


def _exists(backend: BaseBackend, kpi: cat.Kpi, dim: str, settings: Settings) -> bool:
    """Whether ``dim`` is a dimension of the KPI's table (and of its numerator's)."""
    return _problem(backend, kpi, dim, settings) is None


def _problem(backend: BaseBackend, kpi: cat.Kpi, dim: str, settings: Settings) -> str | None:
    """Why ``dim`` is not a dimension of the KPI (the engine's message), or None."""
    tables = table_names(backend)
    names = [kpi.table]
    if isinstance(kpi.stat, cat.Rate):
        names.append(kpi.stat.numerator)
    try:
        for name in names:
            resolve_dimensions(Source(backend, name, kpi.time_column, settings.tz), [dim], tables)
    except UsageError as error:
        return str(error)
    return None


def _joint_rows(
    backend: BaseBackend,
    kpi: cat.Kpi,
    settings: Settings,
    dims: list[str],
    start: date,
    end: date,
    grain: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Sufficient statistics per period and combination of every dimension, in one query.

    One query per KPI rather than one per dimension: the statistics add up, so each
    dimension's segments are pooled from the joint rows afterwards.
    """
    query = Query(by=tuple(dims), grain=grain, start=start - timedelta(HISTORY_DAYS), end=end)
    stats, _first, _last = sufficient(backend, kpi, query, settings.tz)
    return _keyed(stats, dims, end, grain), dims


def _keyed(stats: pd.DataFrame, dims: list[str], end: date, grain: str) -> pd.DataFrame:
    """The engine's rows keyed by dimension name and period, complete periods only.

    Periods without rows stay absent (the series tests skip n = 0 anyway), which spares
    filling every segment × period of a joint breakdown.
    """
    if stats.empty or PERIOD not in stats.columns:
        return pd.DataFrame(columns=[*dims, "period_start", "n"])
    rows = stats.rename(columns={f"_k{i}": name for i, name in enumerate(dims)})
    for name in dims:
        labels = {v: _label(name, v) for v in rows[name].unique()}
        rows[name] = rows[name].map(labels)
    rows["period_start"] = rows[PERIOD].astype("str")
    starts = {p: date.fromisoformat(p) for p in rows["period_start"].unique()}
    complete = dict(zip(starts, complete_periods(list(starts.values()), end, grain), strict=True))
    return rows[rows["period_start"].map(complete)].drop(columns=[PERIOD]).reset_index(drop=True)


def _label(dim: str, raw: object) -> str | None:
    if raw is None or raw == MISSING or (isinstance(raw, float) and np.isnan(raw)):
        return None
    if dim == "weekend":
        return "true" if str(raw).lower() in ("true", "1") else "false"
    return str(raw)


def _scan_segment(
    kpi: cat.Kpi,
    dim: str | None,
    value: str | None,
    rows: pd.DataFrame,
    start: date,
    grain: str,
    min_n: int,
) -> list[_Tested]:
    rows = rows[pd.to_numeric(rows["n"]) > 0].set_index("period_start")
    if rows.empty or float(pd.to_numeric(rows["n"]).sum()) < min_n:
        return []
    scale = scale_of(kpi)
    verdict = anomaly_in_series(
        pd.Series(suff.values(kpi.method, rows, scale), index=rows.index),
        pd.Series(pd.to_numeric(rows["n"]).to_numpy(dtype="float64"), index=rows.index),
        sd=pd.Series(suff.unit_sd(kpi.method, rows, scale), index=rows.index),
        since=start,
        grain=grain,
        min_n=min_n,
        recent=RECENT[grain],
    )
    return [_Tested(kpi, dim, value, t, rows) for t in verdict.tests]


def _own_interval(kpi: cat.Kpi, test: SeriesTest, rows: pd.DataFrame) -> SeriesTest:
    """Size and 95 % interval from the KPI's own comparison of the pooled periods."""
    if not test.baseline_periods:
        return test
    now = rows.loc[[d.isoformat() for d in test.periods]]
    before = rows.loc[[d.isoformat() for d in test.baseline_periods]]
    diff = suff.compare(kpi.method, now, before, scale_of(kpi))
    if not np.isfinite(diff.low[0]):
        return test
    size = float(diff.diff[0])
    return replace(
        test,
        size=size,
        ci_low=float(diff.low[0]),
        ci_high=float(diff.high[0]),
        baseline=test.current - size,
    )


def weekend_split(
    backend: BaseBackend, kpi: cat.Kpi, settings: Settings, start: date, end: date
) -> SeriesTest | None:
    """Weekend days against weekdays of a mean KPI: difference and ratio with intervals.

    The ratio's interval is the delta-method interval of the log ratio
    (``Var log m ≈ sd² / (n m²)``); the difference is Welch's (the KPI's own comparison).
    """
    query = Query(by=("weekend",), start=start, end=end)
    stats, first, last = sufficient(backend, kpi, query, settings.tz)
    rows = filled(kpi, query, stats, first, last)
    weekend = rows[rows["weekend"] == True]  # noqa: E712 - an object column of booleans
    weekday = rows[rows["weekend"] == False]  # noqa: E712
    if weekend.empty or weekday.empty:
        return None
    n1, m1, s1 = (float(weekend[c].iloc[0]) for c in ("n", "mean", "sd"))
    n0, m0, s0 = (float(weekday[c].iloc[0]) for c in ("n", "mean", "sd"))
    if min(n0, n1) < settings.min_sample or not (m0 > 0 and m1 > 0):
        return None
    diff = compare_means(n1, m1, s1, n0, m0, s0)
    return SeriesTest(
        kind="weekend",
        since=start,
        size=float(diff.diff[0]),
        ci_low=float(diff.low[0]),
        ci_high=float(diff.high[0]),
        p_value=float(diff.p_value[0]),
        n=int(n1),
        n_baseline=int(n0),
        baseline=m0,
        current=m1,
        periods=(start, end),
        ratio=_ratio(n1, m1, s1, n0, m0, s0),
    )


def _ratio(
    n1: float, m1: float, s1: float, n0: float, m0: float, s0: float
) -> tuple[float, float, float]:
    se = float(np.sqrt(s1**2 / (n1 * m1**2) + s0**2 / (n0 * m0**2)))
    log_ratio = float(np.log(m1 / m0))
    z = float(sps.norm.ppf(0.5 + LEVEL / 2))
    low, high = np.exp(log_ratio - z * se), np.exp(log_ratio + z * se)
    return float(np.exp(log_ratio)), float(low), float(high)


def _weekend(
    backend: BaseBackend, kpi: cat.Kpi, settings: Settings, start: date, end: date
) -> list[_Tested]:
    test = weekend_split(backend, kpi, settings, start, end)
    return [_Tested(kpi, "weekend", "true", test, None)] if test is not None else []


def _findings(tested: list[_Tested], settings: Settings, alpha: float) -> list[Finding]:
    q = bh_qvalues([t.test.p_value for t in tested]) if tested else np.array([])
    out = []
    for item, q_value in zip(tested, q, strict=True):
        test = item.test
        if not test.eligible or not q_value < alpha or test.n < settings.min_sample:
            continue
        if test.n_baseline and test.n_baseline < settings.min_sample:
            continue
        if item.rows is not None:
            test = _own_interval(item.kpi, test, item.rows)
        out.append(_finding(item, test, float(q_value)))
    return sorted(out, key=lambda f: (f.q_value, f.p_value, -abs(f.size)))


def _finding(item: _Tested, test: SeriesTest, q_value: float) -> Finding:
    ratio = test.ratio or (None, None, None)
    return Finding(
        kpi=item.kpi.key,
        dim=item.dim,
        value=item.value,
        kind=test.kind,
        since=test.since,
        size=test.size,
        ci_low=test.ci_low,
        ci_high=test.ci_high,
        p_value=test.p_value,
        q_value=q_value,
        n=test.n,
        baseline=test.baseline,
        current=test.current,
        n_baseline=test.n_baseline,
        ratio=ratio[0],
        ratio_low=ratio[1],
        ratio_high=ratio[2],
        z=test.z,
    )
