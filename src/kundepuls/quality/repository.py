"""Every query of the data-quality checks (portable across SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from kundepuls.db import UTCDateTime
from kundepuls.facts.models import Complaint, Customer, Order, Response, Ticket
from kundepuls.surveys.models import Invitation

TABLES: dict[str, Any] = {
    "responses": (Response, "submitted_at"),
    "tickets": (Ticket, "created_at"),
    "complaints": (Complaint, "created_at"),
    "orders": (Order, "ordered_at"),
    "customers": (Customer, None),
}


def _time(table: str) -> Any:
    model, column = TABLES[table]
    return getattr(model, column)


def latest(session: Session, table: str) -> datetime | None:
    """The newest event time of ``table`` (None when it is empty)."""
    value: datetime | None = session.scalar(select(func.max(_time(table))))
    return value


def daily_counts(
    session: Session, table: str, dim: str, since: datetime, until: datetime
) -> list[tuple[str | None, str, int]]:
    """(dimension value, UTC day as YYYY-MM-DD, rows) from ``since`` up to ``until``."""
    model, _column = TABLES[table]
    at = _time(table)
    day = func.date(at)
    group = getattr(model, dim)
    query = select(group, day, func.count()).where(at >= since, at < until).group_by(group, day)
    return [(g, str(d)[:10], int(c)) for g, d, c in session.execute(query)]


def score_counts(
    session: Session, score: str, dim: str | None, since: datetime, until: datetime
) -> list[tuple[str | None, int]]:
    """Answers with a ``score`` per value of ``dim`` (or overall) in the span."""
    column = getattr(Response, score)
    span = and_(Response.submitted_at >= since, Response.submitted_at < until, column.is_not(None))
    if dim is None:
        return [(None, int(session.scalar(select(func.count()).where(span)) or 0))]
    group = getattr(Response, dim)
    query = select(group, func.count()).where(span).group_by(group)
    return [(g, int(c)) for g, c in session.execute(query)]


def repeated_answers(
    session: Session, since: datetime
) -> list[tuple[str, str | None, datetime, datetime]]:
    """(response id, survey, time, time of the previous identical answer) for every answer
    that repeats an earlier one of the same customer, survey, scores and comment."""
    same = (Response.customer_id, Response.survey, Response.nps, Response.csat, Response.ces,
            Response.comment)  # fmt: skip
    previous = func.lag(Response.submitted_at, type_=UTCDateTime()).over(
        partition_by=same, order_by=Response.submitted_at
    )
    inner = (
        select(Response.response_id, Response.survey, Response.submitted_at, previous.label("prev"))
        .where(Response.customer_id.is_not(None), Response.submitted_at >= since)
        .subquery()
    )
    query = select(inner.c.response_id, inner.c.survey, inner.c.submitted_at, inner.c.prev).where(
        inner.c.prev.is_not(None)
    )
    return [(r, s, at, prev) for r, s, at, prev in session.execute(query)]


def straight_lines(
    session: Session, dim: str, since: datetime
) -> list[tuple[str | None, int, int]]:
    """(dimension value, answers with all three scores, of them straight-lined)."""
    extreme = ((Response.nps == 10) & (Response.csat == 5) & (Response.ces == 7)) | (
        (Response.nps == 0) & (Response.csat == 1) & (Response.ces == 1)
    )
    group = getattr(Response, dim)
    flagged = func.sum(func.cast(extreme, _int()))
    query = (
        select(group, func.count(), flagged)
        .where(
            Response.submitted_at >= since,
            Response.nps.is_not(None), Response.csat.is_not(None), Response.ces.is_not(None),
        )
        .group_by(group)
    )  # fmt: skip
    return [(g, int(n), int(s or 0)) for g, n, s in session.execute(query)]


def _int() -> Any:
    from sqlalchemy import Integer

    return Integer()


def days_between(session: Session, start: Any, end: Any) -> ColumnElement[Any]:
    """``end − start`` in days, as SQL of the session's dialect."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return func.extract("epoch", end - start) / 86400.0


def bad_times(
    session: Session, table: str, start: str, end: str, max_days: float, limit: int = 5
) -> dict[str, Any]:
    """Rows where ``end`` is before ``start`` or more than ``max_days`` after it."""
    model, _ = TABLES[table]
    first, last = getattr(model, start), getattr(model, end)
    key = getattr(model, "ticket_id" if table == "tickets" else "complaint_id")
    both = and_(first.is_not(None), last.is_not(None))
    gap = days_between(session, first, last)
    found: dict[str, Any] = {"total": int(session.scalar(select(func.count()).where(both)) or 0)}
    for name, condition in (("negative", last < first), ("absurd", gap > max_days)):
        where = and_(both, condition)
        found[name] = int(session.scalar(select(func.count()).where(where)) or 0)
        ids = session.scalars(select(key).where(where).order_by(key).limit(limit))
        found[f"{name}_examples"] = list(ids)
    return found


def missing(session: Session, table: str, field: str, since: datetime | None) -> tuple[int, int]:
    """(rows, rows without ``field``) of ``table`` (since ``since`` where it has a time)."""
    model, column = TABLES[table]
    where = [getattr(model, column) >= since] if column and since else []
    empty = getattr(model, field).is_(None)
    total = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    lacking = session.scalar(select(func.count()).select_from(model).where(*where, empty)) or 0
    return int(total), int(lacking)


def invitation_rates(
    session: Session, since: datetime, until: datetime
) -> list[tuple[str, int, int]]:
    """(survey, invitations sent, of them answered) for invitations sent in the span."""
    answered = (Invitation.answered_at.is_not(None)) | (Invitation.response_id.is_not(None))
    query = (
        select(Invitation.survey, func.count(), func.sum(func.cast(answered, _int())))
        .where(Invitation.sent_at >= since, Invitation.sent_at < until)
        .group_by(Invitation.survey)
    )
    return [(s, int(n), int(a or 0)) for s, n, a in session.execute(query)]


def score_counts_all(session: Session, since: datetime) -> list[tuple[None, int]]:
    """All answers since ``since`` (one row, for shares)."""
    count = session.scalar(select(func.count()).where(Response.submitted_at >= since))
    return [(None, int(count or 0))]
