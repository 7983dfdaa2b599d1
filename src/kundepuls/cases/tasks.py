"""Background jobs of the closed loop: each opens its own session and is safe to run twice."""

from datetime import datetime

from sqlalchemy import Engine

from kundepuls.cases import service
from kundepuls.config import get_settings
from kundepuls.db import engine_for, session_scope


def open_cases(now: datetime | None = None) -> int:
    """Open the missing cases, then announce them; returns how many were opened."""
    engine = engine_for(get_settings().database_url)
    with session_scope(engine) as session:
        opened = len(service.open_cases(session, now=now))
    deliver_case_events()
    return opened


def deliver_case_events(engine: Engine | None = None) -> int:
    """Send the case events that are committed and not yet delivered."""
    with session_scope(engine or engine_for(get_settings().database_url)) as session:
        return service.deliver_events(session)


def alert_overdue_cases(now: datetime | None = None) -> bool:
    """Raise one alert for the cases that became overdue since the last run."""
    with session_scope(engine_for(get_settings().database_url)) as session:
        delivery = service.alert_overdue(session, now=now)
    return bool(delivery and delivery.ok)
