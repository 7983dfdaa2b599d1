"""Periods in the configured timezone over times stored as naive UTC.

Backends differ in how (and whether) they convert time zones, so the engine never asks
them to: the zone's UTC offsets over the queried span are worked out here, in Python, and
the backend only adds a literal interval per span (a short ``CASE``). Everything after that
— truncation to a grain, weekday, hour — is plain wall-clock arithmetic that every backend
does the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir

from kundepuls.kit.errors import UsageError
from kundepuls.kit.times import local_midnight

GRAINS = ("day", "week", "month", "quarter", "year")
_TRUNCATE = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}


@dataclass(frozen=True)
class Span:
    """A half-open span of UTC instants ``[start, end)`` (aware datetimes)."""

    start: datetime
    end: datetime


def check_grain(grain: str | None) -> str | None:
    """The grain itself, or a usage error naming the grains there are."""
    if grain is not None and grain not in GRAINS:
        raise UsageError(f"unsupported grain {grain!r}; use one of: {', '.join(GRAINS)}")
    return grain


def date_span(start: date | None, end: date | None, tz: ZoneInfo) -> tuple[datetime | None, ...]:
    """UTC bounds for local dates ``start``..``end`` (``end`` inclusive); None stays open."""
    if start is not None and end is not None and start > end:
        raise UsageError(f"--from {start} is after --to {end}; give the earlier date first")
    low = local_midnight(start, tz) if start is not None else None
    high = local_midnight(end + timedelta(days=1), tz) if end is not None else None
    return low, high


def offsets(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, timedelta]]:
    """The zone's UTC offsets over ``[start, end]``: ``(from_instant, offset)`` ascending.

    >>> from zoneinfo import ZoneInfo
    >>> spans = offsets(ZoneInfo("Europe/Oslo"), datetime(2026, 1, 1), datetime(2026, 12, 31))
    >>> [(s.strftime("%m-%d %H"), o.seconds // 3600) for s, o in spans]
    [('01-01 00', 1), ('03-29 01', 2), ('10-25 01', 1)]
    """
    start, end = start.replace(tzinfo=UTC), end.replace(tzinfo=UTC)

    def at(moment: datetime) -> timedelta:
        value = moment.astimezone(tz).utcoffset()
        return value if value is not None else timedelta(0)

    found = [(start, at(start))]
    day = start
    while day < end:
        nxt = min(day + timedelta(days=1), end)
        if at(nxt) != found[-1][1]:
            # Bisect to the minute inside the day; zones change on whole minutes.
            low, high = day, nxt
            while high - low > timedelta(minutes=1):
                mid = low + (high - low) / 2
                low, high = (mid, high) if at(mid) == found[-1][1] else (low, mid)
            found.append((high.replace(second=0, microsecond=0), at(nxt)))
        day = nxt
    return [(moment.replace(tzinfo=None), offset) for moment, offset in found]


def to_local(ts: ir.TimestampValue, tz: ZoneInfo, start: datetime, end: datetime) -> ir.Value:
    """Wall-clock time in ``tz`` of a naive-UTC column, exact for instants in the span."""
    spans = offsets(tz, start, end)
    if len(spans) == 1:
        return ts + ibis.interval(seconds=int(spans[0][1].total_seconds()))
    branches = [
        (ts < spans[i + 1][0], ts + ibis.interval(seconds=int(offset.total_seconds())))
        for i, (_moment, offset) in enumerate(spans[:-1])
    ]
    last = ts + ibis.interval(seconds=int(spans[-1][1].total_seconds()))
    return ibis.cases(*branches, else_=last)


def period_start(local: ir.TimestampValue, grain: str) -> ir.Value:
    """The first day of the grain's period containing the wall-clock time ``local``."""
    return local.truncate(_TRUNCATE[grain]).date()


def floor_date(day: date, grain: str) -> date:
    """The first day of the period of ``grain`` that contains ``day``.

    >>> floor_date(date(2027, 1, 1), "week")  # ISO week 53 of 2026 began on Monday
    datetime.date(2026, 12, 28)
    """
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def shift(start: date, grain: str, steps: int) -> date:
    """The start of the period ``steps`` periods after the one starting at ``start``."""
    if grain == "day":
        return start + timedelta(days=steps)
    if grain == "week":
        return start + timedelta(weeks=steps)
    months = {"month": 1, "quarter": 3, "year": 12}[grain] * steps
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def periods(first: date, last: date, grain: str) -> list[date]:
    """Starts of every period of ``grain`` from the one containing ``first`` to ``last``.

    >>> periods(date(2026, 11, 20), date(2027, 1, 3), "month")
    [datetime.date(2026, 11, 1), datetime.date(2026, 12, 1), datetime.date(2027, 1, 1)]
    """
    out, current = [], floor_date(first, grain)
    while current <= last:
        out.append(current)
        current = shift(current, grain, 1)
    return out


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar date in ``tz`` of a naive-UTC or aware instant."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()
