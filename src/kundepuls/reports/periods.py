"""Report periods written as text: a year, a quarter, a month or an ISO week.

A period knows its first and last local day, the period before it (of the same kind) and
the grain and span of its trend charts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from kundepuls.kit.errors import UsageError

FORMS = "2026 (year), 2026-Q3 (quarter), 2026-09 (month) or 2026-W36 (ISO week)"
_PATTERN = re.compile(r"(\d{4})(?:-(?:Q(\d+)|W(\d+)|(\d+)))?", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A calendar period: ``kind`` is year, quarter, month or week; ``end`` is inclusive."""

    kind: str
    label: str
    start: date
    end: date

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return parse_period(_label(self.kind, self.start - timedelta(days=1)))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def trend_grain(self) -> str:
        """Weekly points for a week's report, monthly points otherwise."""
        return "week" if self.kind == "week" else "month"

    @property
    def trend_start(self) -> date:
        """The first day of the trend charts: 12 weeks, or 12 months, up to the period's end."""
        if self.kind == "week":
            return self.start - timedelta(weeks=11)
        first = self.end.replace(day=1)
        index = first.year * 12 + first.month - 1 - 11
        return date(index // 12, index % 12 + 1, 1)


def parse_period(text: str) -> Period:
    """The period written as ``text``; a usage error naming the accepted forms otherwise.

    >>> p = parse_period("2026-Q3")
    >>> p.start.isoformat(), p.end.isoformat(), p.previous().label
    ('2026-07-01', '2026-09-30', '2026-Q2')
    >>> parse_period("2025-W53")
    Traceback (most recent call last):
    ...
    kundepuls.kit.errors.UsageError: period '2025-W53': 2025 has ISO weeks 1–52 ...
    """
    raw = (text or "").strip()
    match = _PATTERN.fullmatch(raw)
    if not match:
        raise UsageError(f"period {raw!r}: not a period; write {FORMS}")
    year = int(match.group(1))
    if not 1900 <= year <= 9998:
        raise UsageError(f"period {raw!r}: the year must lie between 1900 and 9998")
    quarter, week, month = match.group(2), match.group(3), match.group(4)
    if quarter is not None:
        return _quarter(raw, year, int(quarter))
    if week is not None:
        return _week(raw, year, int(week))
    if month is not None:
        return _month(raw, year, int(month))
    return Period("year", str(year), date(year, 1, 1), date(year, 12, 31))


def _quarter(raw: str, year: int, quarter: int) -> Period:
    if not 1 <= quarter <= 4:
        raise UsageError(f"period {raw!r}: the quarter must be 1–4 (e.g. {year}-Q3)")
    start = date(year, 3 * quarter - 2, 1)
    return Period("quarter", f"{year}-Q{quarter}", start, _month_end(year, 3 * quarter))


def _month(raw: str, year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise UsageError(f"period {raw!r}: the month must be 01–12 (e.g. {year}-09)")
    return Period("month", f"{year}-{month:02d}", date(year, month, 1), _month_end(year, month))


def _week(raw: str, year: int, week: int) -> Period:
    weeks = date(year, 12, 28).isocalendar().week  # 28 December is always in the last week
    if not 1 <= week <= weeks:
        raise UsageError(f"period {raw!r}: {year} has ISO weeks 1–{weeks} (write e.g. {year}-W36)")
    start = date.fromisocalendar(year, week, 1)
    return Period("week", f"{year}-W{week:02d}", start, start + timedelta(days=6))


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _label(kind: str, day: date) -> str:
    if kind == "week":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    return str(day.year)


def quarter_of(day: date) -> Period:
    """The quarter that contains ``day``."""
    return parse_period(_label("quarter", day))


def week_of(day: date) -> Period:
    """The ISO week that contains ``day``."""
    return parse_period(_label("week", day))
