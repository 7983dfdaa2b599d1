"""Every query of the survey domain."""

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kundepuls.facts.models import Customer, Order, Response, Ticket
from kundepuls.surveys.models import ContactPreference, Invitation, OutboxMessage, Survey

SKIPPED = "skipped"
# Plain tables for the hot answer path, where Core statements skip the ORM's bookkeeping.
INVITATIONS = cast(sa.Table, Invitation.__table__)
OUTBOX = cast(sa.Table, OutboxMessage.__table__)
RESPONSES = cast(sa.Table, Response.__table__)


def latest_survey(session: Session, key: str) -> Survey | None:
    return session.scalars(
        sa.select(Survey).where(Survey.key == key).order_by(Survey.version.desc()).limit(1)
    ).first()


def survey_version(session: Session, key: str, version: int) -> Survey | None:
    return session.scalars(
        sa.select(Survey).where(Survey.key == key, Survey.version == version)
    ).first()


def survey_by_link(session: Session, link_key: str) -> Survey | None:
    return session.scalars(
        sa.select(Survey)
        .where(Survey.link_key == link_key)
        .order_by(Survey.version.desc())
        .limit(1)
    ).first()


def latest_surveys(session: Session) -> Sequence[Survey]:
    newest = (
        sa.select(Survey.key, sa.func.max(Survey.version).label("version"))
        .group_by(Survey.key)
        .subquery()
    )
    return session.scalars(
        sa.select(Survey)
        .join(newest, sa.and_(Survey.key == newest.c.key, Survey.version == newest.c.version))
        .order_by(Survey.key)
    ).all()


def invitation_by_token_hash(session: Session, token_hash: str) -> Invitation | None:
    return session.scalars(sa.select(Invitation).where(Invitation.token_hash == token_hash)).first()


# Statements of the hot answer path, built once: no cache-key work per request.
_BY_TOKEN = sa.select(INVITATIONS).where(INVITATIONS.c.token_hash == sa.bindparam("token_hash"))
_CANCEL_REMINDER = (
    sa.update(OUTBOX)
    .where(
        OUTBOX.c.invitation_id == sa.bindparam("iid"),
        OUTBOX.c.kind == "reminder",
        OUTBOX.c.status == "queued",
    )
    .values(status="cancelled", body_text=None, body_html=None, last_error="answered")
)


@cache
def _update_invitation(columns: tuple[str, ...]) -> Any:
    return (
        sa.update(INVITATIONS)
        .where(INVITATIONS.c.invitation_id == sa.bindparam("iid"))
        .values({name: sa.bindparam(f"v_{name}") for name in columns})
    )


def invitation_row(session: Session, token_hash: str) -> dict[str, Any] | None:
    """The invitation with this token hash, as plain column values."""
    row = session.connection().execute(_BY_TOKEN, {"token_hash": token_hash}).first()
    return dict(row._mapping) if row is not None else None


def update_invitation(session: Session, invitation_id: str, values: dict[str, Any]) -> None:
    statement = _update_invitation(tuple(sorted(values)))
    params = {"iid": invitation_id, **{f"v_{k}": v for k, v in values.items()}}
    session.connection().execute(statement, params)
    cached = session.identity_map.get(session.identity_key(Invitation, invitation_id))
    if cached is not None:
        session.expire(cached)


def lock_invitation(session: Session, invitation_id: str) -> None:
    """Hold the invitation's row until the transaction ends (no-op on SQLite, which writes
    one transaction at a time): racing answers to one link then take the invitation first
    and its response second, always in that order, and so cannot deadlock."""
    query = sa.select(Invitation.invitation_id).where(Invitation.invitation_id == invitation_id)
    session.execute(query.with_for_update())


def cancel_reminder(session: Session, invitation_id: str) -> None:
    """Drop the queued reminder of an invitation (its answer arrived)."""
    session.connection().execute(_CANCEL_REMINDER, {"iid": invitation_id})


def invitation_by_trigger(session: Session, trigger_key: str) -> Invitation | None:
    return session.scalars(
        sa.select(Invitation).where(Invitation.trigger_key == trigger_key)
    ).first()


