"""Invitations by email: real SMTP on loopback, retries, reminders, unsubscribe."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.surveys import answering, outbox, triggers
from kundepuls.surveys.models import Invitation, OutboxMessage
from tests.surveys.factories import (
    SMTPServer,
    add_customer,
    add_order,
    add_survey,
    html_part,
    text_part,
    utc,
)

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
NOON = utc(2026, 6, 10, 10)  # 12:00 in Oslo, outside the quiet hours


def _setup(session: Session, settings: Settings) -> None:
    add_survey(session)
    add_customer(session, "c1", language="nb")
    add_customer(session, "c2", language="en")
    add_customer(session, "c3", email_address=None)
    for n, who in enumerate(["c1", "c2", "c3"]):
        add_order(session, f"o{n}", who, NOON - timedelta(hours=30))
    triggers.scan(session, settings, NOON)
    session.commit()


def test_invitation_email_has_one_click_links_and_unsubscribe(
    session: Session, engine: Engine, settings: Settings, smtp: SMTPServer
) -> None:
    _setup(session, settings)
    report = outbox.drain(engine, settings, now=NOON)
    assert report.sent == 2
    (nb,) = smtp.inbox.to("c1@example.no")
    (en,) = smtp.inbox.to("c2@example.no")
    assert "anbefale oss til en venn eller kollega" in text_part(nb)
    assert "recommend us to a friend or colleague" in text_part(en)
    links = re.findall(r"http://testserver/s/([\w-]+)/score/(\d+)", text_part(nb))
    assert [int(n) for _, n in links] == list(range(11))
    assert len({t for t, _ in links}) == 1
    assert len(links[0][0]) >= 43
    assert 'href="http://testserver/s/' in html_part(nb)
    assert nb["List-Unsubscribe"].strip().startswith("<http://testserver/u/")
    invitation = session.scalars(sa.select(Invitation).where(Invitation.customer_id == "c1")).one()
    assert nb["Message-ID"] == f"<{invitation.invitation_id}@butikk.no>"
    session.expire_all()
    assert invitation.status == "sent"
    assert invitation.sent_at is not None
    skipped = session.scalars(sa.select(Invitation).where(Invitation.customer_id == "c3")).one()
    assert (skipped.status, skipped.skip_reason) == ("skipped", "no email address")
    sent = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == "sent")).all()
    assert all(m.body_text is None for m in sent), "the answer link is not kept after sending"
    # A second drain sends nothing more.
    assert outbox.drain(engine, settings, now=NOON).sent == 0
    assert len(smtp.inbox.messages) == 2


def test_smtp_down_keeps_the_email_queued_and_retries(
    session: Session, engine: Engine, settings: Settings, smtp: SMTPServer
) -> None:
    _setup(session, settings)
    smtp.stop()
    report = outbox.drain(engine, settings, now=NOON)
    assert (report.sent, report.retried) == (0, 2)
    rows = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "invitation")).all()
    assert {(r.status, r.attempts) for r in rows} == {("queued", 1)}
    assert all(
        r.next_attempt_at > NOON and "Connection refused" in (r.last_error or "") for r in rows
    )
    # Not due again until its back-off has passed.
    assert outbox.drain(engine, settings, now=NOON).sent == 0
    smtp.restart()
    later = max(r.next_attempt_at for r in rows) + timedelta(seconds=1)
    assert outbox.drain(engine, settings, now=later).sent == 2
    assert len(smtp.inbox.messages) == 2


@SQLITE_ONLY
def test_smtp_refusing_temporarily_then_permanently(
    session: Session, engine: Engine, settings: Settings, smtp: SMTPServer
) -> None:
    _setup(session, settings)
    smtp.inbox.reply = "451 4.3.0 try again later"
    assert outbox.drain(engine, settings, now=NOON).retried == 2
    smtp.inbox.reply = "550 5.1.1 no such user"
    later = NOON + timedelta(hours=1)
    assert outbox.drain(engine, settings, now=later).failed == 2
    invitation = session.scalars(sa.select(Invitation).where(Invitation.customer_id == "c1")).one()
    session.refresh(invitation)
    assert invitation.status == "failed"
    assert "550" in (invitation.skip_reason or "")
    assert smtp.inbox.messages == []


@SQLITE_ONLY
def test_one_reminder_after_the_set_days_unless_answered(
    session: Session, engine: Engine, settings: Settings, smtp: SMTPServer
) -> None:
    _setup(session, settings)
    outbox.drain(engine, settings, now=NOON)
    c1 = session.scalars(sa.select(Invitation).where(Invitation.customer_id == "c1")).one()
    token = re.search(r"/s/([\w-]+)/score", text_part(smtp.inbox.to("c1@example.no")[0]))
    assert token is not None
    answering.record(session, c1, *_definition(session, c1), {"q_nps": ["9"]}, "score", NOON)
    session.commit()
    after = NOON + timedelta(days=4)
    assert outbox.drain(engine, settings, now=after).sent == 1
    assert outbox.drain(engine, settings, now=after + timedelta(days=9)).sent == 0
    assert len(smtp.inbox.to("c1@example.no")) == 1, "answered: no reminder"
    reminders = smtp.inbox.to("c2@example.no")
    assert len(reminders) == 2
    assert reminders[1]["Subject"].startswith("Reminder")


def _definition(session: Session, invitation: Invitation) -> tuple:  # type: ignore[type-arg]
    from kundepuls.surveys.service import definition_of, get_survey

    return (definition_of(get_survey(session, invitation.survey, invitation.survey_version)),)


@SQLITE_ONLY
def test_unsubscribe_cancels_queued_mail_and_future_invitations(
    session: Session, engine: Engine, settings: Settings, smtp: SMTPServer
) -> None:
    _setup(session, settings)
    outbox.drain(engine, settings, now=NOON)
    token = re.search(r"/u/([\w-]+)", text_part(smtp.inbox.to("c1@example.no")[0]))
    assert token is not None
    answering.unsubscribe(session, token.group(1), NOON, "link")
    add_order(session, "o9", "c1", NOON + timedelta(days=60))
    report = triggers.scan(session, settings, NOON + timedelta(days=61))
    session.commit()
    assert report.skipped == {"unsubscribed": 1}
    outbox.drain(engine, settings, now=NOON + timedelta(days=90))
    assert len(smtp.inbox.to("c1@example.no")) == 1
