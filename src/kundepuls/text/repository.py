"""Every query of the text domain."""

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kundepuls.facts.models import Customer, Response
from kundepuls.text.models import CommentAnalysis

Row = tuple[str, str, str | None, str | None, str | None]


def responses_with_comments(
    session: Session, *, pending_only: bool, batch: int = 500
) -> Iterator[Row]:
    """(response_id, comment, response language, customer language, customer name) rows."""
    query = (
        select(
            Response.response_id,
            Response.comment,
            Response.language,
            Customer.language,
            Customer.name,
        )
        .outerjoin(Customer, Customer.customer_id == Response.customer_id)
        .where(Response.comment.is_not(None))
        .order_by(Response.response_id)
    )
    if pending_only:
        query = query.outerjoin(
            CommentAnalysis, CommentAnalysis.response_id == Response.response_id
        ).where(CommentAnalysis.response_id.is_(None))
    for row in session.execute(query.execution_options(yield_per=batch)):
        yield row[0], row[1] or "", row[2], row[3], row[4]


def save_analysis(session: Session, response_id: str, values: dict[str, Any]) -> None:
    """Insert or replace the analysis of one response."""
    existing = session.get(CommentAnalysis, response_id)
    if existing is None:
        session.add(CommentAnalysis(response_id=response_id, **values))
    else:
        for key, value in values.items():
            setattr(existing, key, value)


def scored_comments(session: Session) -> list[tuple[str, int | None, int | None, int | None]]:
    """(comment, nps, csat, ces) of every response with a comment and at least one score."""
    query = select(Response.comment, Response.nps, Response.csat, Response.ces).where(
        Response.comment.is_not(None),
        (Response.nps.is_not(None)) | (Response.csat.is_not(None)) | (Response.ces.is_not(None)),
    )
    return [(str(r[0]), r[1], r[2], r[3]) for r in session.execute(query)]


def get_analysis(session: Session, response_id: str) -> CommentAnalysis | None:
    """The stored analysis of one response."""
    return session.get(CommentAnalysis, response_id)


def masked_comments_without_themes(session: Session, limit: int = 5000) -> list[str]:
    """Masked comments of analyses that matched no theme (newest analyses first)."""
    query = (
        select(CommentAnalysis.masked_comment, CommentAnalysis.themes)
        .order_by(CommentAnalysis.analysed_at.desc())
        .limit(limit * 4)
    )
    rows = [r[0] for r in session.execute(query) if not r[1] and r[0] and r[0].strip()]
    return rows[:limit]