def invitations_for(session: Session, survey: str) -> Sequence[Invitation]:
    return session.scalars(
        sa.select(Invitation).where(Invitation.survey == survey).order_by(Invitation.created_at)
    ).all()


def asked_since(session: Session, customer_id: str, since: datetime) -> bool:
    """Whether any survey has asked (or is about to ask) the customer after ``since``."""
    found = session.scalar(
        sa.select(Invitation.invitation_id)
        .where(
            Invitation.customer_id == customer_id,
            Invitation.status != SKIPPED,
            sa.func.coalesce(Invitation.sent_at, Invitation.due_at) > since,
        )
        .limit(1)
    )
    return found is not None


def wave_size(session: Session, survey: str, wave: str, *, include_skipped: bool) -> int:
    query = sa.select(sa.func.count()).where(Invitation.survey == survey, Invitation.wave == wave)
    if not include_skipped:
        query = query.where(Invitation.status != SKIPPED)
    return session.scalar(query) or 0


def is_unsubscribed(session: Session, customer_id: str) -> bool:
    pref = session.get(ContactPreference, customer_id)
    return pref is not None and pref.unsubscribed_at is not None


def unsubscribe(session: Session, customer_id: str, now: datetime, source: str) -> None:
    pref = session.get(ContactPreference, customer_id)
    if pref is None:
        session.add(ContactPreference(customer_id=customer_id, unsubscribed_at=now, source=source))
    elif pref.unsubscribed_at is None:
        pref.unsubscribed_at, pref.source = now, source


def _untriggered(key_expr: Any) -> Any:
    return ~sa.exists().where(Invitation.trigger_key == key_expr)


def orders_to_invite(
    session: Session, survey: str, start: datetime, end: datetime
) -> Sequence[tuple[Order, Customer]]:
    key = sa.literal("order:") + Order.order_id + sa.literal(f":{survey}")
    query = (
        sa.select(Order, Customer)
        .join(Customer, Customer.customer_id == Order.customer_id)
        .where(Order.ordered_at > start, Order.ordered_at <= end, _untriggered(key))
        .order_by(Order.ordered_at)
    )
    return [(o, c) for o, c in session.execute(query)]


def tickets_to_invite(
    session: Session, survey: str, start: datetime, end: datetime
) -> Sequence[tuple[Ticket, Customer]]:
    key = sa.literal("ticket:") + Ticket.ticket_id + sa.literal(f":{survey}")
    query = (
        sa.select(Ticket, Customer)
        .join(Customer, Customer.customer_id == Ticket.customer_id)
        .where(Ticket.resolved_at > start, Ticket.resolved_at <= end, _untriggered(key))
        .order_by(Ticket.resolved_at)
    )
    return [(t, c) for t, c in session.execute(query)]


def all_customers(session: Session) -> Sequence[Customer]:
    return session.scalars(sa.select(Customer).order_by(Customer.customer_id)).all()


def active_customers(session: Session, since: datetime) -> Sequence[Customer]:
    buyers = sa.select(Order.customer_id).where(Order.ordered_at >= since).distinct()
    return session.scalars(
        sa.select(Customer).where(Customer.customer_id.in_(buyers)).order_by(Customer.customer_id)
    ).all()


