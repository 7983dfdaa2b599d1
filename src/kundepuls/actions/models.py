"""ORM table of improvement actions."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Base, UTCDateTime

ACTION_STATUSES = ("planned", "running", "done", "dropped")


def _now() -> datetime:
    return datetime.now(UTC)


class Action(Base):
    """Something the business did to move one KPI, optionally in one segment (DIM=VALUE)."""

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'running', 'done', 'dropped')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    kpi: Mapped[str] = mapped_column(String(100))
    segment: Mapped[str | None] = mapped_column(String(200))
    compare: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    expected_effect: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)
