"""Each data-quality check on a store where its problem is planted; none on a clean one."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from kundepuls.config import get_settings
from kundepuls.facts.models import Response, Ticket
from kundepuls.quality import service
from kundepuls.quality.schemas import Finding
from kundepuls.surveys.models import Invitation
from tests.quality import factory
from tests.quality.factory import NOW


@pytest.fixture
def clean(session: Session) -> Session:
    factory.build(session)
    return session


def _report(session: Session) -> list[Finding]:
    return service.report(session, get_settings(), NOW)


def _only(found: list[Finding], check: str) -> list[Finding]:
    return [f for f in found if f.check == check]


def test_a_clean_store_gives_no_warnings(clean: Session) -> None:
    found = _report(clean)
    assert found == [], [f.message_en for f in found]
    assert service.warnings_for("nps", {"channel": "sms"}, session=clean, now=NOW) == []


def test_a_channel_that_stopped_delivering(clean: Session) -> None:
    since = NOW - timedelta(days=5)
    clean.execute(delete(Response).where(Response.channel == "sms", Response.submitted_at >= since))
    clean.commit()
    gaps = _only(_report(clean), "gap")
    assert [(f.segment, f.severity) for f in gaps] == [({"channel": "sms"}, "critical")]
    assert gaps[0].evidence["observed"] == 0
    assert gaps[0].evidence["expected"] == 24.0
    assert gaps[0].message_en.startswith("Responses from channel=sms stopped: none in the last 3")
    assert gaps[0].message_nb.startswith("Svar fra channel=sms har stoppet opp")
    shown = service.warnings_for("nps", {"channel": "sms"}, findings=gaps)
    assert shown == gaps
    assert service.warnings_for("nps", {"channel": "email"}, findings=gaps) == []
    assert service.warnings_for("nps", findings=gaps) == gaps  # the total is affected too
    assert service.warnings_for("aov", findings=gaps) == []
    # The dashboard's call: no session, the report remembered for a minute.
    first = service.warnings_for("csat", {"channel": "sms", "region": "Nord"})
    assert [f.check for f in first] == ["gap", "stale"]  # now is months after the data
    assert service.warnings_for("csat", {"channel": "sms"}) == first


def test_a_store_with_no_new_data(clean: Session) -> None:
    found = service.report(clean, get_settings(), NOW + timedelta(days=10), checks=["stale"])
    assert {f.evidence["table"] for f in found} == {"responses", "tickets"}


def test_a_falling_response_rate(clean: Session) -> None:
    recent = NOW - timedelta(weeks=4, days=3)  # the four weeks the check looks at
    clean.execute(
        update(Invitation)
        .where(Invitation.survey == "support", Invitation.sent_at >= recent)
        .values(answered_at=None)
    )
    clean.commit()
    found = _only(_report(clean), "response_rate")
    assert {tuple(f.segment.items()) for f in found} == {(("survey", "support"),), ()}
    one = next(f for f in found if f.segment)
    assert one.kpis == ["response_rate"]
    assert one.evidence["answered_now"] == 0
    assert one.evidence["p_value"] < 0.01
    assert "The response rate of support fell from 39.9 % to 0.0 %" in one.message_en


def test_low_samples(clean: Session) -> None:
    rows = [{"response_id": f"app{i}", "submitted_at": NOW - timedelta(days=2, hours=i),
             "channel": "app", "nps": 9, "attributes": {}} for i in range(6)]  # fmt: skip
    clean.execute(insert(Response), rows)
    clean.commit()
    found = _only(_report(clean), "low_sample")
    assert [(f.segment, f.kpis, f.evidence["n"]) for f in found] == [
        ({"channel": "app"}, ["nps"], 6)
    ]
    assert found[0].severity == "info"


def test_duplicate_answers(clean: Session) -> None:
    originals = clean.scalars(
        select(Response).where(Response.submitted_at >= NOW - timedelta(days=3)).limit(7)
    ).all()
    copies = [{"response_id": f"dup{r.response_id}", "attributes": {}, "customer_id": r.customer_id,
               "survey": r.survey, "nps": r.nps, "csat": r.csat, "ces": r.ces,
               "channel": r.channel, "touchpoint": r.touchpoint,
               "submitted_at": r.submitted_at + timedelta(minutes=4)}
              for r in originals]  # fmt: skip
    far = {**copies[0], "response_id": "later", "submitted_at": NOW - timedelta(days=1, hours=5)}
    clean.execute(insert(Response), [*copies, far])
    clean.commit()
    found = _only(_report(clean), "duplicates")
    assert len(found) == 1
    assert found[0].evidence["count"] == 7  # the answer a day later is not a duplicate
    assert found[0].evidence["examples"][0].startswith("dup")


def test_straight_lining_is_judged_against_the_rest(clean: Session) -> None:
    rows = [{"response_id": f"kiosk{i}", "submitted_at": NOW - timedelta(hours=3 + i),
             "customer_id": f"c{i}", "channel": "kiosk", "survey": None,
             "touchpoint": None, "nps": 10, "csat": 5, "ces": 7, "attributes": {}}
            for i in range(12)]  # fmt: skip
    rows += [{**rows[0], "response_id": f"kiosk-ok{i}", "nps": 8, "csat": 4, "ces": 5,
              "submitted_at": NOW - timedelta(hours=20 + i)} for i in range(30)]  # fmt: skip
    clean.execute(insert(Response), rows)
    clean.commit()
    found = _only(_report(clean), "straight_lining")
    assert [f.segment for f in found] == [{"channel": "kiosk"}]
    assert found[0].evidence["straight_lined"] == 12
    assert "csat" in found[0].kpis


def test_impossible_times(clean: Session) -> None:
    created = NOW - timedelta(days=500)
    clean.execute(insert(Ticket), [
        {"ticket_id": "early", "created_at": NOW - timedelta(days=2), "channel": "email",
         "team": "A", "customer_id": "c1", "first_response_at": NOW - timedelta(days=3),
         "attributes": {}},
        {"ticket_id": "slow", "created_at": created, "channel": "email", "team": "A",
         "customer_id": "c1", "resolved_at": created + timedelta(days=400), "attributes": {}},
    ])  # fmt: skip
    clean.commit()
    found = _only(_report(clean), "times")
    got = {(f.evidence["end"], f.evidence["kind"], tuple(f.evidence["examples"])) for f in found}
    assert got == {("first_response_at", "negative", ("early",)),
                   ("resolved_at", "absurd", ("slow",))}  # fmt: skip
    shown = service.warnings_for("first_response_hours", findings=found)
    assert [f.evidence["kind"] for f in shown] == ["negative"]


def test_missing_fields(clean: Session) -> None:
    ids = clean.scalars(select(Ticket.ticket_id).order_by(Ticket.ticket_id)).all()
    clean.execute(update(Ticket).where(Ticket.ticket_id.in_(ids[: len(ids) // 3]))
                  .values(channel=None))  # fmt: skip
    clean.commit()
    found = _only(_report(clean), "missing")
    assert [(f.evidence["field"], f.severity) for f in found] == [("channel", "warning")]
    assert "fcr" in found[0].kpis
    assert found[0].message_en.startswith("33 % of tickets lack channel")
