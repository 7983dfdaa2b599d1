"""Tables of the reports domain: who wants the weekly summary, and what was sent.

A ``ReportDelivery`` row per (kind, period, user) is the idempotency key of the weekly
email: it is claimed with a lease before sending and marked sent after, so running the job
twice, or in two workers, or after a crash, sends each user at most one email per week.
"""

from datetime import UTC, datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Base, UTCDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class ReportSubscription(Base):
    """A user's own choice about the weekly summary; without a row owners and admins get it."""

    __tablename__ = "report_subscriptions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    weekly_summary: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class ReportDelivery(Base):
    """One summary email to one user for one period (status sending, retry, sent, failed)."""

    __tablename__ = "report_deliveries"
    __table_args__ = (UniqueConstraint("kind", "period", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    message_id: Mapped[str] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
