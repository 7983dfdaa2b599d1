"""Finding the events that call for an invitation, and campaigns to a segment.

``scan`` runs periodically: for every survey with a trigger it looks for events whose
time has come and that have no invitation yet (the ``trigger_key`` is unique), and invites
through ``distribution.invite``, so fatigue and consent apply to all of them. Running it
twice, or in two workers at once, makes no second invitation.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.facts.models import Customer
from kundepuls.kit.errors import UsageError
from kundepuls.kit.times import to_utc
from kundepuls.surveys import repository
from kundepuls.surveys.definitions import SurveyDefinition, Trigger
from kundepuls.surveys.distribution import Policy, invite
from kundepuls.surveys.models import Survey
from kundepuls.surveys.service import definition_of, get_survey

CUSTOMER_FIELDS = ("segment", "region", "country", "language", "age_band", "gender")


@dataclass
class ScanReport:
    invited: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def add(self, created: bool, reason: str | None) -> None:
        if not created:
            return
        if reason:
            self.skipped[reason] = self.skipped.get(reason, 0) + 1
        else:
            self.invited += 1

    def __str__(self) -> str:
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
        return f"invited {self.invited}" + (f"; skipped {skipped}" if skipped else "")


def scan(
    session: Session,
    settings: Settings,
    now: datetime,
    policy: Policy = Policy(),  # noqa: B008
) -> ScanReport:
    """Invite for every due event of every triggered survey (idempotent)."""
    report = ScanReport()
    for survey in repository.latest_surveys(session):
        definition = definition_of(survey)
        trigger = definition.trigger
        scanner = _SCANNERS.get(trigger.kind)
        if scanner is not None:
            for customer, key, due, wave in scanner(session, survey.key, trigger, now, settings):
                if matches(customer, trigger.where):
                    _invite(
                        session, survey, customer, key, due, wave, settings, now, policy, report
                    )
    return report


def campaign(
    session: Session,
    settings: Settings,
    survey_key: str,
    *,
    where: dict[str, str],
    wave: str,
    limit: int | None,
    now: datetime,
    policy: Policy = Policy(),  # noqa: B008
) -> ScanReport:
    """Invite the customers matching ``where`` to a survey, as the wave ``wave``."""
    survey = get_survey(session, survey_key)
    for name in where:
        if not name.strip():
            raise UsageError("--where needs FIELD=VALUE")
    report = ScanReport()
    chosen = [c for c in repository.all_customers(session) if matches(c, where)]
    for customer in chosen[:limit] if limit else chosen:
        key = f"campaign:{survey.key}:{wave}:{customer.customer_id}"
        _invite(session, survey, customer, key, now, wave, settings, now, policy, report)
    return report


def matches(customer: Customer, where: dict[str, str]) -> bool:
    """Whether the customer's column or attribute equals each value (case-insensitive)."""
    for name, wanted in where.items():
        if name in CUSTOMER_FIELDS:
            value: Any = getattr(customer, name)
        else:
            value = (customer.attributes or {}).get(name)
        if value is None or str(value).strip().lower() != wanted.strip().lower():
            return False
    return True


def _invite(
    session: Session,
    survey: Survey,
    customer: Customer,
    key: str,
    due: datetime,
    wave: str | None,
    settings: Settings,
    now: datetime,
    policy: Policy,
    report: ScanReport,
) -> None:
    result = invite(
        session,
        survey,
        customer,
        settings=settings,
        now=now,
        due=due,
        trigger_key=key,
        wave=wave,
        policy=policy,
    )
    report.add(result.created, result.invitation.skip_reason)


Found = Iterable[tuple[Customer, str, datetime, str | None]]


def _after_purchase(
    session: Session, key: str, trigger: Trigger, now: datetime, settings: Settings
) -> Found:
    delay = timedelta(hours=trigger.delay_hours)
    end = now - delay
    for order, customer in repository.orders_to_invite(
        session, key, end - timedelta(days=trigger.lookback_days), end
    ):
        yield customer, f"order:{order.order_id}:{key}", order.ordered_at + delay, None


def _ticket_resolved(
    session: Session, key: str, trigger: Trigger, now: datetime, settings: Settings
) -> Found:
    delay = timedelta(hours=trigger.delay_hours)
    end = now - delay
    for ticket, customer in repository.tickets_to_invite(
        session, key, end - timedelta(days=trigger.lookback_days), end
    ):
        assert ticket.resolved_at is not None
        yield customer, f"ticket:{ticket.ticket_id}:{key}", ticket.resolved_at + delay, None


def _milestone(
    session: Session, key: str, trigger: Trigger, now: datetime, settings: Settings
) -> Found:
    assert trigger.attribute is not None
    earliest = now - timedelta(days=trigger.lookback_days)
    for customer in repository.all_customers(session):
        day = _as_date((customer.attributes or {}).get(trigger.attribute))
        if day is None:
            continue
        # Asked in the morning of the milestone day (plus the offset), local time.
        due = to_utc(
            datetime.combine(day + timedelta(days=trigger.offset_days), time(9)), settings.tz
        )
        due += timedelta(hours=trigger.delay_hours)
        if earliest < due <= now:
            trigger_key = f"milestone:{customer.customer_id}:{trigger.attribute}:{day}:{key}"
            yield customer, trigger_key, due, None


def _schedule(
    session: Session, key: str, trigger: Trigger, now: datetime, settings: Settings
) -> Found:
    wave = period_label(now.astimezone(settings.tz).date(), trigger.every)
    sample = trigger.sample
    taken = repository.wave_size(session, key, wave, include_skipped=True)
    if sample is not None and taken >= sample:
        return
    active = repository.active_customers(session, now - timedelta(days=trigger.active_days))
    eligible = [c for c in active if matches(c, trigger.where)]
    # A seeded shuffle: the same wave always draws the same customers, in the same order.
    eligible.sort(key=lambda c: hashlib.sha256(f"{key}:{wave}:{c.customer_id}".encode()).digest())
    for customer in eligible[: (sample - taken) if sample is not None else None]:
        yield customer, f"schedule:{key}:{wave}:{customer.customer_id}", now, wave


def period_label(day: date, every: str) -> str:
    """The wave a day belongs to: ``2026-03``, ``2026Q1`` or ``2026``.

    >>> period_label(date(2026, 5, 17), "quarter")
    '2026Q2'
    """
    if every == "month":
        return f"{day.year}-{day.month:02d}"
    if every == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


_SCANNERS = {
    "after_purchase": _after_purchase,
    "ticket_resolved": _ticket_resolved,
    "milestone": _milestone,
    "schedule": _schedule,
}


def describe(definition: SurveyDefinition) -> str:
    """One line saying when the survey is sent."""
    t = definition.trigger
    delay = f" after {t.delay_hours:g} h" if t.delay_hours else ""
    match t.kind:
        case "after_purchase":
            return f"after each order{delay}"
        case "ticket_resolved":
            return f"when a support ticket is resolved{delay}"
        case "milestone":
            return f"on the date in attribute {t.attribute} ({t.offset_days:+d} days){delay}"
        case "schedule":
            return f"every {t.every} to {t.sample or 'all'} active customers"
    return "manually (kundepuls survey send)"
