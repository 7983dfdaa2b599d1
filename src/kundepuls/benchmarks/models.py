"""ORM table of benchmarks: a value of a KPI that someone else reached in a period."""

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, Date, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Base, UTCDateTime

KINDS = ("competitor", "industry")


def _now() -> datetime:
    return datetime.now(UTC)


class Benchmark(Base):
    """One benchmark value; the same KPI, source, kind and period is stored once (an
    import of the same file again updates it)."""

    __tablename__ = "benchmarks"
    __table_args__ = (
        UniqueConstraint(
            "kpi", "source", "kind", "period_start", "period_end", name="uq_benchmarks_key"
        ),
        CheckConstraint("kind IN ('competitor', 'industry')", name="kind"),
        CheckConstraint("period_start <= period_end", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi: Mapped[str] = mapped_column(String(100), index=True)
    source: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
