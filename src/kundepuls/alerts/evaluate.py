"""Deciding whether a rule's KPI is wrong now: threshold, change and anomaly.

Every decision reads the KPI through the KPI service, with its n and 95 % interval, and
never fires on a low sample (n below ``settings.min_sample``): such a decision keeps the
rule's state as it is, so a thin day neither raises nor clears an alert.

Threshold: the rule fires only when the *whole* interval is on the wrong side of the
limit, and clears only when the point value is back on the right side; in between the
state is kept (hysteresis), so a value near the limit does not flap.
Change: this window vs the window of the same length just before; fires when the
difference is significant (p < 0.05) in the watched direction.

A window is the last ``window_days`` local days up to and including today, so an alert
comes the same day; today counts as far as it has come, which matters only for counts
(``complaint_count``), where a change rule compares part of a day with a whole one.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from kundepuls.alerts.models import AlertRule
from kundepuls.config import Settings
from kundepuls.kpis import service as kpis

ALPHA = 0.05
FIRING, OK, HOLD, LOW_SAMPLE, NO_DATA = "firing", "ok", "hold", "low_sample", "no_data"


@dataclass
class Decision:
    """What one evaluation found: the status it points to and the numbers behind it."""

    status: str
    start: date
    end: date
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO text, NaN as None)."""
        out: dict[str, Any] = asdict(self)
        out["start"], out["end"] = self.start.isoformat(), self.end.isoformat()
        cleaned: dict[str, Any] = _clean(out)
        return cleaned


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def where_of(segment: str) -> list[str]:
    """``"region=Nord;channel=email"`` as ``["region=Nord", "channel=email"]``."""
    return [part for part in segment.split(";") if part]


def window(rule: AlertRule, now: datetime, settings: Settings) -> tuple[date, date]:
    """The local days the rule looks at: the last ``window_days`` days up to today."""
    today = now.astimezone(settings.tz).date()
    return today - timedelta(days=rule.window_days - 1), today


def evidence_link(settings: Settings, kpi: str, start: date, end: date, segment: str) -> str:
    """The KPI page that shows the numbers behind an alert."""
    query = [("from", start.isoformat()), ("to", end.isoformat())]
    query += [("where", item) for item in where_of(segment)]
    return f"{settings.base_url.rstrip('/')}/kpis/{kpi}?{urlencode(query)}"


def _f(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _kpi_row(
    session: Session, settings: Settings, rule: AlertRule, start: date, end: date
) -> dict[str, Any]:
    query = kpis.make_query(start=start, end=end, where=where_of(rule.segment))
    frame = kpis.show(session, settings, rule.kpi, query)
    if frame.empty:
        return {"value": None, "n": 0, "ci_low": None, "ci_high": None}
    row = frame.iloc[0]
    return {
        "value": _f(row["value"]),
        "n": int(row["n"]),
        "ci_low": _f(row["ci_low"]),
        "ci_high": _f(row["ci_high"]),
    }


def _screen(decision: Decision, settings: Settings) -> Decision | None:
    """The low-sample or no-data decision, or None when the numbers can be judged."""
    if decision.value is None or decision.n == 0:
        decision.status = NO_DATA
        return decision
    if decision.n < settings.min_sample:
        decision.status = LOW_SAMPLE
        return decision
    return None


def threshold(session: Session, settings: Settings, rule: AlertRule, now: datetime) -> Decision:
    """Fire when the whole interval is beyond the limit; clear when the value is back."""
    start, end = window(rule, now, settings)
    decision = Decision(HOLD, start, end, **_kpi_row(session, settings, rule, start, end))
    decision.extra = {"threshold": rule.threshold, "direction": rule.direction}
    if _screen(decision, settings) or rule.threshold is None:
        return decision
    value, limit = float(decision.value or 0.0), rule.threshold
    low = decision.ci_low if decision.ci_low is not None else value
    high = decision.ci_high if decision.ci_high is not None else value
    if rule.direction == "below":
        decision.status = FIRING if high < limit else OK if value >= limit else HOLD
    else:
        decision.status = FIRING if low > limit else OK if value <= limit else HOLD
    return decision


def watched(direction: str, diff: float, higher_is_better: bool) -> bool:
    """Whether a change of sign ``diff`` is one the rule watches for."""
    if direction == "any":
        return diff != 0
    if direction == "worse":
        direction = "below" if higher_is_better else "above"
    return diff < 0 if direction == "below" else diff > 0


def change(session: Session, settings: Settings, rule: AlertRule, now: datetime) -> Decision:
    """Fire when this window differs significantly (p < 0.05) from the one before, in the
    watched direction; both windows need ``min_sample`` units."""
    start, end = window(rule, now, settings)
    query = kpis.make_query(start=start, end=end, where=where_of(rule.segment))
    frame = kpis.compare(session, settings, rule.kpi, query, against="previous")
    row = frame.iloc[0]
    kpi = kpis.registry(session, settings).get(rule.kpi)
    decision = Decision(HOLD, start, end, _f(row["value"]), None, None, int(row["n"]))
    decision.extra = {
        "direction": rule.direction,
        "baseline": str(row["baseline"]),
        "baseline_value": _f(row["baseline_value"]),
        "baseline_n": int(row["baseline_n"]),
        "diff": _f(row["diff"]),
        "diff_low": _f(row["diff_low"]),
        "diff_high": _f(row["diff_high"]),
        "p_value": _f(row["p_value"]),
    }
    if _screen(decision, settings):
        return decision
    if decision.extra["baseline_n"] < settings.min_sample:
        decision.status = LOW_SAMPLE
        decision.n = min(decision.n, decision.extra["baseline_n"])
        return decision
    diff, p = decision.extra["diff"], decision.extra["p_value"]
    significant = diff is not None and p is not None and p < ALPHA
    hit = significant and watched(rule.direction, float(diff or 0.0), kpi.higher_is_better)
    decision.status = FIRING if hit else OK
    return decision


def decide(session: Session, settings: Settings, rule: AlertRule, now: datetime) -> Decision:
    """The decision of ``rule`` at ``now``."""
    if rule.kind == "threshold":
        return threshold(session, settings, rule, now)
    if rule.kind == "change":
        return change(session, settings, rule, now)
    from kundepuls.alerts.anomaly import anomaly

    return anomaly(session, settings, rule, now)
