"""Triggers and the one contact rule: delays, idempotency, fatigue across surveys, caps."""

from datetime import time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kundepuls.config import Settings, get_settings
from kundepuls.kit.errors import KundepulsError
from kundepuls.surveys import service, triggers
from kundepuls.surveys.distribution import Policy, outside_quiet_hours
from kundepuls.surveys.models import Invitation, OutboxMessage
from tests.surveys.factories import add_customer, add_order, add_survey, add_ticket, utc

NOON = utc(2026, 6, 10, 10)
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _invitations(session: Session) -> list[Invitation]:
    return list(session.scalars(sa.select(Invitation).order_by(Invitation.trigger_key)))


def test_after_purchase_waits_for_the_delay_and_invites_once(
    session: Session, settings: Settings
) -> None:
    add_survey(session)
    add_customer(session, "c1")
    add_order(session, "o1", "c1", NOON)
    assert triggers.scan(session, settings, NOON + timedelta(hours=23)).invited == 0
    assert triggers.scan(session, settings, NOON + timedelta(hours=25)).invited == 1
    assert triggers.scan(session, settings, NOON + timedelta(hours=26)).invited == 0
    (invitation,) = _invitations(session)
    assert invitation.trigger_key == "order:o1:etter-kjop"
    assert invitation.due_at == NOON + timedelta(hours=24)
    assert invitation.touchpoint == "purchase"
    assert invitation.survey_version == 1


@SQLITE_ONLY
def test_old_orders_from_an_import_are_not_invited(session: Session, settings: Settings) -> None:
    add_survey(session)
    add_customer(session, "c1")
    add_order(session, "old", "c1", NOON - timedelta(days=200))
    assert triggers.scan(session, settings, NOON).invited == 0


def test_fatigue_holds_across_two_surveys(session: Session, settings: Settings) -> None:
    add_survey(session)
    add_survey(
        session,
        key="support",
        touchpoint="support",
        questions=[{"id": "ces", "type": "ces"}],
        trigger={"kind": "ticket_resolved", "delay_hours": 1},
    )
    add_customer(session, "c1")
    add_customer(session, "c2")
    add_order(session, "o1", "c1", NOON)
    triggers.scan(session, settings, NOON + timedelta(hours=25))
    add_ticket(session, "t1", "c1", NOON + timedelta(days=3))  # asked 2 days ago: too soon
    add_ticket(session, "t2", "c2", NOON + timedelta(days=3))
    report = triggers.scan(session, settings, NOON + timedelta(days=3, hours=2))
    assert report.invited == 1
    assert report.skipped == {"asked within 30 days": 1}
    add_ticket(session, "t3", "c1", NOON + timedelta(days=40))  # a month later: fine
    assert triggers.scan(session, settings, NOON + timedelta(days=40, hours=2)).invited == 1
    statuses = {(i.trigger_key, i.status) for i in _invitations(session)}
    assert ("ticket:t1:support", "skipped") in statuses
    assert ("ticket:t3:support", "queued") in statuses


@SQLITE_ONLY
def test_fatigue_window_is_configurable(session: Session, settings: Settings) -> None:
    add_survey(session)
    add_customer(session, "c1")
    add_order(session, "o1", "c1", NOON)
    add_order(session, "o2", "c1", NOON + timedelta(days=8))
    policy = Policy(fatigue_days=7)
    triggers.scan(session, settings, NOON + timedelta(days=1), policy)
    assert triggers.scan(session, settings, NOON + timedelta(days=9), policy).invited == 1


@SQLITE_ONLY
def test_consent_attribute_and_missing_email_are_skipped_with_reasons(
    session: Session, settings: Settings
) -> None:
    add_survey(session)
    add_customer(session, "c1").attributes = {"consent": "no"}
    add_customer(session, "c2", email_address=None)
    add_order(session, "o1", "c1", NOON)
    add_order(session, "o2", "c2", NOON)
    report = triggers.scan(session, settings, NOON + timedelta(days=1))
    assert report.skipped == {"no consent": 1, "no email address": 1}
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


