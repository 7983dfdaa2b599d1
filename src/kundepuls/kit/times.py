"""Reading times the way the data contract says: naive means the configured timezone."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def to_utc(value: datetime, tz: ZoneInfo) -> datetime:
    """An aware UTC datetime; a naive ``value`` is read as wall-clock time in ``tz``.

    A wall-clock time that falls in the gap of a spring DST change is moved forward
    (``fold=0`` as the standard library does); one that occurs twice in autumn is
    taken as its first occurrence.

    >>> from zoneinfo import ZoneInfo
    >>> to_utc(datetime(2026, 7, 1, 12, 0), ZoneInfo("Europe/Oslo")).isoformat()
    '2026-07-01T10:00:00+00:00'
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def parse_datetime(text: str, tz: ZoneInfo) -> datetime:
    """Parse an ISO 8601 date or date-time (also with a space or a 'Z') to aware UTC.

    A bare date means midnight in ``tz``. Raises ``ValueError`` on anything else.

    >>> from zoneinfo import ZoneInfo
    >>> parse_datetime("2026-01-15 08:30", ZoneInfo("Europe/Oslo")).isoformat()
    '2026-01-15T07:30:00+00:00'
    """
    text = text.strip()
    if len(text) == 10:
        return to_utc(datetime.combine(date.fromisoformat(text), time()), tz)
    return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")), tz)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` begins in ``tz``."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
