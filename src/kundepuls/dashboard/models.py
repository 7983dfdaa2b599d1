"""The overview's choice of KPI tiles (one row per shown KPI, in order)."""

from datetime import UTC, datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Base, UTCDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class OverviewTile(Base):
    """A KPI shown on the overview at ``position`` (1 first); no rows: the defaults."""

    __tablename__ = "dashboard_tiles"

    kpi: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)
