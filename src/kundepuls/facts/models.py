"""ORM tables of the data contract.

Column names are the contract's names, so that the same KPI code reads these tables and a
warehouse's tables alike. Ids are the source system's ids (strings). Columns outside the
contract are kept per row in ``attributes`` (JSON) and can be used as dimensions.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Attributes, Base, UTCDateTime

ID = String(128)


def _now() -> datetime:
    return datetime.now(UTC)


class _Tracked:
    """Bookkeeping every fact row carries: its extra columns and which import touched it."""

    attributes: Mapped[dict[str, Any]] = mapped_column(Attributes, default=dict)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)


class Customer(_Tracked, Base):
    __tablename__ = "customers"

    customer_id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(100))
    segment: Mapped[str | None] = mapped_column(String(100))
    age_band: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(10))
    signup_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Order(_Tracked, Base):
    __tablename__ = "orders"

    order_id: Mapped[str] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.customer_id", ondelete="CASCADE"), index=True
    )
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2, asdecimal=True))
    currency: Mapped[str] = mapped_column(String(3), default="NOK")
    product_line: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(50))


class Ticket(_Tracked, Base):
    __tablename__ = "tickets"

    ticket_id: Mapped[str] = mapped_column(ID, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.customer_id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str | None] = mapped_column(String(50))
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contacts: Mapped[int | None] = mapped_column(Integer)
    reopened: Mapped[bool | None] = mapped_column(Boolean)
    category: Mapped[str | None] = mapped_column(String(100))
    team: Mapped[str | None] = mapped_column(String(100))
    agent: Mapped[str | None] = mapped_column(String(100))


COMPLAINT_STATUSES = ("open", "in_progress", "resolved", "rejected")


class Complaint(_Tracked, Base):
    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'resolved', 'rejected')", name="status"),
    )

    complaint_id: Mapped[str] = mapped_column(ID, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    category: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.customer_id", ondelete="SET NULL"), index=True
    )
    severity: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str | None] = mapped_column(String(50))


class Response(_Tracked, Base):
    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint("nps BETWEEN 0 AND 10", name="nps_range"),
        CheckConstraint("csat BETWEEN 1 AND 5", name="csat_range"),
        CheckConstraint("ces BETWEEN 1 AND 7", name="ces_range"),
    )

    response_id: Mapped[str] = mapped_column(ID, primary_key=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.customer_id", ondelete="SET NULL"), index=True
    )
    survey: Mapped[str | None] = mapped_column(String(100))
    touchpoint: Mapped[str | None] = mapped_column(String(100))
    nps: Mapped[int | None] = mapped_column(SmallInteger)
    csat: Mapped[int | None] = mapped_column(SmallInteger)
    ces: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(50))
    language: Mapped[str | None] = mapped_column(String(10))


class ImportBatch(Base):
    """One run of ``kundepuls import`` (or an API upload): what came in and how it went."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    file: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(20), default="running")
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by: Mapped[str | None] = mapped_column(String(200))


FACT_MODELS: dict[str, type[Base]] = {
    "customers": Customer,
    "orders": Order,
    "tickets": Ticket,
    "complaints": Complaint,
    "responses": Response,
}
