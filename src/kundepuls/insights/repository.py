"""Every query of the insights domain (the row-level reads the KPI engine does not cover)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kundepuls.facts.models import Complaint, Response, Ticket
from kundepuls.kpis.periods import date_span
from kundepuls.text.models import CommentAnalysis


def _bounds(start: date | None, end: date | None, tz: ZoneInfo) -> tuple[Any, Any]:
    low, high = date_span(start, end, tz)
    return low, high


def _between(column: Any, low: datetime | None, high: datetime | None) -> list[Any]:
    clauses = []
    if low is not None:
        clauses.append(column >= low)
    if high is not None:
        clauses.append(column < high)
    return clauses


def _theme_names(themes: Any, sentiment: str | None = None) -> list[str]:
    if not isinstance(themes, list):
        return []
    return [
        str(t["theme"])
        for t in themes
        if isinstance(t, dict) and t.get("theme") and sentiment in (None, t.get("sentiment"))
    ]


def response_units(
    session: Session, start: date | None, end: date | None, tz: ZoneInfo
) -> pd.DataFrame:
    """Responses in the local-date span with their scores and the themes of their comment.

    Columns: response_id, customer_id, submitted_at, nps, csat, ces, themes (list of
    names), negative_themes (those mentioned negatively), first_theme (None without an
    analysed comment or a theme).
    """
    low, high = _bounds(start, end, tz)
    query = (
        select(
            Response.response_id,
            Response.customer_id,
            Response.submitted_at,
            Response.nps,
            Response.csat,
            Response.ces,
            CommentAnalysis.themes,
        )
        .outerjoin(CommentAnalysis, CommentAnalysis.response_id == Response.response_id)
        .where(*_between(Response.submitted_at, low, high))
    )
    rows = session.execute(query).all()
    columns = ["response_id", "customer_id", "submitted_at", "nps", "csat", "ces", "themes"]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    frame["negative_themes"] = [_theme_names(t, "negative") for t in frame["themes"]]
    frame["themes"] = [_theme_names(t) for t in frame["themes"]]
    frame["first_theme"] = [t[0] if t else None for t in frame["themes"]]
    for column in ("nps", "csat", "ces"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def ticket_times(
    session: Session, start: date | None, end: date | None, tz: ZoneInfo
) -> pd.DataFrame:
    """Tickets with a customer: customer_id, first_response_hours, resolution_hours."""
    low, high = _bounds(start, end, tz)
    query = select(
        Ticket.customer_id, Ticket.created_at, Ticket.first_response_at, Ticket.resolved_at
    ).where(Ticket.customer_id.is_not(None), *_between(Ticket.created_at, low, high))
    rows = session.execute(query).all()
    frame = pd.DataFrame(
        [tuple(r) for r in rows], columns=["customer_id", "created", "first", "resolved"]
    )
    for column in ("created", "first", "resolved"):
        frame[column] = pd.to_datetime(frame[column], utc=True)

    def hours(column: str) -> pd.Series:
        return (frame[column] - frame["created"]).dt.total_seconds() / 3600.0

    return pd.DataFrame(
        {
            "customer_id": frame["customer_id"],
            "first_response_hours": hours("first"),
            "resolution_hours": hours("resolved"),
        }
    )


def complaint_customers(
    session: Session, start: date | None, end: date | None, tz: ZoneInfo
) -> set[str]:
    """Customers with at least one complaint in the span."""
    low, high = _bounds(start, end, tz)
    query = (
        select(Complaint.customer_id)
        .where(Complaint.customer_id.is_not(None), *_between(Complaint.created_at, low, high))
        .distinct()
    )
    return {str(r[0]) for r in session.execute(query)}


def last_response_day(session: Session, tz: ZoneInfo) -> date | None:
    """The local date of the newest response, or None without responses."""
    newest = session.execute(select(func.max(Response.submitted_at))).scalar()
    if newest is None:
        return None
    moment = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()
