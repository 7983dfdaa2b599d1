"""Every query of the prediction domain."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kundepuls.facts.models import Complaint, Customer, Order, Response, Ticket
from kundepuls.predict.models import CustomerPrediction, PredictionFit

OPEN_COMPLAINT = ("open", "in_progress")


def _frame(session: Session, statement: Any, columns: list[str]) -> pd.DataFrame:
    rows = session.execute(statement).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)


def orders(session: Session, until: datetime) -> pd.DataFrame:
    """customer_id, ordered_at (aware UTC), amount (float) of orders up to ``until``."""
    statement = select(Order.customer_id, Order.ordered_at, Order.amount).where(
        Order.ordered_at <= until
    )
    frame = _frame(session, statement, ["customer_id", "ordered_at", "amount"])
    frame["amount"] = frame["amount"].astype(float)
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"], utc=True)
    return frame


def responses(session: Session, until: datetime) -> pd.DataFrame:
    """Survey answers of known customers up to ``until``."""
    statement = select(
        Response.customer_id, Response.submitted_at, Response.nps, Response.csat
    ).where(Response.customer_id.is_not(None), Response.submitted_at <= until)
    frame = _frame(session, statement, ["customer_id", "submitted_at", "nps", "csat"])
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    return frame


def tickets(session: Session, until: datetime) -> pd.DataFrame:
    """Tickets of known customers created up to ``until``."""
    statement = select(
        Ticket.customer_id, Ticket.created_at, Ticket.first_response_at, Ticket.resolved_at
    ).where(Ticket.customer_id.is_not(None), Ticket.created_at <= until)
    columns = ["customer_id", "created_at", "first_response_at", "resolved_at"]
    frame = _frame(session, statement, columns)
    for column in columns[1:]:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def complaints(session: Session, until: datetime) -> pd.DataFrame:
    """Complaints of known customers created up to ``until``."""
    statement = select(
        Complaint.customer_id, Complaint.created_at, Complaint.status, Complaint.resolved_at
    ).where(Complaint.customer_id.is_not(None), Complaint.created_at <= until)
    frame = _frame(session, statement, ["customer_id", "created_at", "status", "resolved_at"])
    for column in ("created_at", "resolved_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def save_predictions(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or update one row per customer (only the columns given)."""
    ids = [row["customer_id"] for row in rows]
    existing: dict[str, CustomerPrediction] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = session.scalars(
            select(CustomerPrediction).where(CustomerPrediction.customer_id.in_(chunk))
        )
        existing.update({p.customer_id: p for p in found})
    for row in rows:
        target = existing.get(row["customer_id"])
        if target is None:
            session.add(CustomerPrediction(**row))
        else:
            for key, value in row.items():
                setattr(target, key, value)
    session.flush()


def add_fit(session: Session, fit: PredictionFit) -> PredictionFit:
    session.add(fit)
    session.flush()
    return fit


def latest_fit(session: Session, kind: str) -> PredictionFit | None:
    statement = (
        select(PredictionFit)
        .where(PredictionFit.kind == kind)
        .order_by(PredictionFit.fitted_at.desc(), PredictionFit.id.desc())
        .limit(1)
    )
    return session.scalars(statement).first()


def predictions(
    session: Session, *, segment: str | None = None, limit: int | None = None
) -> Sequence[CustomerPrediction]:
    """Stored predictions, highest CLV first (customers without a CLV last)."""
    statement = select(CustomerPrediction).order_by(
        CustomerPrediction.clv.desc().nulls_last(), CustomerPrediction.customer_id
    )
    if segment:
        statement = statement.where(CustomerPrediction.rfm_segment == segment)
    if limit:
        statement = statement.limit(limit)
    return session.scalars(statement).all()


def prediction(session: Session, customer_id: str) -> CustomerPrediction | None:
    return session.get(CustomerPrediction, customer_id)


def segment_summary(session: Session) -> list[tuple[str, int, float | None, float | None]]:
    """(segment, customers, mean CLV, mean monetary value) per RFM segment."""
    statement = (
        select(
            CustomerPrediction.rfm_segment,
            func.count(),
            func.avg(CustomerPrediction.clv),
            func.avg(CustomerPrediction.monetary_value),
        )
        .group_by(CustomerPrediction.rfm_segment)
        .order_by(func.count().desc())
    )
    return [(s, int(n), c, m) for s, n, c, m in session.execute(statement).all()]


def customer(session: Session, customer_id: str) -> Customer | None:
    return session.get(Customer, customer_id)


def order_facts(session: Session, customer_id: str) -> tuple[int, float, Any, Any]:
    """(orders, total amount, first ordered_at, last ordered_at) of one customer."""
    statement = select(
        func.count(), func.sum(Order.amount), func.min(Order.ordered_at), func.max(Order.ordered_at)
    ).where(Order.customer_id == customer_id)
    n, total, first, last = session.execute(statement).one()
    return int(n), float(total or 0), first, last


