"""Every query of the facts domain (the data-contract tables and the import batches)."""

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kundepuls.facts.models import Complaint, Customer, ImportBatch, Order, Response, Ticket

# The event time of each kind: what its period, span and "first/last" are measured on.
EVENT_TIME: dict[str, InstrumentedAttribute[Any]] = {
    "customers": Customer.signup_at,
    "orders": Order.ordered_at,
    "tickets": Ticket.created_at,
    "complaints": Complaint.created_at,
    "responses": Response.submitted_at,
}


class KindSpan(NamedTuple):
    kind: str
    rows: int
    first: datetime | None
    last: datetime | None


def kind_spans(session: Session) -> list[KindSpan]:
    """Row count and first/last event time of each kind, in the data contract's order."""
    spans = []
    for kind, column in EVENT_TIME.items():
        rows, first, last = session.execute(
            select(func.count(), func.min(column), func.max(column)).select_from(column.class_)
        ).one()
        spans.append(KindSpan(kind, rows, first, last))
    return spans


def count_rows(session: Session) -> dict[str, int]:
    """Number of rows of each kind."""
    return {span.kind: span.rows for span in kind_spans(session)}


def recent_imports(session: Session, limit: int = 10) -> list[ImportBatch]:
    """The last ``limit`` import batches, newest first."""
    query = select(ImportBatch).order_by(ImportBatch.started_at.desc(), ImportBatch.id.desc())
    return list(session.scalars(query.limit(limit)))
