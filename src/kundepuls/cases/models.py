"""ORM tables of follow-up cases, their notes and their outgoing events (an outbox)."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Attributes, Base, UTCDateTime

CASE_STATUSES = ("new", "contacted", "resolved", "cannot_resolve")
CASE_KINDS = ("detractor", "complaint")


def _now() -> datetime:
    return datetime.now(UTC)


class Case(Base):
    """One unhappy answer or one complaint to follow up, opened exactly once per source."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(
            "status IN ('new', 'contacted', 'resolved', 'cannot_resolve')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "response:<id>" or "complaint:<id>": the unique key makes opening idempotent.
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    response_id: Mapped[str | None] = mapped_column(String(128), index=True)
    complaint_id: Mapped[str | None] = mapped_column(String(128), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(128), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    event_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    assignee: Mapped[str | None] = mapped_column(String(200))
    team: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)
    overdue_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    context: Mapped[dict[str, Any]] = mapped_column(Attributes, default=dict)


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    author: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)


class CaseEvent(Base):
    """A case event waiting for (or done with) webhook delivery; written with the case change
    so that an event goes out only if the change was committed."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
