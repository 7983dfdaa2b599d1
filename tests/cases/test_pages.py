"""The follow-up pages: the inbox's filters are the service's, a case is worked from its
page (assign, note, contact, close) and shows in its timeline, bad input names its field,
viewers change nothing, CSRF is checked, and personal data in comments never shows."""

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session
from statsmodels.stats.proportion import proportion_confint

from kundepuls.accounts import service as accounts
from kundepuls.accounts.models import AuditEntry
from kundepuls.cases import service
from kundepuls.cases.config import CaseSettings
from kundepuls.cases.demo import open_demo_cases
from kundepuls.cases.models import Case
from kundepuls.db import session_scope
from kundepuls.facts.models import Complaint, Customer, Response
from kundepuls.kit.times import local_midnight
from tests.pages_support import app_client, cheap_hashes, csrf, csrf_of, sign_in_as, text_of
from tests.support import PASSWORD

EMAIL = "kari.nordmann@eksempel.no"
PHONE = "912 34 567"
COMMENT = f"Pakken kom aldri.\nRing meg på {PHONE} eller skriv til {EMAIL}"
SETTINGS = CaseSettings()
ZONE = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def _cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashes(monkeypatch)


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with app_client(database_url) as client:
        yield client


def _seed(session: Session, now: datetime) -> dict[str, Case]:
    """Five cases around ``now``: two overdue NPS, one fresh CSAT, one complaint, one
    NPS already contacted; the first carries the planted email and phone number."""
    session.add_all([
        Customer(customer_id="C1", name="Kari Nordmann", region="Oslo", segment="privat"),
        Customer(customer_id="C2", name="Ola Hansen", region="Vestfold"),
    ])  # fmt: skip
    session.flush()
    session.add_all([
        Response(response_id="R1", submitted_at=now - timedelta(days=3), customer_id="C1",
                 nps=2, comment=COMMENT, survey="etter-kjop"),
        Response(response_id="R2", submitted_at=now - timedelta(days=4), customer_id="C2",
                 nps=5, comment="Lang ventetid <b>i kassa</b>"),
        Response(response_id="R3", submitted_at=now - timedelta(hours=2), customer_id="C2",
                 csat=1, comment="Varen var ødelagt"),
        Response(response_id="R4", submitted_at=now - timedelta(days=5), customer_id="C1",
                 nps=6),
        Response(response_id="R5", submitted_at=now - timedelta(days=3), customer_id="C1",
                 nps=9, comment="Bra"),
        Complaint(complaint_id="K1", created_at=now - timedelta(hours=30), category="levering",
                  customer_id="C2"),
    ])  # fmt: skip
    session.flush()
    cases = {c.source_key: c for c in service.open_cases(session, SETTINGS, now=now)}
    service.mark_contacted(session, cases["response:R4"].id, at=now - timedelta(days=4))
    session.commit()
    return cases


def _ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="case-(\d+)"', page)]


def _worker(database_url: str, role: str = "analyst", name: str = "Per Hansen") -> str:
    from kundepuls.db import make_engine, session_scope

    email = f"{name.split()[0].lower()}-{role}@test.no"
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        accounts.create_user(session, email, role, PASSWORD, display_name=name)
    engine.dispose()
    return email


