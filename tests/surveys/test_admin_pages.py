"""The survey admin pages: list with response rates, detail with preview, the survey form."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from statsmodels.stats.proportion import proportion_confint

from kundepuls.accounts.models import AuditEntry
from kundepuls.db import session_scope
from kundepuls.surveys import service
from kundepuls.surveys.definitions import parse_definition
from kundepuls.surveys.models import Invitation, Survey
from kundepuls.surveys.overview import Rate, rate_chart
from tests.pages_support import app_client, cheap_hashes, log_in
from tests.surveys.factories import NPS_SURVEY

SENT = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashes(monkeypatch)


@pytest.fixture
def surveys_store(database_url: str, engine: Engine) -> str:
    """One NPS survey with 40 sent invitations (October 25, November 15), 13 answered."""
    with session_scope(engine) as session:
        service.save_survey(session, parse_definition(NPS_SURVEY))
        for i in range(40):
            october = i < 25
            session.add(
                Invitation(
                    invitation_id=f"i{i}",
                    survey="etter-kjop",
                    survey_version=1,
                    channel="email",
                    status="sent",
                    sent_at=SENT + timedelta(days=0 if october else 20, hours=i),
                    response_id=f"r{i}"
                    if (october and i < 10) or (not october and i < 28)
                    else None,
                )
            )
        session.add(
            Invitation(invitation_id="q1", survey="etter-kjop", survey_version=1, channel="email")
        )
    return database_url


def _form(**fields: str) -> dict[str, str]:
    base = {
        "key": "etter-support",
        "title_nb": "Hvordan var hjelpen?",
        "title_nn": "Korleis var hjelpa?",
        "title_en": "How was our help?",
        "kind": "csat",
        "follow_up": "1",
        "default_language": "nb",
        "trigger_kind": "ticket_resolved",
        "trigger_delay_hours": "2",
        "trigger_lookback_days": "7",
        "trigger_offset_days": "0",
        "trigger_every": "quarter",
        "reminder_after_days": "3",
        "expires_after_days": "30",
        "q0_type": "single_choice",
        "q0_id": "kanal",
        "q0_text_nb": "Hvordan tok du kontakt?",
        "q0_text_en": "How did you contact us?",
        "q0_options": "chat | Chat | Chat | Chat\ntelefon | Telefon | Telefon | Phone",
    }
    base.update(fields)
    return base


def test_the_list_shows_each_survey_with_its_response_rate(surveys_store: str) -> None:
    low, high = proportion_confint(13, 40, method="wilson")
    with app_client(surveys_store) as client:
        log_in(client, surveys_store, "viewer")
        page = client.get("/surveys").text
    row = re.search(r'<tr data-survey="etter-kjop">(.*?)</tr>', page, re.S)
    assert row
    cells = row.group(1).replace("\xa0", " ")
    assert "Hvordan var handelen?" in cells
    assert ">NPS<" in cells
    assert "Aktiv" in cells
    assert '<td class="num">40</td>' in cells
    assert "32,5 %" in cells
    assert f"{100 * low:.1f}–{100 * high:.1f}".replace(".", ",") in cells
    assert "Ny undersøkelse" not in page  # a viewer may not create one


def test_the_detail_shows_the_rate_by_month_and_a_preview_that_cannot_submit(
    surveys_store: str,
) -> None:
    with app_client(surveys_store) as client:
        log_in(client, surveys_store, "viewer")
        page = client.get("/surveys/etter-kjop").text
        assert 'datetime="2026-10"' in page
        assert 'datetime="2026-11"' in page
        low, high = proportion_confint(3, 15, method="wilson")
        assert f"{100 * low:.1f}–{100 * high:.1f}".replace(".", ",") in page.replace("\xa0", " ")
        assert 'sandbox="allow-same-origin"' in page
        assert "/surveys/etter-kjop/preview?lang=nb&amp;step=score" in page
        preview = client.get("/surveys/etter-kjop/preview", params={"lang": "nn"})
        assert preview.status_code == 200
        assert "form-action 'none'" in preview.headers["content-security-policy"]
        assert '<html lang="nn">' in preview.text
        assert "Korleis var handelen?" in preview.text
        assert "Forhåndsvisning" in preview.text
        assert 'action="#preview"' in preview.text
        assert client.get("/surveys/ukjent").status_code == 404


def test_creating_a_survey_validates_and_audits(surveys_store: str, engine: Engine) -> None:
    with app_client(surveys_store) as client:
        csrf = log_in(client, surveys_store, "admin")
        assert client.get("/surveys/new").status_code == 200
        bad = _form(key="Etter Support", q0_options="chat | Chat", trigger_delay_hours="snart")
        bad.pop("q0_text_nb")
        bad.pop("q0_text_en")
        answer = client.post("/surveys/new", data={**bad, "csrf_token": csrf})
        assert answer.status_code == 422
        page = answer.text
        assert 'id="key-error"' in page
        assert "Bruk små bokstaver, tall, - og _" in page
        assert 'id="trigger_delay_hours-error">Skriv et tall.' in page
        assert 'id="q0_text_nb-error">Skriv spørsmålsteksten' in page
        assert 'value="Etter Support"' in page  # what was typed is kept
        answer = client.post(
            "/surveys/new", data={**_form(), "csrf_token": csrf}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/surveys/etter-support?saved=1"
        assert "Lagret som versjon 1" in client.get(answer.headers["location"]).text
        again = client.post("/surveys/new", data={**_form(), "csrf_token": csrf})
        assert again.status_code == 422
        assert "Det finnes alt en undersøkelse med denne nøkkelen" in again.text
        assert client.post("/surveys/new", data=_form()).status_code == 403  # no CSRF token
    with session_scope(engine) as session:
        survey = service.get_survey(session, "etter-support")
        definition = service.definition_of(survey)
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert definition.questions[0].type == "csat"
    assert definition.questions[1].options[1].label == {
        "nb": "Telefon",
        "nn": "Telefon",
        "en": "Phone",
    }
    assert definition.trigger.kind == "ticket_resolved"
    assert definition.trigger.delay_hours == 2
    assert definition.title_in("nn") == "Korleis var hjelpa?"
    assert "survey.create" in actions


def test_editing_makes_a_new_version_and_keeps_what_the_form_does_not_show(
    surveys_store: str, engine: Engine
) -> None:
    with app_client(surveys_store) as client:
        csrf = log_in(client, surveys_store, "owner", language="en")
        form = client.get("/surveys/etter-kjop/edit").text
        assert 'value="Hvordan var handelen?"' in form
        values = dict(
            re.findall(r'<input id="f-[^"]+" name="([^"]+)" type="text" value="([^"]*)"', form)
        )
        values.update(
            kind="nps", follow_up="1", trigger_kind="after_purchase", default_language="nb"
        )
        values["title_en"] = "How was your purchase?"
        answer = client.post(
            "/surveys/etter-kjop/edit", data={**values, "csrf_token": csrf}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/surveys/etter-kjop?saved=2"
        same = client.post(
            "/surveys/etter-kjop/edit", data={**values, "csrf_token": csrf}, follow_redirects=False
        )
        assert same.headers["location"] == "/surveys/etter-kjop?unchanged=2"
        bad = client.post(
            "/surveys/etter-kjop/edit",
            data={**values, "expires_after_days": "0", "csrf_token": csrf},
        )
        assert bad.status_code == 422
        assert 'id="expires_after_days-error">Must be at least 1.' in bad.text
    with session_scope(engine) as session:
        versions = session.scalars(select(Survey).where(Survey.key == "etter-kjop")).all()
        newest = service.definition_of(max(versions, key=lambda s: s.version))
        audit = [e.action for e in session.scalars(select(AuditEntry))]
    assert len(versions) == 2
    assert newest.title_in("en") == "How was your purchase?"
    assert newest.trigger.delay_hours == 24  # kept from the stored definition
    assert audit.count("survey.update") == 1


@pytest.mark.parametrize("role", ["viewer", "analyst"])
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_only_survey_editors_may_change_surveys(surveys_store: str, role: str) -> None:
    with app_client(surveys_store) as client:
        csrf = log_in(client, surveys_store, role)
        assert client.get("/surveys").status_code == 200
        assert client.get("/surveys/new").status_code == 403
        assert client.get("/surveys/etter-kjop/edit").status_code == 403
        assert client.post("/surveys/new", data={**_form(), "csrf_token": csrf}).status_code == 403
        answer = client.post("/surveys/etter-kjop/edit", data={**_form(), "csrf_token": csrf})
        assert answer.status_code == 403


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_tables_download_as_csv(surveys_store: str) -> None:
    with app_client(surveys_store) as client:
        log_in(client, surveys_store, "analyst", language="en")
        listed = client.get("/surveys", params={"format": "csv"}).content.decode("utf-8-sig")
        assert listed.splitlines()[0].startswith("Key,Survey,Kind,Status,Sent,Answered,")
        assert "etter-kjop,How was it?,NPS,Active,40,13,32.5," in listed
        months = client.get("/surveys/etter-kjop", params={"format": "csv"}).text
        assert "2026-10-01,25,10,40,23.4,59.26" in months
        log_in(client, surveys_store, "viewer")
        assert client.get("/surveys", params={"format": "csv"}).status_code == 403


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_empty_pages_and_a_survey_without_a_score(database_url: str, engine: Engine) -> None:
    with app_client(database_url) as client:
        log_in(client, database_url, "viewer")
        assert "Ingen undersøkelser ennå" in client.get("/surveys").text
        assert "Ingen kommentarer passer til filteret" in client.get("/comments").text
        with session_scope(engine) as session:
            question = {"id": "ide", "type": "text", "text": {"nb": "En idé?", "en": "Any ideas?"}}
            text_only = {"key": "ideer", "questions": [question]}
            service.save_survey(session, parse_definition(text_only))
        listed = client.get("/surveys").text
        assert "Egendefinert" in listed
        assert "Manuell" in listed
        page = client.get("/surveys/ideer").text
        assert "Ingen invitasjoner er sendt ennå" in page
        preview = client.get("/surveys/ideer/preview", params={"lang": "en", "step": "score"})
        assert "Any ideas?" in preview.text


def test_the_rate_chart_spans_the_months_and_their_intervals() -> None:
    months = [(date(2026, m, 1), Rate(sent, answered)) for m, sent, answered in
              ((9, 40, 10), (10, 50, 20), (11, 0, 0))]  # fmt: skip
    chart = rate_chart(months)
    assert chart is not None
    assert chart.top == 60  # the highest upper bound (55 %) rounded up to 20
    assert len(chart.dots) == 2  # a month without sent invitations has no rate
    assert chart.dots[0] == (0.0, round(200 - 200 * 25 / 60, 1))
    assert rate_chart(months[:1]) is None
