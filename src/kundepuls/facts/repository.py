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


# Columns of a fact row that are bookkeeping or secrets, never shown on a page.
_HIDDEN = {"attributes", "batch_id", "updated_at", "token_hash"}
_CHUNK = 900  # below SQLite's default limit of bound parameters per statement


def rows_by_id(session: Session, table_name: str, ids: list[str]) -> list[dict[str, Any]]:
    """The fact rows with these ids, in the order given, each with its customer's name,
    region and segment (``_customer_name`` etc.; the name only serves to mask comments).

    ``table_name`` is a fact table of the data contract or the survey invitations; the ids
    are the source ids a KPI drill-down selected.
    """
    from kundepuls.db import Base

    fact = Base.metadata.tables[table_name]
    id_column = next(iter(fact.primary_key.columns))
    shown = [c for c in fact.columns if c.name not in _HIDDEN]
    customers = Customer.__table__
    extra = [
        customers.c.name.label("_customer_name"),
        customers.c.region.label("_customer_region"),
        customers.c.segment.label("_customer_segment"),
    ]
    has_customer = "customer_id" in fact.c
    source = (
        fact.outerjoin(customers, fact.c.customer_id == customers.c.customer_id)
        if has_customer
        else fact
    )
    query = select(*shown, *(extra if has_customer else [])).select_from(source)
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for row in session.execute(query.where(id_column.in_(chunk))).mappings():
            found[str(row[id_column.name])] = dict(row)
    return [found[i] for i in ids if i in found]