def open_complaints(session: Session, customer_id: str) -> int:
    statement = select(func.count()).where(
        Complaint.customer_id == customer_id, Complaint.status.in_(OPEN_COMPLAINT)
    )
    return int(session.scalar(statement) or 0)


def last_nps(session: Session, customer_id: str) -> tuple[int, datetime] | None:
    statement = (
        select(Response.nps, Response.submitted_at)
        .where(Response.customer_id == customer_id, Response.nps.is_not(None))
        .order_by(Response.submitted_at.desc())
        .limit(1)
    )
    row = session.execute(statement).first()
    return (int(row[0] or 0), row[1]) if row else None


def latest_nps_by_customer(session: Session) -> dict[str, tuple[int, datetime]]:
    """Each customer's most recent NPS answer: (score, submitted_at)."""
    statement = (
        select(Response.customer_id, Response.nps, Response.submitted_at)
        .where(Response.customer_id.is_not(None), Response.nps.is_not(None))
        .order_by(Response.submitted_at)
    )
    # Ordered by time, so the last assignment per customer is the newest answer.
    return {str(cid): (int(nps or 0), at) for cid, nps, at in session.execute(statement).all()}


def customers_with_open_complaints(session: Session) -> set[str]:
    statement = select(Complaint.customer_id).where(
        Complaint.customer_id.is_not(None), Complaint.status.in_(OPEN_COMPLAINT)
    )
    return {cid for cid in session.scalars(statement).all() if cid}


# The customers page: filters, the customers behind them, and one customer's history.


def customer_choices(session: Session) -> dict[str, list[str]]:
    """The regions and customer segments that occur in the store (for the page's filters)."""
    found: dict[str, list[str]] = {}
    for name, column in (("region", Customer.region), ("segment", Customer.segment)):
        statement = select(column).where(column.is_not(None)).distinct().order_by(column)
        found[name] = [str(v) for v in session.scalars(statement).all() if v]
    return found


def customers_where(
    session: Session, *, region: str | None = None, segment: str | None = None
) -> dict[str, tuple[str | None, str | None, str | None]]:
    """customer_id → (name, region, segment) of the customers matching the filters."""
    statement = select(Customer.customer_id, Customer.name, Customer.region, Customer.segment)
    if region:
        statement = statement.where(Customer.region == region)
    if segment:
        statement = statement.where(Customer.segment == segment)
    return {str(c): (n, r, s) for c, n, r, s in session.execute(statement).all()}


def customer_orders(session: Session, customer_id: str, limit: int) -> Sequence[Order]:
    """One customer's newest orders."""
    statement = (
        select(Order)
        .where(Order.customer_id == customer_id)
        .order_by(Order.ordered_at.desc(), Order.order_id)
        .limit(limit)
    )
    return session.scalars(statement).all()


def customer_responses(session: Session, customer_id: str, limit: int) -> Sequence[Response]:
    """One customer's newest survey answers."""
    statement = (
        select(Response)
        .where(Response.customer_id == customer_id)
        .order_by(Response.submitted_at.desc(), Response.response_id)
        .limit(limit)
    )
    return session.scalars(statement).all()


def customer_tickets(session: Session, customer_id: str, limit: int) -> Sequence[Ticket]:
    """One customer's newest support tickets."""
    statement = (
        select(Ticket)
        .where(Ticket.customer_id == customer_id)
        .order_by(Ticket.created_at.desc(), Ticket.ticket_id)
        .limit(limit)
    )
    return session.scalars(statement).all()


def customer_complaints(session: Session, customer_id: str, limit: int) -> Sequence[Complaint]:
    """One customer's newest complaints."""
    statement = (
        select(Complaint)
        .where(Complaint.customer_id == customer_id)
        .order_by(Complaint.created_at.desc(), Complaint.complaint_id)
        .limit(limit)
    )
    return session.scalars(statement).all()


def customer_counts(session: Session, customer_id: str) -> dict[str, int]:
    """How many answers, tickets and complaints one customer has in all."""
    counts = {}
    for name, model in (("responses", Response), ("tickets", Ticket), ("complaints", Complaint)):
        statement = select(func.count()).where(model.customer_id == customer_id)
        counts[name] = int(session.scalar(statement) or 0)
    return counts


def order_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Order)) or 0)


def order_counts(session: Session) -> dict[str, int]:
    """Orders per customer (refunds included, as the customer page counts them)."""
    statement = select(Order.customer_id, func.count()).group_by(Order.customer_id)
    return {str(c): int(n) for c, n in session.execute(statement).all()}
