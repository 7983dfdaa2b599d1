"""Background jobs of alerts: each opens its own session and is safe to run twice.

Evaluating twice finds the state already moved (compare-and-set on the rule's state, and
one event per rule, segment and episode), and a delivery is leased before it is sent.
"""

from __future__ import annotations

from datetime import datetime

from kundepuls.alerts import delivery, service
from kundepuls.config import get_settings
from kundepuls.db import engine_for, session_scope


def evaluate_rules(now: datetime | None = None) -> int:
    """Evaluate every active rule, then send what is due; returns the events written."""
    settings = get_settings()
    engine = engine_for(settings.database_url)
    with session_scope(engine) as session:
        checks = service.evaluate_all(session, settings, now)
    deliver_alerts(now)
    return sum(check.outcome != "none" for check in checks)


def deliver_alerts(now: datetime | None = None, lease_seconds: float = 120) -> dict[str, int]:
    """Send the alert deliveries that are due (and retry those whose receiver was down)."""
    settings = get_settings()
    return delivery.deliver_due(engine_for(settings.database_url), settings, now, lease_seconds)
