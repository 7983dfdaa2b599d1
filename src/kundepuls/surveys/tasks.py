"""Background jobs of the survey domain; each opens its own session and is safe to run twice.

The store is the source of truth (trigger keys, outbox leases), so a job that runs twice,
runs in two workers at once, or is lost with a queue loses and duplicates nothing.
"""

from datetime import UTC, datetime

from kundepuls.config import get_settings
from kundepuls.db import engine_for, session_scope
from kundepuls.surveys import outbox, triggers
from kundepuls.surveys.distribution import Policy


def scan_triggers() -> str:
    """Invite for every due event (orders, resolved tickets, milestones, scheduled waves)."""
    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        policy = Policy.from_settings(settings)
        return str(triggers.scan(session, settings, datetime.now(UTC), policy))


def send_outbox(lease_seconds: float = 120) -> str:
    """Send every email whose time has come, retrying failed ones after their back-off."""
    settings = get_settings()
    engine = engine_for(settings.database_url)
    return str(outbox.drain(engine, settings, lease_seconds=lease_seconds))
