"""Tables of the survey domain: definitions, invitations, the email outbox, contact preferences.

Answers themselves land in ``responses`` (facts), so every KPI reads them like imported ones.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Attributes, Base, UTCDateTime

ID = String(128)


def _now() -> datetime:
    return datetime.now(UTC)


class Survey(Base):
    """One version of a survey definition; editing a live survey adds a version."""

    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("key", "version", name="key_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(Attributes)
    # Unguessable slug of the shareable link, the QR code and the widget; kept across versions.
    link_key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Invitation(Base):
    """One request to one respondent to answer one survey, on one channel.

    ``sent_at`` is the event time of the ``response_rate`` KPI; the invitation counts as
    answered when ``response_id`` is set. ``trigger_key`` makes every logical event
    (an order, a resolved ticket, a wave) invite at most once.
    """

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_customer_due", "customer_id", "due_at"),)

    invitation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.customer_id", ondelete="CASCADE"), index=True
    )
    survey: Mapped[str] = mapped_column(String(100), index=True)
    survey_version: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(50))
    touchpoint: Mapped[str | None] = mapped_column(String(100))
    wave: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(10), default="nb")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    trigger_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    skip_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_id: Mapped[str | None] = mapped_column(ID)


class OutboxMessage(Base):
    """An email waiting to be sent, being sent (leased) or done.

    A worker claims a row by taking a short lease, sends, then marks it sent; a worker that
    dies mid-send leaves an expired lease that another worker takes over. The rendered body
    (which carries the answer link) is dropped once the message is sent or cancelled.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("invitation_id", "kind", name="invitation_kind"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[str] = mapped_column(
        ForeignKey("invitations.invitation_id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(20), default="invitation")
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(Attributes, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ContactPreference(Base):
    """A customer's standing choice about being asked; honoured by every survey and channel."""

    __tablename__ = "contact_preferences"

    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.customer_id", ondelete="CASCADE"), primary_key=True
    )
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)
