"""Custom KPI definitions and targets set through the API (the KPI file holds the rest)."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Attributes, Base, UTCDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class KpiDefinition(Base):
    """A custom KPI declared through the API; ``definition`` uses the KPI file's fields."""

    __tablename__ = "kpi_definitions"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(Attributes)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)


class KpiTarget(Base):
    """A target for a KPI; ``segment`` is ``""`` for all rows or ``"region=Nord;…"``."""

    __tablename__ = "kpi_targets"
    __table_args__ = (UniqueConstraint("kpi", "segment", name="kpi_segment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi: Mapped[str] = mapped_column(String(100), index=True)
    segment: Mapped[str] = mapped_column(String(500), default="")
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)
