"""Follow-up cases for the demo store, which is served without the job worker.

The demo's answers end the day before its reference day, so the cases are opened as of
that day's midnight; the older ones are then worked the way a team would have worked
them (most contacted within the deadline, some late, most of those closed), so the
inbox, the timeline and the loop rates have something to show from the first page.
The work is drawn from a generator seeded by the case id: the same demo, the same cases.
"""

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kundepuls.cases import repository, service
from kundepuls.cases.config import load_case_settings
from kundepuls.db import engine_for, session_scope
from kundepuls.kit.times import local_midnight

WORKED_AFTER_DAYS = 3  # cases younger than this are still waiting in the inbox
NOTES = (
    "Ringte kunden og beklaget. Tilbød gratis frakt på neste ordre.",
    "Fikk ikke svar på telefon; sendte e-post.",
    "Kunden var fornøyd med at vi tok kontakt. Sendt videre til butikksjefen.",
)


def open_demo_cases(url: str, today: date, tz: ZoneInfo, worker: str | None = None) -> int:
    """Open the cases of the demo's recent detractors and work the older ones; returns how
    many were opened. ``worker`` (the demo login) gets the worked cases and some new ones.
    """
    now = local_midnight(today, tz)
    with session_scope(engine_for(url)) as session:
        opened = service.open_cases(session, load_case_settings(), now=now)
        for case in opened:
            draw = random.Random(case.id)  # noqa: S311 (demo data, not secrets)
            age = now - case.event_at
            if age < timedelta(days=WORKED_AFTER_DAYS) or draw.random() > 0.8:
                # waiting, or forgotten (overdue and never contacted); some already taken
                if worker and draw.random() < 0.3:
                    service.assign(session, case.id, worker)
                _backdate(session, case.id)
                continue
            if worker:
                service.assign(session, case.id, worker)
            hours = draw.choice((2, 4, 6, 20, 26, 40, 47, 60))
            contacted = _before(case.event_at + timedelta(hours=hours), now)
            service.mark_contacted(session, case.id, at=contacted)
            if draw.random() < 0.8:
                closed = _before(contacted + timedelta(hours=draw.randint(1, 48)), now)
                service.add_note(session, case.id, draw.choice(NOTES), author=worker)
                service.close(session, case.id, None, resolved=draw.random() < 0.85, at=closed)
            _backdate(session, case.id)
        return len(opened)


def _backdate(session: Session, case_id: int) -> None:
    """Give the case's events and notes the times of the simulated work, not of the build:
    opened by the worker minutes after the answer, assigned a minute later."""
    case = service.get_case(session, case_id)
    case.opened_at = case.event_at + timedelta(minutes=5)
    times = {
        "opened": case.opened_at,
        "assigned": case.opened_at + timedelta(minutes=1),
        "contacted": case.contacted_at,
        "resolved": case.closed_at,
        "cannot_resolve": case.closed_at,
    }
    for event in repository.events(session, case_id):
        event.at = times.get(event.event) or event.at
    for note in repository.notes(session, case_id):
        note.at = (case.closed_at or note.at) - timedelta(minutes=1)
    session.flush()


def _before(at: datetime, now: datetime) -> datetime:
    return min(at, now - timedelta(minutes=1)).astimezone(UTC)