@SQLITE_ONLY
def test_quiet_hours_move_the_email_to_the_morning(session: Session, settings: Settings) -> None:
    add_survey(session)
    add_customer(session, "c1")
    evening = utc(2026, 6, 10, 20, 30)  # 22:30 in Oslo
    add_order(session, "o1", "c1", evening - timedelta(hours=24))
    triggers.scan(session, settings, evening)
    first = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "invitation")
    ).one()
    assert first.next_attempt_at == utc(2026, 6, 11, 6)  # 08:00 in Oslo
    oslo = settings.tz
    assert outside_quiet_hours(utc(2026, 1, 10, 12), oslo, Policy()) == utc(2026, 1, 10, 12)
    assert outside_quiet_hours(utc(2026, 1, 10, 6), oslo, Policy()) == utc(2026, 1, 10, 7)


@SQLITE_ONLY
def test_milestone_schedule_and_campaign(session: Session, settings: Settings) -> None:
    add_survey(
        session,
        key="fornyelse",
        trigger={"kind": "milestone", "attribute": "renewal_at", "offset_days": -7},
    )
    add_survey(
        session,
        key="relasjon",
        wave_cap=2,
        trigger={"kind": "schedule", "every": "quarter", "sample": 3},
    )
    for n in range(6):
        customer = add_customer(session, f"c{n}", segment="vip" if n < 2 else "basis")
        customer.attributes = {"renewal_at": "2026-06-17"} if n == 0 else {}
        add_order(session, f"o{n}", customer.customer_id, NOON - timedelta(days=100))
    report = triggers.scan(session, settings, NOON)
    keys = [i.trigger_key for i in _invitations(session)]
    assert "milestone:c0:renewal_at:2026-06-17:fornyelse" in keys
    scheduled = [i for i in _invitations(session) if i.survey == "relasjon"]
    assert len(scheduled) == 3
    assert {i.wave for i in scheduled} == {"2026Q2"}
    assert sorted(i.status for i in scheduled).count("skipped") >= 1  # fatigue or wave cap
    assert report.invited + sum(report.skipped.values()) == 4
    assert triggers.scan(session, settings, NOON + timedelta(hours=1)).invited == 0
    campaign = triggers.campaign(
        session, settings, "relasjon", where={"segment": "VIP"}, wave="juni", limit=None, now=NOON
    )
    assert campaign.invited + sum(campaign.skipped.values()) == 2
    again = triggers.campaign(
        session, settings, "relasjon", where={"segment": "vip"}, wave="juni", limit=None, now=NOON
    )
    assert again.invited == 0
    assert again.skipped == {}


@SQLITE_ONLY
def test_response_rate_per_survey_touchpoint_and_channel(
    session: Session, settings: Settings
) -> None:
    add_survey(session)
    for n in range(4):
        add_customer(session, f"c{n}")
        add_order(session, f"o{n}", f"c{n}", NOON)
    triggers.scan(session, settings, NOON + timedelta(days=1))
    invitations = _invitations(session)
    for i, invitation in enumerate(invitations):
        invitation.sent_at = NOON + timedelta(days=1)
        invitation.opened_at = invitation.sent_at if i < 3 else None
        invitation.response_id = f"r{i}" if i < 1 else None
    session.flush()
    (row,) = service.response_rates(session, "etter-kjop")
    assert (row["touchpoint"], row["channel"]) == ("purchase", "email")
    assert (row["sent"], row["opened"], row["answered"], row["rate"]) == (4, 3, 1, 25.0)


def test_policy_from_settings_where_set() -> None:
    class Configured(Settings):
        survey_fatigue_days: int = 14
        survey_quiet_hours: str = "22-07"

    policy = Policy.from_settings(Configured())
    assert (policy.fatigue_days, policy.quiet_start.hour, policy.quiet_end.hour) == (14, 22, 7)
    assert Policy.from_settings(Settings()) == Policy()


def test_the_contact_rule_is_set_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUNDEPULS_SURVEY_FATIGUE_DAYS", "14")
    monkeypatch.setenv("KUNDEPULS_SURVEY_QUIET_HOURS", "22-7")
    get_settings.cache_clear()
    policy = Policy.from_settings(get_settings())
    assert (policy.fatigue_days, policy.quiet_start, policy.quiet_end) == (14, time(22), time(7))
    monkeypatch.setenv("KUNDEPULS_SURVEY_QUIET_HOURS", "22 to 7")
    get_settings.cache_clear()
    with pytest.raises(KundepulsError, match="KUNDEPULS_SURVEY_QUIET_HOURS"):
        get_settings()
