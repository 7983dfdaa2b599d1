"""Every query of the closed loop."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from kundepuls.cases.models import Case, CaseEvent, CaseNote
from kundepuls.facts.models import Complaint, Customer, Order, Response, Ticket


def detractor_answers(
    session: Session, since: datetime, nps_max: int, csat_max: int
) -> list[Response]:
    query = (
        select(Response)
        .where(Response.submitted_at >= since)
        .where(or_(Response.nps <= nps_max, Response.csat <= csat_max))
        .order_by(Response.submitted_at)
    )
    return list(session.scalars(query))


def complaints_since(session: Session, since: datetime) -> list[Complaint]:
    query = select(Complaint).where(Complaint.created_at >= since).order_by(Complaint.created_at)
    return list(session.scalars(query))


def existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), 500):  # stay under the backends' parameter limits
        chunk = keys[i : i + 500]
        found.update(session.scalars(select(Case.source_key).where(Case.source_key.in_(chunk))))
    return found


def customer(session: Session, customer_id: str) -> Customer | None:
    return session.get(Customer, customer_id)


def order_totals(session: Session, customer_id: str, before: datetime) -> tuple[int, Decimal]:
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(Order.amount), 0)).where(
            Order.customer_id == customer_id, Order.ordered_at < before
        )
    ).one()
    return int(count), Decimal(total)


def previous_answers(
    session: Session, customer_id: str, before: datetime, limit: int = 5
) -> list[Response]:
    query = (
        select(Response)
        .where(Response.customer_id == customer_id, Response.submitted_at < before)
        .order_by(Response.submitted_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def open_complaints(session: Session, customer_id: str) -> list[Complaint]:
    query = select(Complaint).where(
        Complaint.customer_id == customer_id, Complaint.status.in_(("open", "in_progress"))
    )
    return list(session.scalars(query))


def last_ticket_team(session: Session, customer_id: str, before: datetime) -> str | None:
    query = (
        select(Ticket.team)
        .where(Ticket.customer_id == customer_id, Ticket.created_at <= before)
        .order_by(Ticket.created_at.desc())
        .limit(1)
    )
    return session.scalar(query)


def add(session: Session, row: Any) -> None:
    session.add(row)


def get_case(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def _case_query(status: str | None, assignee: str | None) -> Select[Case]:
    query = select(Case).order_by(Case.due_at, Case.id)
    if status:
        query = query.where(Case.status == status)
    if assignee:
        query = query.where(Case.assignee == assignee)
    return query


def list_cases(
    session: Session, status: str | None = None, assignee: str | None = None, limit: int = 200
) -> list[Case]:
    return list(session.scalars(_case_query(status, assignee).limit(limit)))


def overdue(session: Session, now: datetime) -> list[Case]:
    query = _case_query("new", None).where(Case.due_at < now)
    return list(session.scalars(query))


def notes(session: Session, case_id: int) -> list[CaseNote]:
    query = select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.at, CaseNote.id)
    return list(session.scalars(query))


def undelivered_events(session: Session, limit: int = 100) -> list[CaseEvent]:
    query = (
        select(CaseEvent)
        .where(CaseEvent.delivered_at.is_(None))
        .order_by(CaseEvent.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def cases_opened_between(session: Session, start: datetime, end: datetime) -> list[Case]:
    query = select(Case).where(Case.event_at >= start, Case.event_at < end)
    return list(session.scalars(query))


def later_answers(session: Session, customer_id: str, after: datetime) -> list[Response]:
    query = select(Response).where(
        Response.customer_id == customer_id, Response.submitted_at > after
    )
    return list(session.scalars(query))


def orders_after(session: Session, customer_id: str, after: datetime) -> int:
    query = select(func.count()).where(Order.customer_id == customer_id, Order.ordered_at > after)
    return int(session.scalar(query) or 0)


def _filtered(
    statuses: Sequence[str] | None,
    assignees: Sequence[str] | None,
    unassigned: bool,
    due_before: datetime | None,
    reason: str | None,
) -> Select[Case]:
    query = select(Case)
    if statuses:
        query = query.where(Case.status.in_(statuses))
    if unassigned:
        query = query.where(or_(Case.assignee.is_(None), Case.assignee == ""))
    elif assignees is not None:
        query = query.where(Case.assignee.in_(assignees))
    if due_before is not None:
        query = query.where(Case.status == "new", Case.due_at < due_before)
    if reason == "complaint":
        query = query.where(Case.kind == "complaint")
    elif reason:
        query = query.where(Case.kind == "detractor", Case.metric == reason)
    return query


def filtered_cases(
    session: Session, limit: int | None = None, **where: Any
) -> tuple[list[Case], int]:
    """The cases matching ``where`` (see :func:`_filtered`), earliest due first, and their
    number without the limit."""
    query = _filtered(**where)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(query.order_by(Case.due_at, Case.id).limit(limit))
    return list(rows), total


def status_counts(session: Session, now: datetime) -> dict[str, int]:
    """Cases per status, and how many new cases are past their due time."""
    found = {
        status: int(count)
        for status, count in session.execute(
            select(Case.status, func.count()).group_by(Case.status)
        )
    }
    late = session.scalar(
        select(func.count()).where(Case.status == "new", Case.due_at < now).select_from(Case)
    )
    return {**found, "overdue": int(late or 0)}


def events(session: Session, case_id: int) -> list[CaseEvent]:
    query = (
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)
    )
    return list(session.scalars(query))


def response(session: Session, response_id: str) -> Response | None:
    return session.get(Response, response_id)
