"""Anomaly rules: the insights engine judges the KPI's daily series.

A window shorter than two weeks is judged day by day: the KPI per local day over the
window and the eight weeks before it, each day of the window against the same kind of day
(weekday or weekend) in the weeks before. A longer window is judged week by week (the
complete weeks that overlap it against the 26 weeks before), which suits a business with
too few answers a day. :func:`kundepuls.insights.anomalies.anomaly_in_series` runs the
tests, with q-values over the tests of the series. The rule fires when a period of the
window is an anomaly (q < 0.05) in the watched direction; a period below ``min_sample`` is
never an anomaly, and a window where every period is below it is a low sample, which
never alerts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from kundepuls.alerts.evaluate import (
    FIRING,
    LOW_SAMPLE,
    NO_DATA,
    OK,
    Decision,
    watched,
    where_of,
    window,
)
from kundepuls.alerts.models import AlertRule
from kundepuls.config import Settings
from kundepuls.insights.anomalies import anomaly_in_series, sd_from_interval
from kundepuls.kpis import service as kpis

HISTORY_DAYS = 56
HISTORY_WEEKS = 26
WEEKLY_FROM_DAYS = 14
ALPHA = 0.05


def grain_of(rule: AlertRule) -> str:
    return "week" if rule.window_days >= WEEKLY_FROM_DAYS else "day"


def _series(
    session: Session, settings: Settings, rule: AlertRule, now: datetime
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KPI's periods (history and window) and those of the window alone."""
    start, end = window(rule, now, settings)
    grain = grain_of(rule)
    back = timedelta(days=HISTORY_DAYS) if grain == "day" else timedelta(weeks=HISTORY_WEEKS)
    query = kpis.make_query(grain=grain, start=start - back, end=end, where=where_of(rule.segment))
    rows = kpis.show(session, settings, rule.kpi, query)
    rows.index = pd.to_datetime(rows["period_start"])
    if grain == "day":
        return rows, rows[rows.index >= pd.Timestamp(start)]
    # Only complete weeks: a week in progress would read as a sudden drop in any count.
    week = pd.Timedelta(days=6)
    rows = rows[rows.index <= pd.Timestamp(end) - week]
    return rows, rows[rows.index >= pd.Timestamp(start) - week]


def anomaly(session: Session, settings: Settings, rule: AlertRule, now: datetime) -> Decision:
    """Fire when a day of the window is unusual for its kind of day, in the watched way."""
    start, end = window(rule, now, settings)
    rows, recent = _series(session, settings, rule, now)
    decision = Decision(OK, start, end, extra={"direction": rule.direction})
    if recent.empty or int(recent["n"].sum()) == 0:
        decision.status = NO_DATA
        return decision
    if int(recent["n"].max()) < settings.min_sample:
        decision.status, decision.n = LOW_SAMPLE, int(recent["n"].max())
        return decision
    verdict = anomaly_in_series(
        rows["value"], rows["n"], sd=sd_from_interval(rows["ci_low"], rows["ci_high"], rows["n"]),
        since=recent.index[0].date(), grain=grain_of(rule), min_n=settings.min_sample,
        recent=len(recent),
    )  # fmt: skip
    better = kpis.registry(session, settings).get(rule.kpi).higher_is_better
    hits = [
        test for test in verdict.findings(ALPHA)
        if test.kind == "anomaly" and watched(rule.direction, test.size, better)
    ]  # fmt: skip
    shown = hits[0] if hits else None
    day = pd.Timestamp(shown.since) if shown else recent[recent["n"] > 0].index[-1]
    row = rows[rows.index == day].iloc[0]
    decision.value, decision.n = float(row["value"]), int(row["n"])
    decision.ci_low, decision.ci_high = float(row["ci_low"]), float(row["ci_high"])
    if shown is not None:
        decision.status = FIRING
        decision.extra.update(day=shown.since.isoformat(), expected=shown.baseline,
                              p_value=shown.p_value, q_value=shown.q_value)  # fmt: skip
    return decision