def test_inbox_filters_return_exactly_the_services_cases(
    client: TestClient, database_url: str, session: Session
) -> None:
    now = datetime.now(UTC)
    cases = _seed(session, now)
    me = sign_in_as(client, database_url, "viewer")
    service.assign(session, cases["response:R2"].id, me)
    service.assign(session, cases["complaint:K1"].id, "kundeservice")
    session.commit()
    combos = [
        {},
        {"status": "all"},
        {"status": "contacted"},
        {"status": "closed"},
        {"status": "all", "assignee": "mine"},
        {"status": "all", "assignee": "unassigned"},
        {"overdue": "1"},
        {"status": "all", "reason": "complaint"},
        {"status": "all", "reason": "csat"},
        {"status": "open", "reason": "nps", "overdue": "1", "assignee": "unassigned"},
    ]
    for combo in combos:
        page = client.get("/cases", params=combo)
        assert page.status_code == 200, combo
        where = service.CaseFilter(
            status=combo.get("status", "open"),
            assignee=combo.get("assignee", "anyone"),
            overdue=bool(combo.get("overdue")),
            reason=combo.get("reason", ""),
        )
        expected, total = service.find_cases(session, where, me=me)
        assert _ids(page.text) == [c.id for c in expected], combo
        assert total == len(expected)
    # Independently: the overdue ones are the new NPS cases R1 and R2 (48 h SLA); the
    # complaint (24 h, 30 h ago) is overdue too; R3 is fresh and R4 was contacted.
    overdue = _ids(client.get("/cases?overdue=1&status=all").text)
    ids = {key: c.id for key, c in cases.items()}
    assert sorted(overdue) == sorted([ids["response:R1"], ids["response:R2"], ids["complaint:K1"]])
    text = text_of(client.get("/cases?status=all").text)
    assert "Åpne 4" in text
    assert "Kontaktet 1" in text
    assert "⚠ Forfalt 3" in text
    # Unknown filter values fall back to the defaults rather than failing.
    assert _ids(client.get("/cases?status=lost&assignee=x&reason=y").text) == _ids(
        client.get("/cases").text
    )


def test_rows_show_score_reason_masked_first_line_and_an_overdue_mark_in_words(
    client: TestClient, database_url: str, session: Session
) -> None:
    now = datetime.now(UTC)
    cases = _seed(session, now)
    sign_in_as(client, database_url, "analyst", "en")
    page = client.get("/cases?status=all").text
    row = re.search(rf'<tr id="case-{cases["response:R1"].id}".*?</tr>', page, re.S)
    assert row is not None
    cells = text_of(row.group(0))
    assert "Kari Nordmann" in cells
    assert "NPS 2" in cells
    assert "Pakken kom aldri." in cells
    assert "Ring meg" not in cells  # the first line only
    assert "⚠ Overdue" in cells
    assert "past due" in cells
    fresh = re.search(rf'<tr id="case-{cases["response:R3"].id}".*?</tr>', page, re.S)
    assert fresh is not None
    assert "Overdue" not in text_of(fresh.group(0))
    assert "CSAT 1" in text_of(fresh.group(0))
    assert "&lt;b&gt;i kassa&lt;/b&gt;" in page  # a customer's markup is shown as text


