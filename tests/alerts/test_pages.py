"""The alerts page: rules with their state, add/remove/test for admins (CSRF-checked,
per-field errors), nothing sent by "test now", and recent events with delivery status."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kundepuls.alerts import service, tasks
from kundepuls.alerts.models import AlertDelivery, AlertEvent
from kundepuls.app import create_app
from kundepuls.config import Settings
from tests.alerts.conftest import NOW, answers
from tests.cases.conftest import Receiver
from tests.pages_support import csrf, sign_in_as, text_of
from tests.surveys.factories import SMTPServer

LOW = [0] * 60 + [9] * 20 + [7] * 20  # NPS -40 over 100 answers
FORM = {"kind": "threshold", "kpi": "nps", "where": "", "direction": "below",
        "threshold": "0", "window_days": "7", "emails": "leder@butikk.no", "webhook_url": "",
        "name": "NPS under null", "lang": "nb"}  # fmt: skip


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def _add(client: TestClient, **fields: str) -> tuple[int, str]:
    token = csrf(client.get("/alerts").text)
    answer = client.post("/alerts", data={**FORM, **fields, "csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    return answer.status_code, answer.text


def _count(session: Session, table: type) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_an_admin_adds_a_rule_tests_it_and_nothing_is_sent(
    client: TestClient, settings: Settings, session: Session, smtp: SMTPServer,
    receiver: Receiver,
) -> None:  # fmt: skip
    answers(session, LOW, days_ago=1, now=datetime.now(UTC))
    sign_in_as(client, settings.database_url, "admin")
    assert _add(client, webhook_url=receiver.url)[0] == 303
    page = client.get("/alerts?done=added").text
    text = text_of(page)
    assert "Regelen er lagret." in text
    assert "NPS under null" in text
    assert "ikke vurdert ennå" in text
    rule = service.list_rules(session)[0]
    assert (rule.kind, rule.direction, rule.threshold, rule.emails) == (
        "threshold", "below", 0.0, "leder@butikk.no")  # fmt: skip
    answer = client.post(f"/alerts/{rule.id}/test", data={"csrf_token": csrf(page)})
    assert answer.status_code == 200
    result = text_of(answer.text)
    assert "Test av «NPS under null»" in result
    assert "ville varslet" in result
    assert "[kundepuls] Varsel: NPS under null" in result
    assert "NPS er under 0,0: −40,0" in result
    assert _count(session, AlertEvent) == 0
    assert _count(session, AlertDelivery) == 0
    assert smtp.inbox.messages == []
    assert receiver.bodies == []


def test_events_show_their_delivery_status(
    client: TestClient, settings: Settings, session: Session, smtp: SMTPServer
) -> None:
    sign_in_as(client, settings.database_url, "viewer")
    answers(session, LOW, days_ago=1)
    from kundepuls.alerts.schemas import AlertRuleCreate

    service.add_rule(session, settings, AlertRuleCreate(
        kpi="nps", kind="threshold", direction="below", threshold=0.0, name="NPS under null",
        emails=["leder@butikk.no"]))  # fmt: skip
    session.commit()
    service.evaluate_all(session, settings, now=NOW)
    session.commit()
    text = text_of(client.get("/alerts").text)
    assert "Varsler siden" in text
    assert "Varslet [kundepuls] Varsel: NPS under null" in text
    assert "leder@butikk.no: venter" in text
    tasks.deliver_alerts()
    assert len(smtp.inbox.messages) == 1
    assert "leder@butikk.no: sendt" in text_of(client.get("/alerts").text)


def test_a_viewer_sees_no_change_forms_and_every_change_is_refused(
    client: TestClient, settings: Settings, session: Session
) -> None:
    sign_in_as(client, settings.database_url, "admin")
    assert _add(client)[0] == 303
    client.cookies.clear()
    sign_in_as(client, settings.database_url, "analyst")  # analysts read alerts too
    page = client.get("/alerts").text
    assert "NPS under null" in page
    assert 'action="/alerts"' not in page
    assert '/test"' not in page
    assert '/delete"' not in page
    rule_id = service.list_rules(session)[0].id
    token = csrf(page)
    refused = [
        client.post("/alerts", data={**FORM, "csrf_token": token}),
        client.post(f"/alerts/{rule_id}/delete", data={"csrf_token": token}),
        client.post(f"/alerts/{rule_id}/test", data={"csrf_token": token}),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert len(service.list_rules(session)) == 1


def test_an_admin_removes_a_rule_and_csrf_is_checked(
    client: TestClient, settings: Settings, session: Session
) -> None:
    sign_in_as(client, settings.database_url, "admin")
    assert _add(client)[0] == 303
    rule_id = service.list_rules(session)[0].id
    assert client.post(f"/alerts/{rule_id}/delete").status_code == 403
    assert client.post("/alerts", data=FORM).status_code == 403
    token = csrf(client.get("/alerts").text)
    answer = client.post(f"/alerts/{rule_id}/delete", data={"csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    session.expire_all()
    assert service.list_rules(session) == []
    assert "Regelen er fjernet." in client.get(answer.headers["location"]).text


@pytest.mark.parametrize(
    ("lang", "fields", "expected"),
    [
        ("nb", {"threshold": ""}, {"threshold": "En terskelregel trenger en grense."}),
        ("nb", {"kind": "change"}, {"threshold": "Bare terskelregler har en grense"}),
        ("nb", {"emails": ""}, {"emails": "Gi minst én mottaker"}),
        ("nb", {"emails": "leder(at)butikk.no"}, {"emails": "«leder(at)butikk.no» er ikke"}),
        ("nb", {"webhook_url": "ftp://x"}, {"webhook_url": "http- eller https-adresse"}),
        (
            "nb",
            {"threshold": "lav", "window_days": "0"},
            {"threshold": "Skriv et tall", "window_days": "fra 1 til 366"},
        ),
        ("nb", {"where": "planet=Mars"}, {"where": "planet"}),
        ("en", {"kpi": "happiness"}, {"kpi": "Unknown KPI."}),
        ("en", {"where": "region"}, {"where": "region"}),
    ],
)
def test_bad_input_gives_a_message_under_each_wrong_field(
    client: TestClient,
    settings: Settings,
    session: Session,
    lang: str,
    fields: dict[str, str],
    expected: dict[str, str],
) -> None:
    sign_in_as(client, settings.database_url, "admin", lang)
    status, page = _add(client, **fields)
    assert status == 422
    for field, message in expected.items():
        found = re.search(rf'<span class="field-error" id="e-{field}">([^<]*)</span>', page)
        assert found, f"no error under {field}"
        assert message in found.group(1).replace("&#34;", '"').replace("&#39;", "'")
    assert service.list_rules(session) == []
    assert 'value="NPS under null"' in page  # what was typed is kept
