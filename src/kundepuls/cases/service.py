"""Use cases of the closed loop: open cases, work them, announce them, measure the loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kundepuls.cases import repository
from kundepuls.cases.config import CaseSettings, load_case_settings
from kundepuls.cases.models import Case, CaseEvent, CaseNote
from kundepuls.facts.models import Complaint, Response
from kundepuls.kit import webhooks
from kundepuls.kit.errors import NotFoundError, UsageError
from kundepuls.kit.times import local_midnight
from kundepuls.stats.intervals import wilson
from kundepuls.text.masking import mask

CLOSED = ("resolved", "cannot_resolve")


def _masked(text: str | None, name: str | None) -> str | None:
    """The comment with emails, phone numbers, ids, card numbers and the name hidden.

    >>> _masked("Ring meg på 912 34 567 eller kari@eksempel.no, hilsen Kari", "Kari")
    'Ring meg på [telefon] eller [e-post], hilsen [navn]'
    """
    return None if text is None else mask(text, name)


def _context(session: Session, customer_id: str | None, at: datetime) -> dict[str, Any]:
    """What the person calling the customer should know before the call."""
    if customer_id is None:
        return {}
    orders, value = repository.order_totals(session, customer_id, at)
    customer = repository.customer(session, customer_id)
    answers = [
        {"at": r.submitted_at.isoformat(), "nps": r.nps, "csat": r.csat, "ces": r.ces}
        for r in repository.previous_answers(session, customer_id, at)
    ]
    complaints = [
        {"complaint_id": c.complaint_id, "category": c.category, "status": c.status}
        for c in repository.open_complaints(session, customer_id)
    ]
    return {
        "customer_name": customer.name if customer else None,
        "segment": customer.segment if customer else None,
        "orders": orders,
        "order_value": str(value),
        "previous_answers": answers,
        "open_complaints": complaints,
    }


def _reason(response: Response, settings: CaseSettings) -> tuple[str, int]:
    if response.nps is not None and response.nps <= settings.nps_detractor_max:
        return "nps", response.nps
    assert response.csat is not None
    return "csat", response.csat


def _new_case(
    session: Session, settings: CaseSettings, kind: str, source: Response | Complaint
) -> Case:
    at = source.submitted_at if isinstance(source, Response) else source.created_at
    context = _context(session, source.customer_id, at)
    customer = repository.customer(session, source.customer_id) if source.customer_id else None
    team = (source.attributes or {}).get("team") or (
        repository.last_ticket_team(session, source.customer_id, at) if source.customer_id else None
    )
    region = customer.region if customer else None
    case = Case(
        kind=kind,
        customer_id=source.customer_id,
        event_at=at,
        due_at=at + timedelta(hours=settings.sla_hours(kind)),
        team=team,
        region=region,
        assignee=settings.assignee(kind, team, region),
        context=context,
    )
    if isinstance(source, Response):
        metric, score = _reason(source, settings)
        case.source_key, case.response_id = f"response:{source.response_id}", source.response_id
        case.metric, case.score, case.reason = metric, score, f"{metric.upper()} {score}"
        context["comment"] = _masked(source.comment, context.get("customer_name"))
    else:
        case.source_key, case.complaint_id = f"complaint:{source.complaint_id}", source.complaint_id
        case.reason = f"complaint: {source.category}"
    return case


def open_cases(
    session: Session, settings: CaseSettings | None = None, now: datetime | None = None
) -> list[Case]:
    """Open one case per detractor answer and per complaint of the look-back window.

    Safe to run any number of times, also after answers were imported again: each
    answer or complaint has one source key, and a key that has a case is skipped.
    """
    settings = settings or load_case_settings()
    now = now or datetime.now(UTC)
    since = now - timedelta(days=settings.lookback_days)
    sources: list[tuple[str, Response | Complaint]] = [
        ("detractor", r)
        for r in repository.detractor_answers(
            session, since, settings.nps_detractor_max, settings.csat_detractor_max
        )
    ]
    sources += [("complaint", c) for c in repository.complaints_since(session, since)]
    keys = [
        f"response:{s.response_id}" if isinstance(s, Response) else f"complaint:{s.complaint_id}"
        for _, s in sources
    ]
    have = repository.existing_keys(session, keys)
    opened = []
    for key, (kind, source) in zip(keys, sources, strict=True):
        if key in have:
            continue
        have.add(key)
        case = _new_case(session, settings, kind, source)
        repository.add(session, case)
        opened.append(case)
    session.flush()
    for case in opened:
        _event(session, case, "opened")
    session.flush()
    return opened


def _event(session: Session, case: Case, event: str) -> None:
    repository.add(session, CaseEvent(case_id=case.id, event=event))


def get_case(session: Session, case_id: int) -> Case:
    case = repository.get_case(session, case_id)
    if case is None:
        raise NotFoundError(f"case {case_id}: no such case")
    return case


def list_cases(
    session: Session, status: str | None = None, assignee: str | None = None, limit: int = 200
) -> list[Case]:
    return repository.list_cases(session, status, assignee, limit)


def assign(session: Session, case_id: int, assignee: str) -> Case:
    """Give a case to ``assignee``; a change of hands is an ``assigned`` event."""
    case = get_case(session, case_id)
    assignee = assignee.strip()
    if not assignee:
        raise UsageError("assignee: give the person the case goes to")
    if case.assignee != assignee:
        case.assignee = assignee
        session.flush()
        _event(session, case, "assigned")
    session.flush()
    return case


def add_note(session: Session, case_id: int, text: str, author: str | None = None) -> CaseNote:
    get_case(session, case_id)
    if not text.strip():
        raise UsageError("note: the text is empty")
    note = CaseNote(case_id=case_id, text=text, author=author)
    repository.add(session, note)
    session.flush()
    return note


def notes(session: Session, case_id: int) -> list[CaseNote]:
    get_case(session, case_id)
    return repository.notes(session, case_id)


def mark_contacted(session: Session, case_id: int, at: datetime | None = None) -> Case:
    """Record that someone reached the customer (the SLA counts this moment)."""
    case = get_case(session, case_id)
    if case.status in CLOSED:
        raise UsageError(f"case {case_id}: already closed ({case.status})")
    case.status, case.contacted_at = "contacted", at or datetime.now(UTC)
    session.flush()
    _event(session, case, "contacted")
    return case


def close(
    session: Session,
    case_id: int,
    outcome: str | None = None,
    resolved: bool = True,
    at: datetime | None = None,
) -> Case:
    """Close a case as resolved (or as cannot_resolve) with its outcome."""
    case = get_case(session, case_id)
    case.status = "resolved" if resolved else "cannot_resolve"
    case.closed_at = at or datetime.now(UTC)
    case.contacted_at = case.contacted_at or case.closed_at
    case.outcome = outcome
    session.flush()
    _event(session, case, "resolved" if resolved else "cannot_resolve")
    return case


def overdue_cases(session: Session, now: datetime | None = None) -> list[Case]:
    """New cases whose due time has passed without contact."""
    return repository.overdue(session, now or datetime.now(UTC))


def _describe(case: Case, event: str) -> str:
    who = f", assignee {case.assignee}" if case.assignee else ""
    customer = f" from customer {case.customer_id}" if case.customer_id else ""
    due = case.due_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"Case {case.id} {event}: {case.reason}{customer} (due {due}{who})"


def _case_data(case: Case) -> dict[str, Any]:
    keys = ("id", "kind", "reason", "customer_id", "status", "assignee", "due_at", "source_key")
    return {k: getattr(case, k) for k in keys}


def deliver_events(session: Session, settings: CaseSettings | None = None) -> int:
    """Post waiting case events to the configured webhook; returns how many went out.

    Without a webhook URL the events are marked done unsent: nobody is listening.
    A failed delivery stays waiting and is tried again on the next run.
    """
    settings = settings or load_case_settings()
    sent = 0
    now = datetime.now(UTC)
    for event in repository.undelivered_events(session):
        if settings.webhook_url:
            case = get_case(session, event.case_id)
            body = webhooks.payload(
                f"case.{event.event}", _describe(case, event.event), _case_data(case)
            )
            event.attempts += 1
            delivery = webhooks.send(settings.webhook_url, body, secret=settings.webhook_secret)
            if not delivery.ok:
                break  # the receiver is down; keep the order and try later
            sent += 1
        event.delivered_at = now
    session.flush()
    return sent


def alert_overdue(
    session: Session, settings: CaseSettings | None = None, now: datetime | None = None
) -> webhooks.Delivery | None:
    """One webhook alert listing overdue cases not alerted before; None when none are new."""
    settings = settings or load_case_settings()
    now = now or datetime.now(UTC)
    fresh = [c for c in overdue_cases(session, now) if c.overdue_alerted_at is None]
    if not fresh or not settings.webhook_url:
        return None
    lines = [_describe(c, "overdue") for c in fresh[:20]]
    more = f"\n… and {len(fresh) - 20} more" if len(fresh) > 20 else ""
    text = f"{len(fresh)} follow-up case(s) overdue:\n" + "\n".join(lines) + more
    body = webhooks.payload("case.overdue", text, {"cases": [_case_data(c) for c in fresh]})
    delivery = webhooks.send(settings.webhook_url, body, secret=settings.webhook_secret)
    if delivery.ok:
        for case in fresh:
            case.overdue_alerted_at = now
        session.flush()
    return delivery


@dataclass(frozen=True)
class Rate:
    """A share in percent with its n and Wilson 95 % interval (None without cases)."""

    value: float | None
    n: int
    hits: int
    ci_low: float | None
    ci_high: float | None


def _rate(hits: int, n: int) -> Rate:
    if n == 0:
        return Rate(None, 0, 0, None, None)
    interval = wilson([n], [hits])
    return Rate(float(interval.value[0]), n, hits, float(interval.low[0]), float(interval.high[0]))


def followup_rate(
    session: Session, start: datetime, end: datetime, now: datetime | None = None
) -> Rate:
    """Share of cases (event time in ``[start, end)``) contacted within their SLA.

    Cases still open before their due time are not counted yet: they can still make it.

    Examples
    --------
    A case due at 12:00 and contacted at 11:00 counts as a hit; one contacted at 13:00,
    or still new after 12:00, as a miss.
    """
    now = now or datetime.now(UTC)
    hits = n = 0
    for case in repository.cases_opened_between(session, start, end):
        if case.contacted_at is None and case.due_at >= now:
            continue
        n += 1
        hits += case.contacted_at is not None and case.contacted_at <= case.due_at
    return _rate(hits, n)


def _recovered(session: Session, case: Case) -> bool:
    assert case.customer_id is not None
    if repository.orders_after(session, case.customer_id, case.event_at):
        return True
    if case.metric is None or case.score is None:
        return False
    later = repository.later_answers(session, case.customer_id, case.event_at)
    return any((getattr(r, case.metric) or -1) > case.score for r in later)


def recovery_rate(session: Session, start: datetime, end: datetime) -> Rate:
    """Share of followed-up customers who answered again higher or bought again.

    Over the closed or contacted cases with a known customer whose event time is in
    ``[start, end)``; "higher" is on the same scale as the answer that opened the case.
    """
    cases = [
        c
        for c in repository.cases_opened_between(session, start, end)
        if c.customer_id is not None and c.status != "new"
    ]
    hits = sum(_recovered(session, c) for c in cases)
    return _rate(hits, len(cases))


def loop_rates(session: Session, start: date, end: date, tz: ZoneInfo) -> dict[str, Rate]:
    """``followup_rate`` and ``recovery_rate`` of the cases from ``start`` to ``end``
    (inclusive, local days in ``tz``)."""
    window = local_midnight(start, tz), local_midnight(end + timedelta(days=1), tz)
    return {
        "followup_rate": followup_rate(session, *window),
        "recovery_rate": recovery_rate(session, *window),
    }


# The inbox: its filters, its counts, and one case with its answer and timeline.

STATUS_GROUPS: dict[str, tuple[str, ...] | None] = {
    "open": ("new",),
    "contacted": ("contacted",),
    "closed": CLOSED,
    "all": None,
}
ASSIGNEES = ("anyone", "mine", "unassigned")
REASONS = ("nps", "csat", "complaint")


@dataclass(frozen=True)
class CaseFilter:
    """What the inbox shows: a status group, whose cases, only overdue ones, one reason.

    ``status`` is a key of :data:`STATUS_GROUPS` ("open" is new, not yet contacted),
    ``assignee`` one of :data:`ASSIGNEES`, ``reason`` one of :data:`REASONS` or "".
    """

    status: str = "open"
    assignee: str = "anyone"
    overdue: bool = False
    reason: str = ""

    def __post_init__(self) -> None:
        checks = (
            ("status", self.status, tuple(STATUS_GROUPS)),
            ("assignee", self.assignee, ASSIGNEES),
            ("reason", self.reason, ("", *REASONS)),
        )
        for name, value, allowed in checks:
            if value not in allowed:
                raise UsageError(f"{name}: {value!r} is not one of {', '.join(allowed)}")


def find_cases(
    session: Session,
    where: CaseFilter,
    me: str | None = None,
    now: datetime | None = None,
    limit: int | None = None,
) -> tuple[list[Case], int]:
    """The cases of the inbox filter, earliest due first, and how many match in all.

    ``me`` is the assignee name of "mine" (the signed-in user's email on the pages).
    Overdue means as in :func:`overdue_cases`: new, and its due time has passed.
    """
    if where.assignee == "mine" and not me:
        raise UsageError("assignee: 'mine' needs to know who you are")
    return repository.filtered_cases(
        session,
        limit,
        statuses=STATUS_GROUPS[where.status],
        assignees=[me] if where.assignee == "mine" and me else None,
        unassigned=where.assignee == "unassigned",
        due_before=(now or datetime.now(UTC)) if where.overdue else None,
        reason=where.reason or None,
    )


def status_counts(session: Session, now: datetime | None = None) -> dict[str, int]:
    """How many cases are open (new), contacted, closed, overdue, and all together."""
    found = repository.status_counts(session, now or datetime.now(UTC))
    counts = {
        "open": found.get("new", 0),
        "contacted": found.get("contacted", 0),
        "closed": sum(found.get(s, 0) for s in CLOSED),
    }
    return {**counts, "all": sum(counts.values()), "overdue": found["overdue"]}


def is_overdue(case: Case, now: datetime | None = None) -> bool:
    """New and past its due time (contact stops the SLA clock)."""
    return case.status == "new" and case.due_at < (now or datetime.now(UTC))


def answer(session: Session, case: Case) -> Response | None:
    """The survey answer that opened the case (None for a complaint or a deleted answer)."""
    return repository.response(session, case.response_id) if case.response_id else None


def masked_comment(case: Case, response: Response | None = None) -> str | None:
    """The comment behind a case, masked: from the answer where it still exists, else the
    masked copy kept in the case's context."""
    name = case.context.get("customer_name")
    if response is not None and response.comment:
        return _masked(response.comment, name)
    kept = case.context.get("comment")
    return _masked(kept, name) if kept else None


@dataclass(frozen=True)
class TimelineItem:
    """One line of a case's history: an event (``opened``, ``assigned`` …) or a note."""

    at: datetime
    kind: str
    text: str | None = None
    author: str | None = None


def timeline(session: Session, case_id: int) -> list[TimelineItem]:
    """The case's events and notes, oldest first (the close carries the outcome)."""
    case = get_case(session, case_id)
    items = [
        TimelineItem(e.at, e.event, case.outcome if e.event in CLOSED else None)
        for e in repository.events(session, case_id)
    ]
    items += [
        TimelineItem(n.at, "note", n.text, n.author) for n in repository.notes(session, case_id)
    ]
    return sorted(items, key=lambda item: item.at)