def test_a_case_is_worked_from_its_page_and_shows_in_the_timeline(
    client: TestClient, database_url: str, session: Session
) -> None:
    now = datetime.now(UTC)
    case_id = _seed(session, now)["response:R1"].id
    colleague = _worker(database_url, "analyst", "Per Hansen")
    me = sign_in_as(client, database_url, "analyst")
    page = client.get(f"/cases/{case_id}").text
    token = csrf(page)
    text = text_of(page)
    assert "Svaret" in text
    assert "NPS 2" in text
    assert "etter-kjop" in text
    assert "[telefon]" in text
    assert "[e-post]" in text
    assert "Kunde Kari Nordmann (C1)" in text

    def post(path: str, **data: str) -> str:
        answer = client.post(f"/cases/{case_id}/{path}", data={**data, "csrf_token": token},
                             follow_redirects=False)  # fmt: skip
        assert answer.status_code == 303, answer.text
        return text_of(client.get(answer.headers["location"]).text)

    assert "Saken er tildelt." in post("assign", assignee=colleague)
    assert "Ansvarlig Per Hansen" in text_of(client.get(f"/cases/{case_id}").text)
    after = post("assign", assignee="me")
    assert "Ansvarlig " + me.split("@")[0] in after  # the display name of a plain sign-up
    after = post("notes", text="Ringte <script>alert(1)</script> kl. 10, ingen svar")
    assert "Notatet er lagret." in after
    raw = client.get(f"/cases/{case_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<script>alert(1)" not in raw
    assert "Saken er markert som kontaktet." in post("contacted")
    after = post("close", outcome="resolved", summary="Refunderte frakten")
    assert "Saken er lukket." in after
    assert "Status Løst" in after
    timeline = re.search(r'<ol class="timeline".*?</ol>', client.get(f"/cases/{case_id}").text,
                         re.S)  # fmt: skip
    assert timeline is not None
    steps = re.findall(r"<strong>([^<]+)</strong>", timeline.group(0))
    assert steps == ["Saken ble åpnet", "Saken ble tildelt", "Saken ble tildelt", "Notat",
                     "Kunden ble kontaktet", "Lukket: løst"]  # fmt: skip
    assert "Refunderte frakten" in text_of(timeline.group(0))
    session.expire_all()
    case = service.get_case(session, case_id)
    assert (case.status, case.assignee, case.outcome) == ("resolved", me, "Refunderte frakten")
    assert case.contacted_at is not None
    assert [n.author for n in service.notes(session, case_id)] == [me]
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_id == str(case_id))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["case.assign", "case.assign", "case.note", "case.contacted", "case.close"]
    # A closed case offers no more contact or close forms, and refuses a second close.
    closed = client.get(f"/cases/{case_id}").text
    assert f'action="/cases/{case_id}/close"' not in closed
    again = client.post(
        f"/cases/{case_id}/close", data={"outcome": "resolved", "csrf_token": token}
    )
    assert again.status_code == 422
    assert "Saken er allerede lukket." in text_of(again.text)


BAD_INPUT = [
    ("nb", "assign", {"assignee": "ukjent@test.no"}, "assignee", "Ansvarlig: velg en bruker"),
    ("en", "assign", {"assignee": "VIEWER"}, "assignee", "Assignee: choose a user"),
    ("nb", "assign", {"assignee": ""}, "assignee", "Ansvarlig: velg en bruker"),
    ("en", "notes", {"text": "   "}, "text", "Note: write something first."),
    ("nb", "notes", {"text": "x" * 5001}, "text", "Notat: høyst 5000 tegn."),
    ("nb", "close", {"outcome": "kanskje"}, "outcome", "Utfall: velg «Løst»"),
    ("en", "close", {"outcome": ""}, "outcome", "Outcome: choose"),
]


def test_bad_input_gives_a_message_naming_the_field(
    client: TestClient, database_url: str, session: Session
) -> None:
    case_id = _seed(session, datetime.now(UTC))["response:R1"].id
    viewer = _worker(database_url, "viewer", "Vera Viewer")
    tokens = {lang: sign_in_as(client, database_url, "analyst", lang) for lang in ("nb", "en")}
    for lang, path, data, field, message in BAD_INPUT:
        client.cookies.clear()
        client.post("/login", data={"email": tokens[lang], "password": PASSWORD})
        token = csrf(client.get(f"/cases/{case_id}").text)
        if data.get("assignee") == "VIEWER":
            data = {"assignee": viewer}  # a user, but one who may not work cases
        answer = client.post(f"/cases/{case_id}/{path}", data={**data, "csrf_token": token})
        assert answer.status_code == 422, (path, data)
        found = re.search(rf'<span class="field-error" id="e-{field}">([^<]*)</span>', answer.text)
        assert found, f"no error under {field}"
        assert message in found.group(1).replace("&#34;", '"'), (found.group(1), message)
        if path == "notes" and data["text"].strip():
            assert data["text"] in answer.text  # what was typed is kept
    session.expire_all()
    case = service.get_case(session, case_id)
    assert (case.status, case.assignee) == ("new", None)
    assert service.notes(session, case_id) == []


