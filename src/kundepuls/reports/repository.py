"""Every query of the reports domain."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kundepuls.accounts.models import User
from kundepuls.facts.models import Response
from kundepuls.reports.models import ReportDelivery, ReportSubscription
from kundepuls.text.models import CommentAnalysis

ThemeRow = tuple[list[dict[str, Any]], str, float, str]


def comment_analyses(session: Session, start: datetime, end: datetime) -> Iterator[ThemeRow]:
    """(themes, sentiment, score, masked comment) of responses submitted in [start, end)."""
    query = (
        select(
            CommentAnalysis.themes,
            CommentAnalysis.sentiment,
            CommentAnalysis.score,
            CommentAnalysis.masked_comment,
        )
        .join(Response, Response.response_id == CommentAnalysis.response_id)
        .where(Response.submitted_at >= start, Response.submitted_at < end)
        .order_by(Response.submitted_at.desc(), Response.response_id)
    )
    for row in session.execute(query.execution_options(yield_per=1000)):
        yield list(row[0] or []), str(row[1]), float(row[2]), str(row[3] or "")


def active_users(session: Session) -> list[tuple[User, bool | None]]:
    """Every active user with their own weekly-summary choice (None: no choice made)."""
    query = (
        select(User, ReportSubscription.weekly_summary)
        .outerjoin(ReportSubscription, ReportSubscription.user_id == User.id)
        .where(User.active.is_(True))
        .order_by(User.id)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.strip().lower())).first()


def save_subscription(session: Session, user_id: int, weekly: bool, now: datetime) -> None:
    row = session.get(ReportSubscription, user_id)
    if row is None:
        session.add(ReportSubscription(user_id=user_id, weekly_summary=weekly, updated_at=now))
    else:
        row.weekly_summary, row.updated_at = weekly, now
    session.flush()


def deliveries(session: Session, kind: str, period: str) -> dict[int, ReportDelivery]:
    """The deliveries of one kind and period, by user id."""
    query = select(ReportDelivery).where(
        ReportDelivery.kind == kind, ReportDelivery.period == period
    )
    return {row.user_id: row for row in session.scalars(query)}


def insert_delivery(session: Session, values: dict[str, Any]) -> bool:
    """Insert a delivery row; False when one exists already for its kind, period and user."""
    try:
        with session.begin_nested():
            session.add(ReportDelivery(**values))
    except IntegrityError:
        return False
    return True


def claim_delivery(
    session: Session, delivery_id: int, now: datetime, lease_until: datetime
) -> bool:
    """Take the lease on a delivery that is not sent and whose lease has run out."""
    result = session.execute(
        update(ReportDelivery)
        .where(
            ReportDelivery.id == delivery_id,
            ReportDelivery.status.in_(("sending", "retry")),
            ReportDelivery.lease_until <= now,
        )
        .values(status="sending", lease_until=lease_until)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def finish_delivery(session: Session, delivery_id: int, values: dict[str, Any]) -> None:
    session.execute(
        update(ReportDelivery)
        .where(ReportDelivery.id == delivery_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
