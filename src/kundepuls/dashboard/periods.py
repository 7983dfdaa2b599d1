"""The overview's period picker: named periods, the period before each, and the sparkline.

Every period is a span of local dates (``end`` inclusive), as ``kpi show --from/--to``
takes them. "This month" runs from the first to today; its baseline is the same days of
the previous month, so a month-to-date is never compared with a whole month.

>>> p = resolve("last_month", None, None, date(2026, 12, 4))
>>> print(p.start, p.end, *p.previous)
2026-11-01 2026-11-30 2026-10-01 2026-10-31
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from kundepuls.kit.errors import UsageError
from kundepuls.kpis.periods import floor_date, shift

PERIODS = (
    "last_7_days",
    "last_30_days",
    "last_90_days",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "year_to_date",
)
DEFAULT = "last_30_days"
CUSTOM = "custom"
SPARK_POINTS = 12


@dataclass(frozen=True)
class Period:
    """A chosen period, its baseline and the span of its sparkline."""

    key: str
    start: date
    end: date
    previous: tuple[date, date]
    grain: str  # of the sparkline: week for short periods, month for longer ones
    spark_start: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def query_string(self) -> str:
        """The period as URL parameters (the KPI detail page takes the same)."""
        text = f"period={self.key}&from={self.start.isoformat()}&to={self.end.isoformat()}"
        return text


def _same_days_before(start: date, end: date, grain: str) -> tuple[date, date]:
    """The same stretch of the previous month or quarter (clipped to its last day)."""
    first = shift(start, grain, -1)
    offset = (end - start).days
    last_of_period = shift(start, grain, 0) - timedelta(days=1)
    return first, min(first + timedelta(days=offset), last_of_period)


def _named(key: str, today: date) -> tuple[date, date, tuple[date, date]]:
    if key.startswith("last_") and key.endswith("_days"):
        days = int(key.split("_")[1])
        start = today - timedelta(days=days - 1)
        return start, today, (start - timedelta(days=days), start - timedelta(days=1))
    if key in ("this_month", "this_quarter"):
        grain = key.removeprefix("this_")
        start = floor_date(today, grain)
        return start, today, _same_days_before(start, today, grain)
    if key in ("last_month", "last_quarter"):
        grain = key.removeprefix("last_")
        start = shift(floor_date(today, grain), grain, -1)
        end = shift(start, grain, 1) - timedelta(days=1)
        before = shift(start, grain, -1)
        return start, end, (before, start - timedelta(days=1))
    if key == "year_to_date":
        start = today.replace(month=1, day=1)
        last_year = start.replace(year=start.year - 1)
        day = min(today.day, calendar.monthrange(today.year - 1, today.month)[1])
        return start, today, (last_year, today.replace(year=today.year - 1, day=day))
    raise UsageError(f"period {key!r} is unknown; use one of: {', '.join(PERIODS)} or custom")


def _date(text: str | None, field: str) -> date:
    if not text:
        raise UsageError(f"{field}: give a date (YYYY-MM-DD) for a custom period")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{field} {text!r} is not a date; write it as YYYY-MM-DD") from None


def resolve(key: str | None, start: str | None, end: str | None, today: date) -> Period:
    """The period named ``key`` (or the custom ``start``..``end``) as seen on ``today``.

    A ``from``/``to`` without a known ``period`` (or with ``period=custom``) is a custom
    span; its baseline is the span of the same length just before it.
    """
    if key in (None, "", CUSTOM) and (start or end):
        first, last = _date(start, "from"), _date(end or start, "to")
        if first > last:
            raise UsageError(f"from {first} is after to {last}; give the earlier date first")
        length = last - first + timedelta(days=1)
        previous = (first - length, first - timedelta(days=1))
        name = CUSTOM
    else:
        name = key or DEFAULT
        first, last, previous = _named(name, today)
    grain = "week" if (last - first).days < 45 else "month"
    spark_start = shift(floor_date(last, grain), grain, -(SPARK_POINTS - 1))
    return Period(name, first, last, previous, grain, spark_start)
