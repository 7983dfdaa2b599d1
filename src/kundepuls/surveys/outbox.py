"""Sending the email outbox: each message goes out once, survives crashes, is retried.

A worker claims a due message by taking a lease on it (one UPDATE that only one worker
can win) and commits; sends it over SMTP with the invitation id as Message-ID; then
marks it sent and commits. A worker killed before the server accepted the message leaves
an expired lease, and the next worker sends it again. The one window that cannot be
closed in SMTP — the server accepted but the worker died before recording it — resends a
message with the same Message-ID, which receiving systems use to drop duplicates.
Temporary failures (server down, 4xx) are retried with exponential back-off; permanent
ones (5xx) and messages past ``max_attempts`` are marked failed with the reason.
"""

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.db import session_scope
from kundepuls.kit import mail
from kundepuls.surveys import repository
from kundepuls.surveys.models import Invitation, OutboxMessage

BASE_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=6)
MAX_ATTEMPTS = 8


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0

    def __str__(self) -> str:
        return (
            f"sent {self.sent}, retry later {self.retried}, failed {self.failed}, "
            f"cancelled {self.cancelled}"
        )


def backoff(attempts: int) -> timedelta:
    """The wait before attempt ``attempts + 1``: 1, 2, 4, … minutes, at most 6 hours.

    >>> [int(backoff(n).total_seconds() // 60) for n in (1, 2, 3, 12)]
    [1, 2, 4, 360]
    """
    delay: timedelta = BASE_DELAY * 2 ** max(attempts - 1, 0)
    return min(delay, MAX_DELAY)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def drain(
    engine: Engine,
    settings: Settings,
    *,
    now: datetime | None = None,
    limit: int = 200,
    lease_seconds: float = 120,
) -> DrainReport:
    """Send every message that is due (at most ``limit``); safe to run in many workers."""
    report = DrainReport()
    owner = worker_name()
    moment = now or datetime.now(UTC)
    with session_scope(engine) as session:
        candidates = repository.due_outbox_ids(session, moment, limit)
    for row_id in candidates:
        _send_one(engine, settings, row_id, owner, moment, lease_seconds, report)
    return report


def _send_one(
    engine: Engine,
    settings: Settings,
    row_id: int,
    owner: str,
    now: datetime,
    lease_seconds: float,
    report: DrainReport,
) -> None:
    with session_scope(engine) as session:
        until = datetime.now(UTC) + timedelta(seconds=lease_seconds)
        if not repository.claim_outbox(session, row_id, owner, now, until):
            return  # another worker has it
        message = session.get(OutboxMessage, row_id)
        assert message is not None
        if _cancel_if_moot(session, message, now):
            report.cancelled += 1
            return
        outgoing = mail.Mail(
            to=message.to_address,
            subject=message.subject,
            text=message.body_text or "",
            html=message.body_html,
            message_id=message.message_id,
            headers={str(k): str(v) for k, v in (message.headers or {}).items()},
        )
    try:
        mail.send(outgoing, settings)
    except mail.MailError as error:
        _record_failure(engine, row_id, owner, error, now, report)
        return
    with session_scope(engine) as session:
        _record_sent(session, row_id, datetime.now(UTC))
    report.sent += 1


def _cancel_if_moot(session: Session, message: OutboxMessage, now: datetime) -> bool:
    """Drop a message whose invitation was answered, closed, or whose customer opted out."""
    invitation = session.get(Invitation, message.invitation_id)
    reason = None
    if invitation is None:
        reason = "invitation gone"
    elif invitation.customer_id and repository.is_unsubscribed(session, invitation.customer_id):
        reason = "unsubscribed"
    elif message.kind == "reminder" and invitation.response_id is not None:
        reason = "already answered"
    elif invitation.expires_at is not None and invitation.expires_at < now:
        reason = "survey closed"
    if reason is None:
        return False
    message.status, message.last_error = "cancelled", reason
    message.body_text = message.body_html = None
    message.lease_owner = message.lease_until = None
    return True


def _record_sent(session: Session, row_id: int, when: datetime) -> None:
    message = session.get(OutboxMessage, row_id)
    assert message is not None
    message.status, message.sent_at = "sent", when
    # The body carries the answer link; once delivered it is not kept here.
    message.body_text = message.body_html = None
    message.lease_owner = message.lease_until = None
    invitation = session.get(Invitation, message.invitation_id)
    if invitation is None:
        return
    if message.kind == "reminder":
        invitation.reminded_at = when
    elif invitation.sent_at is None:
        invitation.sent_at = when
        if invitation.status == "queued":
            invitation.status = "sent"


def _record_failure(
    engine: Engine,
    row_id: int,
    owner: str,
    error: mail.MailError,
    now: datetime,
    report: DrainReport,
) -> None:
    with session_scope(engine) as session:
        message = session.get(OutboxMessage, row_id)
        if message is None or message.lease_owner != owner:
            return
        message.last_error = str(error)[:500]
        message.lease_owner = message.lease_until = None
        if isinstance(error, mail.PermanentMailError) or message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
            message.body_text = message.body_html = None
            invitation = session.get(Invitation, message.invitation_id)
            if invitation is not None and message.kind == "invitation":
                invitation.status, invitation.skip_reason = "failed", str(error)[:200]
            report.failed += 1
        else:
            message.status = "queued"
            message.next_attempt_at = now + backoff(message.attempts)
            report.retried += 1
