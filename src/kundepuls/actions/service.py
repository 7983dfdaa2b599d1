"""Use cases of improvement actions: record them, change them, measure their effect."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kundepuls.actions import effect, repository
from kundepuls.actions.models import Action
from kundepuls.actions.schemas import (
    ActionCreate,
    ActionUpdate,
    EffectOut,
    EstimateOut,
    PeriodStat,
    WeekPoint,
)
from kundepuls.kit.errors import NotFoundError, UsageError
from kundepuls.kit.times import local_midnight
from kundepuls.stats import mean_t, wilson
from kundepuls.stats import nps as nps_interval

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_BEFORE_DAYS = 28


def parse_segment(text: str, field: str = "segment") -> tuple[str, str]:
    """``"weekend=true"`` → ``("weekend", "true")``; weekday names become 0–6.

    >>> parse_segment("weekday=Saturday")
    ('weekday', '5')
    """
    dim, sep, value = text.partition("=")
    dim, value = dim.strip(), value.strip()
    if not sep or not dim or not value:
        raise UsageError(f"{field}: {text!r} is not DIM=VALUE (e.g. weekend=true)")
    value = value.lower()
    if dim == "weekday" and value in WEEKDAYS:
        value = str(WEEKDAYS.index(value))
    return dim, value


def _check(action: Action) -> None:
    repository.unit_kpi(action.kpi)
    for field in ("segment", "compare"):
        text = getattr(action, field)
        if text is not None:
            parse_segment(text, field)
    if action.compare and not action.segment:
        raise UsageError("compare: a comparison segment needs the action's own --segment")
    if action.end_date and action.end_date <= action.start_date:
        raise UsageError(f"end_date: {action.end_date} is not after start_date {action.start_date}")


def add_action(session: Session, data: ActionCreate) -> Action:
    """Record a new action after checking its KPI, segments and dates."""
    action = Action(**data.model_dump())
    _check(action)
    return repository.add_action(session, action)


def get_action(session: Session, action_id: int) -> Action:
    action = repository.get_action(session, action_id)
    if action is None:
        raise NotFoundError(f"action {action_id}: no such action")
    return action


def list_actions(session: Session, status: str | None = None) -> list[Action]:
    return repository.list_actions(session, status)


def update_action(session: Session, action_id: int, data: ActionUpdate) -> Action:
    """Change the given fields of an action."""
    action = get_action(session, action_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(action, name, value)
    _check(action)
    session.flush()
    return action


def delete_action(session: Session, action_id: int) -> None:
    repository.delete_action(session, get_action(session, action_id))


def _windows(action: Action, today: date, before_days: int | None) -> tuple[date, date, date]:
    """Start of the before period, the action's start, and the (exclusive) end of after."""
    after_end = min(action.end_date or today, today)
    if after_end <= action.start_date:
        raise UsageError(f"action {action.id}: starts {action.start_date}, no data after it yet")
    days = before_days or max(MIN_BEFORE_DAYS, (after_end - action.start_date).days)
    return action.start_date - timedelta(days=days), action.start_date, after_end


def _frame(
    session: Session,
    action: Action,
    key: str,
    compare: str | None,
    window: tuple[date, date, date],
    tz: ZoneInfo,
) -> pd.DataFrame:
    """Unit rows of both periods with ``after``, ``days``, ``dow`` and ``treated``/``group``."""
    segments = [parse_segment(s) for s in (action.segment, compare) if s]
    dims = list(dict.fromkeys(d for d, _ in segments))
    start, begin, end = (local_midnight(d, tz) for d in window)
    rows = repository.unit_rows(session, key, start, end, dims, tz)
    local = rows["at"].dt.tz_convert(tz)
    rows["after"] = rows["at"] >= begin
    rows["days"] = (rows["at"] - begin).dt.total_seconds() / 86400.0
    rows["dow"] = local.dt.day_of_week
    rows["local"] = local
    rows["group"] = "all"
    for name, (dim, value) in zip(("treated", "compare"), segments, strict=False):
        match = rows[dim].fillna("").str.lower() == value
        rows.loc[match & (rows["group"] == "all"), "group"] = name
    return rows


def _out(estimate: effect.Estimate | None) -> EstimateOut | None:
    if estimate is None:
        return None
    return EstimateOut(**vars(estimate), significant=estimate.significant)


def measure_effect(
    session: Session,
    action_id: int,
    *,
    tz: ZoneInfo,
    compare: str | None = None,
    before_days: int | None = None,
    today: date | None = None,
    kpi: str | None = None,
    expected: float | None = None,
) -> EffectOut:
    """The action's effect on its KPI: before/after, interrupted time series and, with a
    comparison segment (``compare`` or the action's own), difference-in-differences.

    The before period is as long as the after period (at least four weeks) unless
    ``before_days`` says otherwise; the after period runs to the end date or ``today``.
    ``kpi`` measures another KPI over the same segment and dates (e.g. CSAT next to
    first response times); the action's expected effect then does not apply, and
    ``expected`` gives one in that KPI's unit for the power calculation.
    """
    action = get_action(session, action_id)
    compare = compare or action.compare
    if compare and not action.segment:
        raise UsageError("--compare needs an action with a segment (e.g. weekend=true)")
    today = today or datetime.now(UTC).astimezone(tz).date()
    window = _windows(action, today, before_days)
    key = kpi or action.kpi
    rows = _frame(session, action, key, compare, window, tz)
    unit = repository.unit_kpi(key)
    own = rows[rows["group"] == ("treated" if action.segment else "all")]
    before, after = (
        own.loc[own["after"] == flag, "value"].to_numpy(float) for flag in (False, True)
    )
    did = None
    if compare:
        both = rows[rows["group"] != "all"].assign(treated=lambda f: f["group"] == "treated")
        did = effect.difference_in_differences(both)
    estimates = {
        "before_after": effect.before_after(unit.kind, before, after),
        "interrupted_time_series": effect.interrupted_time_series(own),
        "difference_in_differences": did,
    }
    if expected is None and key == action.kpi:
        expected = action.expected_effect
    report = _report(action, unit, compare, window, estimates, before, after, expected)
    report.weekly = _weekly(rows)
    groups: list[Literal["all", "treated", "compare"]] = ["treated" if action.segment else "all"]
    groups += ["compare"] if compare else []
    report.periods = [period_stat(rows, unit.kind, g, p) for g in groups for p in PERIODS]
    return report


