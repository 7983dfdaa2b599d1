from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kundepuls.kit.times import parse_datetime, to_utc

OSLO = ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-15", datetime(2026, 1, 14, 23, 0, tzinfo=UTC)),
        ("2026-07-15T12:00", datetime(2026, 7, 15, 10, 0, tzinfo=UTC)),
        ("2026-07-15 12:00:00Z", datetime(2026, 7, 15, 12, 0, tzinfo=UTC)),
        ("2026-07-15T12:00:00+05:00", datetime(2026, 7, 15, 7, 0, tzinfo=UTC)),
        # DST starts 2026-03-29 02:00 → 03:00; 02:30 does not exist and moves forward
        ("2026-03-29T02:30", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        # DST ends 2026-10-25 03:00 → 02:00; 02:30 happens twice, the first one is taken
        ("2026-10-25T02:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_parse_datetime_reads_naive_times_in_the_configured_zone(
    text: str, expected: datetime
) -> None:
    assert parse_datetime(text, OSLO) == expected


def test_to_utc_keeps_aware_times() -> None:
    aware = datetime(2026, 1, 1, 12, tzinfo=ZoneInfo("America/New_York"))
    assert to_utc(aware, OSLO) == datetime(2026, 1, 1, 17, tzinfo=UTC)
    assert to_utc(aware, OSLO).tzinfo is UTC


def test_parse_datetime_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_datetime("15.01.2026 kl 8", OSLO)
