"""Naive times are read in KUNDEPULS_TIMEZONE, also on the days the clocks change."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kundepuls.config import get_settings
from kundepuls.facts.models import Ticket
from tests.ingest.helpers import run_import, write_rows

CASES = {
    # 2026-03-29: Oslo goes from +01:00 to +02:00 at 02:00.
    "spring-before": ("2026-03-29 01:30", datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
    "spring-after": ("2026-03-29T03:30:00", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    "spring-norwegian": ("29.03.2026 12:00", datetime(2026, 3, 29, 10, 0, tzinfo=UTC)),
    # 2026-10-25: back from +02:00 to +01:00 at 03:00; 02:30 happens twice (first taken).
    "autumn-twice": ("2026-10-25 02:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    "autumn-after": ("2026-10-25 03:30", datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),
    "offset": ("2026-10-25T02:30:00+01:00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    "utc": ("2026-10-25T02:30:00Z", datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),
    "bare-date": ("2026-03-29", datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),
}


def test_naive_times_on_dst_change_days(session: Session, tmp_path: Path) -> None:
    rows = [{"ticket_id": key, "created_at": text} for key, (text, _) in CASES.items()]
    report = run_import(session, "tickets", write_rows(tmp_path / "t.csv", rows))
    assert report.inserted == len(CASES), report.messages
    for key, (_, expected) in CASES.items():
        ticket = session.get(Ticket, key)
        assert ticket is not None, key
        assert ticket.created_at == expected, key


def test_the_configured_timezone_is_used(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUNDEPULS_TIMEZONE", "America/New_York")
    get_settings.cache_clear()
    rows = [{"ticket_id": "t1", "created_at": "2026-03-29 12:00"}]
    run_import(session, "tickets", write_rows(tmp_path / "t.jsonl", rows))
    ticket = session.get(Ticket, "t1")
    assert ticket is not None
    assert ticket.created_at == datetime(2026, 3, 29, 16, 0, tzinfo=UTC)