def test_a_viewer_sees_no_forms_and_every_change_is_refused(
    client: TestClient, database_url: str, session: Session
) -> None:
    case_id = _seed(session, datetime.now(UTC))["response:R1"].id
    sign_in_as(client, database_url, "viewer")
    page = client.get(f"/cases/{case_id}").text
    assert f'action="/cases/{case_id}/' not in page
    assert "Du kan lese sakene, men ikke endre dem." in text_of(page)
    token = csrf_of(page)
    refused = [
        client.post(f"/cases/{case_id}/assign", data={"assignee": "me", "csrf_token": token}),
        client.post(f"/cases/{case_id}/notes", data={"text": "hei", "csrf_token": token}),
        client.post(f"/cases/{case_id}/contacted", data={"csrf_token": token}),
        client.post(f"/cases/{case_id}/close", data={"outcome": "resolved", "csrf_token": token}),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    inbox = client.get("/cases")
    assert inbox.status_code == 200
    assert "format=csv" not in inbox.text  # viewers may not export
    assert client.get("/cases?format=csv").status_code == 403
    session.expire_all()
    case = service.get_case(session, case_id)
    assert (case.status, case.assignee) == ("new", None)
    assert service.notes(session, case_id) == []


def test_changes_without_the_csrf_token_are_refused(
    client: TestClient, database_url: str, session: Session
) -> None:
    case_id = _seed(session, datetime.now(UTC))["response:R1"].id
    sign_in_as(client, database_url, "admin")
    token = csrf(client.get(f"/cases/{case_id}").text)
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    for data in ({}, {"csrf_token": forged}):
        assert (
            client.post(f"/cases/{case_id}/assign", data={**data, "assignee": "me"}).status_code
            == 403
        )
        assert client.post(f"/cases/{case_id}/notes", data={**data, "text": "x"}).status_code == 403
        assert client.post(f"/cases/{case_id}/contacted", data=data).status_code == 403
        assert (
            client.post(f"/cases/{case_id}/close", data={**data, "outcome": "resolved"}).status_code
            == 403
        )
    session.expire_all()
    assert service.get_case(session, case_id).status == "new"
    assert client.get("/cases/999999").status_code == 404


def test_personal_data_in_comments_never_shows_on_pages_or_in_downloads(
    client: TestClient, database_url: str, session: Session
) -> None:
    cases = _seed(session, datetime.now(UTC))
    sign_in_as(client, database_url, "analyst")
    pages = [client.get("/cases?status=all").text, client.get("/cases?overdue=1").text]
    pages += [client.get(f"/cases/{c.id}").text for c in cases.values()]
    csv = client.get("/cases?status=all&format=csv")
    xlsx = client.get("/cases?status=all&format=xlsx")
    assert csv.status_code == xlsx.status_code == 200
    assert "attachment" in csv.headers["content-disposition"]
    table = pd.read_csv(io.BytesIO(csv.content), sep=";", encoding="utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    for text in [*pages, table.to_csv(), repr(sheet)]:
        for secret in (EMAIL, PHONE, PHONE.replace(" ", ""), "kari.nordmann"):
            assert secret not in text
    expected, _ = service.find_cases(session, service.CaseFilter(status="all"))
    assert table["Sak"].tolist() == [c.id for c in expected]
    assert sheet[0][0] == "Sak"
    assert [row[0] for row in sheet[1:]] == [c.id for c in expected]
    r1 = table[table["Sak"] == cases["response:R1"].id].iloc[0]
    assert r1["Kommentar"] == "Pakken kom aldri.\nRing meg på [telefon] eller skriv til [e-post]"
    k1 = table[table["Sak"] == cases["complaint:K1"].id].iloc[0]
    assert k1["Grunn"] == "Klage: levering"
    assert (k1["Type"], k1["Status"], r1["Type"]) == ("Klage", "Åpen", "Misfornøyd svar")
    assert r1["Svar"] == 2
    assert bool(r1["Forfalt"]) is True
    assert r1["Kundenavn"] == "Kari Nordmann"


def test_the_loop_rates_match_an_independent_wilson_interval(
    client: TestClient, database_url: str, session: Session
) -> None:
    now = datetime.now(UTC)
    _seed(session, now)
    # Follow-up: R4 was contacted a day before its deadline; R1, R2 and K1 are past theirs
    # without contact; R3 is not due yet and not counted. Recovery: of the worked cases
    # (R4 only), C1 answered NPS 9 afterwards (R5), higher than R4's 6.
    sign_in_as(client, database_url, "viewer", "en")
    today = now.astimezone(ZONE).date()
    page = client.get("/cases", params={"from": (today - timedelta(days=10)).isoformat(),
                                         "to": today.isoformat()})  # fmt: skip
    row = re.search(r'<tr id="rate-followup_rate">.*?</tr>', page.text, re.S)
    assert row is not None
    low, high = proportion_confint(1, 4, alpha=0.05, method="wilson")
    text = text_of(row.group(0))
    assert "25.0 %" in text
    assert f"{100 * low:.1f} to {100 * high:.1f}" in text
    assert "1 of 4 cases" in text
    assert "contacted before the deadline" in text  # the help text
    recovery = re.search(r'<tr id="rate-recovery_rate">.*?</tr>', page.text, re.S)
    assert recovery is not None
    assert "100.0 %" in text_of(recovery.group(0))
    assert "1 of 1 cases" in text_of(recovery.group(0))
    # A period without cases says so instead of showing 0 %.
    empty = client.get("/cases?from=2020-01-01&to=2020-01-31").text
    assert text_of(empty).count("No cases in the period") == 2
    bad = client.get("/cases?from=2020-13-01").text
    assert "From: write a date as YYYY-MM-DD." in text_of(bad)


def test_the_demo_opens_and_works_its_cases_before_serving(
    client: TestClient, database_url: str, engine: Engine
) -> None:
    from kundepuls.demo.service import build_demo

    today = date(2026, 12, 1)
    with session_scope(engine) as session:
        build_demo(session, today=today, customers=400)
        demo_user, _ = accounts.ensure_demo_user(session)
    assert open_demo_cases(database_url, today, ZONE, demo_user) > 0
    assert open_demo_cases(database_url, today, ZONE, demo_user) == 0  # safe to run twice
    now = local_midnight(today, ZONE)
    with session_scope(engine) as session:
        since = now - timedelta(days=30)
        unhappy = session.scalars(
            select(Response.response_id).where(
                Response.submitted_at >= since, or_(Response.nps <= 6, Response.csat <= 2)
            )
        ).all()
        complaints = session.scalars(
            select(Complaint.complaint_id).where(Complaint.created_at >= since)
        ).all()
        cases = session.scalars(select(Case)).all()
        assert sorted(c.source_key for c in cases) == sorted(
            [f"response:{r}" for r in unhappy] + [f"complaint:{k}" for k in complaints]
        )
        assert {c.status for c in cases} >= {"new", "resolved"}
        for case in cases:
            steps = service.timeline(session, case.id)
            assert [s.at for s in steps] == sorted(s.at for s in steps)
            assert steps[0].kind == "opened"
            assert case.event_at < steps[0].at < now
            if case.contacted_at:
                assert case.event_at < case.contacted_at < now
                assert case.assignee == demo_user
        counts = service.status_counts(session)
    sign_in_as(client, database_url, "viewer")
    assert len(_ids(client.get("/cases?status=all").text)) == min(counts["all"], 200)


def test_every_text_exists_in_both_languages() -> None:
    from kundepuls.cases.page_texts import TEXTS

    assert TEXTS["nb"].keys() == TEXTS["en"].keys()
    assert all(v.strip() for lang in TEXTS.values() for v in lang.values())
