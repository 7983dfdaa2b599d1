"""Every query of alerts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kundepuls.alerts.models import AlertDelivery, AlertEvent, AlertRule, AlertState


def rules(session: Session, active_only: bool = False) -> Sequence[AlertRule]:
    query = select(AlertRule).order_by(AlertRule.id)
    if active_only:
        query = query.where(AlertRule.active.is_(True))
    return session.scalars(query).all()


def rule(session: Session, rule_id: int) -> AlertRule | None:
    return session.get(AlertRule, rule_id)


def state(session: Session, rule_id: int, segment: str, create: bool = True) -> AlertState | None:
    """The rule's state for ``segment`` as stored now, created as ``ok`` on first use.

    Two evaluators may create it at once; the unique key lets one win and the other read it.
    """
    query = (
        select(AlertState)
        .where(AlertState.rule_id == rule_id, AlertState.segment == segment)
        .execution_options(populate_existing=True)
    )
    found = session.scalars(query).first()
    if found is not None or not create:
        return found
    try:
        with session.begin_nested():
            session.add(AlertState(rule_id=rule_id, segment=segment, state="ok", episode=0))
    except IntegrityError:
        pass
    return session.scalars(query).one()


def transition(session: Session, current: AlertState, to: str, episode: int, now: datetime) -> bool:
    """Move ``current`` to ``to`` only if nobody else moved it first (compare and set)."""
    result = session.execute(
        update(AlertState)
        .where(
            AlertState.id == current.id,
            AlertState.state == current.state,
            AlertState.episode == current.episode,
        )
        .values(state=to, episode=episode, since=now)
        .execution_options(synchronize_session=False)
    )
    changed = bool(getattr(result, "rowcount", 0))
    session.refresh(current)
    return changed


def events(session: Session, rule_id: int | None = None, limit: int = 100) -> Sequence[AlertEvent]:
    query = select(AlertEvent).order_by(AlertEvent.id.desc()).limit(limit)
    if rule_id is not None:
        query = query.where(AlertEvent.rule_id == rule_id)
    return session.scalars(query).all()


def deliveries_of(session: Session, event_id: int) -> Sequence[AlertDelivery]:
    query = select(AlertDelivery).where(AlertDelivery.event_id == event_id)
    return session.scalars(query.order_by(AlertDelivery.id)).all()


def due_deliveries(session: Session, now: datetime, limit: int = 100) -> list[int]:
    query = (
        select(AlertDelivery.id)
        .where(
            AlertDelivery.status == "pending",
            AlertDelivery.next_attempt_at <= now,
            or_(AlertDelivery.lease_until.is_(None), AlertDelivery.lease_until < now),
        )
        .order_by(AlertDelivery.next_attempt_at, AlertDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def claim(session: Session, delivery_id: int, now: datetime, until: datetime) -> bool:
    """Take the lease on a due delivery; False when another worker holds or sent it."""
    result = session.execute(
        update(AlertDelivery)
        .where(
            AlertDelivery.id == delivery_id,
            AlertDelivery.status == "pending",
            or_(AlertDelivery.lease_until.is_(None), AlertDelivery.lease_until < now),
        )
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