def due_outbox_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Messages whose time has come, and messages whose sender's lease ran out."""
    return list(
        session.scalars(
            sa.select(OutboxMessage.id)
            .where(_claimable(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def _claimable(now: datetime) -> Any:
    return sa.or_(
        sa.and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
    )


def claim_outbox(session: Session, row_id: int, owner: str, now: datetime, until: datetime) -> bool:
    """Take the lease on one message; exactly one of several racing workers gets True."""
    result = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == row_id, _claimable(now))
        .values(
            status="sending",
            lease_owner=owner,
            lease_until=until,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def pending_outbox(session: Session, invitation_id: str) -> Sequence[OutboxMessage]:
    return session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.invitation_id == invitation_id,
            OutboxMessage.status.in_(("queued", "sending")),
        )
    ).all()


def outbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}


def response_rates(session: Session, survey: str | None = None) -> list[dict[str, Any]]:
    """Invitations sent, opened and answered per survey, touchpoint and channel."""
    sent = Invitation.sent_at.is_not(None)
    answered = Invitation.response_id.is_not(None)
    query = sa.select(
        Invitation.survey,
        Invitation.touchpoint,
        Invitation.channel,
        sa.func.count().label("invitations"),
        sa.func.count(Invitation.sent_at).label("sent"),
        sa.func.count(Invitation.opened_at).label("opened"),
        sa.func.count(Invitation.response_id).label("answered"),
        sa.func.sum(sa.case((sa.and_(sent, answered), 1), else_=0)).label("answered_of_sent"),
        sa.func.sum(sa.case((Invitation.status == SKIPPED, 1), else_=0)).label("skipped"),
    ).group_by(Invitation.survey, Invitation.touchpoint, Invitation.channel)
    if survey:
        query = query.where(Invitation.survey == survey)
    order = (Invitation.survey, Invitation.touchpoint, Invitation.channel)
    return [dict(row._mapping) for row in session.execute(query.order_by(*order))]


def response(session: Session, response_id: str) -> Response | None:
    return session.get(Response, response_id)


UPSERT_COLUMNS = (
    "customer_id",
    "survey",
    "touchpoint",
    "channel",
    "language",
    "nps",
    "csat",
    "ces",
    "comment",
    "attributes",
    "updated_at",
)


@cache
def _upsert(dialect: str) -> Any:
    """The upsert statement of a dialect, built once so that its compiled form is reused."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement: Any = pg_insert(RESPONSES)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(RESPONSES)
    changes = {name: statement.excluded[name] for name in UPSERT_COLUMNS}
    return statement.on_conflict_do_update(index_elements=[RESPONSES.c.response_id], set_=changes)


def upsert_response(session: Session, values: dict[str, Any]) -> None:
    """Insert the response, or update it (all but its id and first time) when it exists."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):  # other backends: look up, then write
        session.merge(Response(**values))
        return
    # On the table, through the session's connection: the ORM's bulk-insert path would
    # add its bookkeeping to every answer.
    session.connection().execute(_upsert(dialect), values)
    existing = session.identity_map.get(session.identity_key(Response, values["response_id"]))
    if existing is not None:
        session.expire(existing)


def survey_totals(session: Session) -> dict[str, dict[str, int]]:
    """Per survey key: invitations made, sent, answered of the sent, and its responses."""
    sent = Invitation.sent_at.is_not(None)
    answered = Invitation.response_id.is_not(None)
    query = sa.select(
        Invitation.survey,
        sa.func.count().label("invitations"),
        sa.func.count(Invitation.sent_at).label("sent"),
        sa.func.sum(sa.case((sa.and_(sent, answered), 1), else_=0)).label("answered_of_sent"),
    ).group_by(Invitation.survey)
    totals = {row.survey: dict(row._mapping) for row in session.execute(query)}
    responses = sa.select(Response.survey, sa.func.count()).group_by(Response.survey)
    for key, count in session.execute(responses.where(Response.survey.is_not(None))):
        totals.setdefault(key, {"survey": key, "invitations": 0, "sent": 0, "answered_of_sent": 0})
        totals[key]["responses"] = count
    for row in totals.values():
        row.setdefault("responses", 0)
        row["answered_of_sent"] = int(row["answered_of_sent"] or 0)
    return totals


def sent_invitations(session: Session, survey: str) -> Iterator[tuple[datetime, bool]]:
    """(sent_at, answered) of every sent invitation of ``survey``."""
    query = sa.select(Invitation.sent_at, Invitation.response_id.is_not(None)).where(
        Invitation.survey == survey, Invitation.sent_at.is_not(None)
    )
    for sent_at, answered in session.execute(query.execution_options(yield_per=5000)):
        if sent_at is not None:
            yield sent_at, bool(answered)