PERIODS: tuple[Literal["before", "after"], ...] = ("before", "after")


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def period_stat(
    rows: pd.DataFrame, kind: str, group: Literal["all", "treated", "compare"], period: str
) -> PeriodStat:
    """The KPI of one group in one period, with the KPI's own 95 % interval.

    Shares use Wilson, NPS its delta-method interval, means Student's t (as the KPI engine).
    """
    values = rows.loc[
        (rows["group"] == group) & (rows["after"] == (period == "after")), "value"
    ].to_numpy(float)
    n = len(values)
    if kind == "share":
        interval = wilson(n, int((values > 0).sum()))
    elif kind == "nps":
        interval = nps_interval(n, int((values > 0).sum()), int((values < 0).sum()))
    else:
        sd = values.std(ddof=1) if n > 1 else float("nan")
        interval = mean_t(n, values.mean() if n else float("nan"), sd)
    value, low, high = (_finite(a[0]) for a in (interval.value, interval.low, interval.high))
    return PeriodStat(
        group=group,
        period="after" if period == "after" else "before",
        value=value,
        ci_low=low,
        ci_high=high,
        n=n,
    )


def _weekly(rows: pd.DataFrame) -> list[WeekPoint]:
    """Weekly means per group (weeks start on Monday, local time), for the chart."""
    if rows.empty:
        return []
    week = (rows["local"].dt.normalize() - pd.to_timedelta(rows["dow"], unit="D")).dt.date
    grouped = (
        rows.groupby([week.rename("week"), "group"])["value"].agg(["mean", "size"]).reset_index()
    )
    return [
        WeekPoint(week_start=w, group=g, value=float(m), n=int(n))
        for w, g, m, n in grouped.itertuples(index=False)
    ]


def _report(
    action: Action,
    kpi: repository.UnitKpi,
    compare: str | None,
    window: tuple[date, date, date],
    estimates: dict[str, effect.Estimate | None],
    before: np.ndarray,
    after: np.ndarray,
    expected: float | None,
) -> EffectOut:
    order = ("difference_in_differences", "interrupted_time_series", "before_after")
    headline = next((estimates[m] for m in order if estimates[m] is not None), None)
    verdict, more, message = _verdict(action, compare, headline, kpi, expected)
    return EffectOut(
        action_id=action.id,
        kpi=kpi.key,
        label=kpi.label,
        segment=action.segment,
        compare=compare,
        before_start=window[0],
        start=window[1],
        after_end=window[2] - timedelta(days=1),
        mean_before=float(before.mean()) if len(before) else None,
        mean_after=float(after.mean()) if len(after) else None,
        before_after=_out(estimates["before_after"]),
        interrupted_time_series=_out(estimates["interrupted_time_series"]),
        difference_in_differences=_out(estimates["difference_in_differences"]),
        headline=headline.method if headline else None,
        verdict=verdict,
        more_needed=more,
        message=message,
    )


def _number(x: float) -> str:
    return f"{x:+.2f}".replace("-", "−")


def _verdict(
    action: Action,
    compare: str | None,
    e: effect.Estimate | None,
    kpi: repository.UnitKpi,
    target: float | None,
) -> tuple[str, int | None, str]:
    where = f" in {action.segment}" if action.segment else ""
    if e is None:
        return (
            "cannot_tell",
            None,
            (
                f"Too little data to tell: {kpi.label}{where} needs at least "
                f"{effect.MIN_UNITS} {kpi.unit} before and after {action.start_date}"
                + (f" in both {action.segment} and {compare}." if compare else ".")
            ),
        )
    versus = f" compared with {compare}" if compare else ""
    p = "p < 0.001" if e.p_value < 0.001 else f"p = {e.p_value:.3f}"
    said = (
        f"{kpi.label}{where} changed by {_number(e.effect)}{versus} "
        f"(95 % CI {_number(e.ci_low)} to {_number(e.ci_high)}, {p}; "
        f"{e.n_before} {kpi.unit} before, {e.n_after} after)"
    )
    if e.significant:
        verdict = "improved" if (e.effect < 0) == kpi.lower_is_better else "worsened"
        return verdict, None, f"{said}: {verdict}."
    return _unclear(said, e, kpi, target)


def _unclear(
    said: str, e: effect.Estimate, kpi: repository.UnitKpi, target: float | None
) -> tuple[str, int | None, str]:
    """The verdict for a non-significant change: ruled out, or how much more data."""
    if not target:
        hint = (
            f"give an expected effect in {kpi.label} to learn how many more {kpi.unit} are needed"
        )
        return "cannot_tell", None, f"{said}: the data cannot tell yet; {hint}."
    if not e.ci_low <= target <= e.ci_high:
        return (
            "no_change",
            0,
            f"{said}: no clear change; an effect of {_number(target)} is ruled out.",
        )
    more = effect.more_needed(e, target)
    if not more:
        return "cannot_tell", None, f"{said}: the data cannot tell yet."
    need = f"about {more} more {kpi.unit} needed to detect a change of {_number(target)}"
    return "cannot_tell", more, f"{said}: the data cannot tell yet — {need}."
