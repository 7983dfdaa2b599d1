"""Sending alert events (an outbox): each delivery is tried until sent or out of attempts.

A delivery is leased before it is sent and marked after, each in its own short
transaction, so two workers never send the same one and a crash mid-send retries it once
the lease ends. A receiver that is down gets the message later (back-off doubling from one
minute up to six hours); a receiver that refuses it for good (SMTP 5xx, HTTP 4xx) does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from kundepuls.alerts import repository
from kundepuls.alerts.models import AlertDelivery, AlertEvent, AlertRule
from kundepuls.config import Settings
from kundepuls.db import session_scope
from kundepuls.kit import mail, webhooks

MAX_ATTEMPTS = 10
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    permanent: bool = False
    error: str | None = None


def send_one(
    channel: str, target: str, event: AlertEvent, rule: AlertRule | None, settings: Settings
) -> Outcome:
    """Send ``event`` to one receiver now; never raises for a failed delivery."""
    if channel == "email":
        message = mail.Mail(to=target, subject=event.subject, text=event.text)
        try:
            mail.send(message, settings, timeout=10.0)
        except mail.PermanentMailError as error:
            return Outcome(False, True, str(error))
        except mail.MailError as error:
            return Outcome(False, False, str(error))
        return Outcome(True)
    data = {"rule_id": event.rule_id, "segment": event.segment, "link": event.link, **event.data}
    body = webhooks.payload(f"alert.{event.kind}", event.text, data)
    secret = rule.webhook_secret if rule else None
    result = webhooks.send(target, body, secret=secret, retries=0, timeout=10.0)
    if result.ok:
        return Outcome(True)
    permanent = result.status is not None and result.status < 500 and result.status not in (
        408, 425, 429,
    )  # fmt: skip
    return Outcome(False, permanent, result.error)


def _wait(attempts: int) -> timedelta:
    wait: timedelta = FIRST_WAIT * 2 ** max(attempts - 1, 0)
    return min(wait, LONGEST_WAIT)


def deliver_due(
    engine: Engine, settings: Settings, now: datetime | None = None, lease_seconds: float = 120
) -> dict[str, int]:
    """Send every due delivery once; returns how many were sent, retried later, given up."""
    now = now or datetime.now(UTC)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with session_scope(engine) as session:
        due = repository.due_deliveries(session, now)
    for delivery_id in due:
        with session_scope(engine) as session:
            if not repository.claim(
                session, delivery_id, now, now + timedelta(seconds=lease_seconds)
            ):
                continue
        with session_scope(engine) as session:
            delivery = session.get(AlertDelivery, delivery_id)
            event = session.get(AlertEvent, delivery.event_id) if delivery else None
            if delivery is None or event is None:
                continue
            rule = session.get(AlertRule, event.rule_id)
            channel, target = delivery.channel, delivery.target
            session.expunge_all()
        outcome = send_one(channel, target, event, rule, settings)
        with session_scope(engine) as session:
            delivery = session.get(AlertDelivery, delivery_id)
            if delivery is None:
                continue
            delivery.attempts += 1
            delivery.lease_until = None
            if outcome.ok:
                delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
                counts["sent"] += 1
            elif outcome.permanent or delivery.attempts >= MAX_ATTEMPTS:
                delivery.status, delivery.last_error = "failed", (outcome.error or "")[:500]
                counts["failed"] += 1
            else:
                delivery.next_attempt_at = now + _wait(delivery.attempts)
                delivery.last_error = (outcome.error or "")[:500]
                counts["retry"] += 1
    return counts
