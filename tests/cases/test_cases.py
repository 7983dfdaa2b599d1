"""Follow-up cases: opened exactly once, due on time, assigned by rule, announced, measured."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from kundepuls.cases import service
from kundepuls.cases.config import CaseSettings, Rule, load_case_settings
from kundepuls.cases.models import Case, CaseEvent
from kundepuls.facts.models import Complaint, Customer, Order, Response
from kundepuls.kit.errors import UsageError
from tests.cases.conftest import Receiver

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _seed(session: Session) -> None:
    session.add_all(
        [
            Customer(customer_id="C1", name="Kari Nordmann", region="Oslo", segment="privat"),
            Customer(customer_id="C2", name="Ola Hansen", region="Vestfold"),
        ]
    )
    session.flush()
    session.add_all(
        [
            Order(
                customer_id="C1",
                order_id="O1",
                ordered_at=NOW - timedelta(days=90),
                amount=Decimal("499.00"),
            ),
            Order(
                customer_id="C1",
                order_id="O2",
                ordered_at=NOW - timedelta(days=40),
                amount=Decimal("250.50"),
            ),
            Complaint(
                complaint_id="K1",
                created_at=NOW - timedelta(hours=5),
                category="levering",
                customer_id="C2",
            ),
        ]
    )
    session.execute(insert(Response), _answers())
    session.flush()


def _answers() -> list[dict[str, object]]:
    base = NOW - timedelta(days=2)
    return [
        {
            "response_id": "R1",
            "submitted_at": base,
            "customer_id": "C1",
            "nps": 3,
            "comment": "Kari her, ring 912 34 567 eller kari@eksempel.no",
        },
        {"response_id": "R2", "submitted_at": base, "customer_id": "C2", "csat": 2},
        {"response_id": "R3", "submitted_at": base, "customer_id": "C1", "nps": 9},
        {"response_id": "R4", "submitted_at": base, "customer_id": "C2", "nps": 7, "csat": 3},
        {
            "response_id": "R5",
            "submitted_at": NOW - timedelta(days=100),
            "customer_id": "C1",
            "nps": 6,
        },
        {
            "response_id": "R6",
            "submitted_at": NOW - timedelta(days=200),
            "customer_id": "C1",
            "nps": 8,
        },
    ]


SETTINGS = CaseSettings(
    rules=[
        Rule(region="Vestfold", kind="complaint", assignee="ola"),
        Rule(region="oslo", assignee="kari"),
    ],
    default_assignee="kundeservice",
)


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Case)) or 0)


def test_one_case_per_detractor_and_complaint_also_after_reimport(session: Session) -> None:
    _seed(session)
    opened = service.open_cases(session, SETTINGS, now=NOW)
    assert sorted(c.source_key for c in opened) == ["complaint:K1", "response:R1", "response:R2"]
    assert service.open_cases(session, SETTINGS, now=NOW) == []
    # An import of the same answers again (upsert by id: rows replaced, ids kept).
    session.execute(delete(Response))
    session.execute(insert(Response), _answers())
    session.flush()
    assert service.open_cases(session, SETTINGS, now=NOW + timedelta(hours=1)) == []
    assert _count(session) == 3
    events = session.scalars(select(CaseEvent.event)).all()
    assert events == ["opened"] * 3


def test_thresholds_are_configurable(session: Session) -> None:
    _seed(session)
    strict = SETTINGS.model_copy(update={"nps_detractor_max": 7, "csat_detractor_max": 3})
    keys = {c.source_key for c in service.open_cases(session, strict, now=NOW)}
    assert "response:R4" in keys


def test_sla_due_times_assignees_and_context(session: Session) -> None:
    _seed(session)
    cases = {c.source_key: c for c in service.open_cases(session, SETTINGS, now=NOW)}
    r1, r2, k1 = cases["response:R1"], cases["response:R2"], cases["complaint:K1"]
    assert r1.due_at == NOW - timedelta(days=2) + timedelta(hours=48)
    assert k1.due_at == NOW - timedelta(hours=5) + timedelta(hours=24)
    assert (r1.assignee, r2.assignee, k1.assignee) == ("kari", "kundeservice", "ola")
    assert r1.reason == "NPS 3"
    assert r2.reason == "CSAT 2"
    ctx = r1.context
    assert ctx["orders"] == 2
    assert Decimal(ctx["order_value"]) == Decimal("749.50")
    assert [a["nps"] for a in ctx["previous_answers"]] == [6, 8]
    assert ctx["comment"] == "[navn] her, ring [telefon] eller [e-post]"
    assert cases["response:R2"].context["open_complaints"][0]["complaint_id"] == "K1"


def test_overdue_cases_and_the_alert(session: Session, receiver: Receiver) -> None:
    _seed(session)
    service.open_cases(session, SETTINGS, now=NOW)
    late = NOW + timedelta(hours=20)  # R1/R2 due at NOW, K1 at NOW + 19 h
    assert {c.source_key for c in service.overdue_cases(session, late)} == {
        "response:R1",
        "response:R2",
        "complaint:K1",
    }
    hooked = SETTINGS.model_copy(update={"webhook_url": receiver.url})
    delivery = service.alert_overdue(session, hooked, now=late)
    assert delivery is not None
    assert delivery.ok
    assert receiver.bodies[0]["event"] == "case.overdue"
    assert "3 follow-up case(s) overdue" in receiver.bodies[0]["text"]
    assert service.alert_overdue(session, hooked, now=late) is None  # once per case


def test_case_events_are_delivered_once(session: Session, receiver: Receiver) -> None:
    _seed(session)
    hooked = SETTINGS.model_copy(update={"webhook_url": receiver.url, "webhook_secret": "s"})
    cases = service.open_cases(session, hooked, now=NOW)
    service.mark_contacted(session, cases[0].id, at=NOW)
    service.close(session, cases[0].id, "refunded shipping", at=NOW)
    assert service.deliver_events(session, hooked) == 5
    assert service.deliver_events(session, hooked) == 0
    events = [b["event"] for b in receiver.bodies]
    assert events == ["case.opened"] * 3 + ["case.contacted", "case.resolved"]
    assert all("text" in b for b in receiver.bodies)


def test_followup_and_recovery_rates(session: Session) -> None:
    _seed(session)
    cases = {c.source_key: c for c in service.open_cases(session, SETTINGS, now=NOW)}
    r1, r2, k1 = cases["response:R1"], cases["response:R2"], cases["complaint:K1"]
    service.mark_contacted(session, r1.id, at=r1.due_at - timedelta(hours=1))  # in time
    service.mark_contacted(session, r2.id, at=r2.due_at + timedelta(hours=1))  # late
    # K1 is new but not yet due at NOW: not counted.
    rate = service.followup_rate(session, NOW - timedelta(days=7), NOW, now=NOW)
    assert (rate.hits, rate.n) == (1, 2)
    assert rate.value == pytest.approx(50.0)
    assert rate.ci_low < 50 < rate.ci_high
    # C1 answers again higher after the case; C2 neither answers nor buys.
    session.add(Response(response_id="R9", submitted_at=NOW, customer_id="C1", nps=8))
    service.close(session, k1.id, "apologised", at=NOW)
    session.flush()
    recovery = service.recovery_rate(session, NOW - timedelta(days=7), NOW)
    assert (recovery.hits, recovery.n) == (1, 3)


def test_notes_assign_and_settings_file(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(session)
    case = service.open_cases(session, SETTINGS, now=NOW)[0]
    service.assign(session, case.id, "per")
    service.add_note(session, case.id, "Ringte, fikk ikke svar", author="per")
    assert [n.text for n in service.notes(session, case.id)] == ["Ringte, fikk ikke svar"]
    assert service.get_case(session, case.id).assignee == "per"
    file = tmp_path / "cases.yaml"
    file.write_text("detractor_sla_hours: 12\nrules:\n  - {team: Butikk, assignee: lise}\n")
    monkeypatch.setenv("KUNDEPULS_CASES_FILE", str(file))
    monkeypatch.setenv("KUNDEPULS_CASES_COMPLAINT_SLA_HOURS", "8")
    loaded = load_case_settings()
    assert loaded.detractor_sla_hours == 12
    assert loaded.complaint_sla_hours == 8
    assert loaded.assignee("detractor", "butikk", None) == "lise"


def test_a_change_of_hands_is_an_assigned_event(session: Session, receiver: Receiver) -> None:
    _seed(session)
    hooked = SETTINGS.model_copy(update={"webhook_url": receiver.url})
    case = service.open_cases(session, hooked, now=NOW)[0]
    service.assign(session, case.id, "per")
    service.assign(session, case.id, "per")  # no change, no event
    service.assign(session, case.id, " lise ")
    with pytest.raises(UsageError, match="assignee"):
        service.assign(session, case.id, "  ")
    assert service.deliver_events(session, hooked) == 5
    events = [b["event"] for b in receiver.bodies]
    assert events == ["case.opened"] * 3 + ["case.assigned"] * 2
    assert "assignee lise" in receiver.bodies[-1]["text"]
    assert [i.kind for i in service.timeline(session, case.id)] == [
        "opened",
        "assigned",
        "assigned",
    ]
