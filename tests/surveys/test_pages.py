"""The public answer pages over HTTP: tokens, one-click score, CSRF, double submit, links."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kundepuls.app import create_app
from kundepuls.config import Settings
from kundepuls.facts.models import Response
from kundepuls.kit.security import RateLimiter
from kundepuls.surveys.distribution import invite
from kundepuls.surveys.models import Invitation
from tests.support import api_headers
from tests.surveys.factories import LiveServer, add_customer, add_survey

SURVEY = {
    "key": "service",
    "questions": [
        {"id": "nps", "type": "nps", "follow_up": True},
        {
            "id": "channel",
            "type": "single_choice",
            "text": {"nb": "Hvordan fant du oss?", "en": "How did you find us?"},
            "options": [
                {"value": "web", "label": {"nb": "Nett", "en": "Web"}},
                {"value": "friend", "label": {"nb": "Venn", "en": "Friend"}},
            ],
        },
    ],
}


SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def client(settings: Settings) -> Iterator[httpx.Client]:
    app = create_app(settings)
    app.state.survey_limiter = RateLimiter(rate=10_000, per=1)
    with LiveServer(app) as server, httpx.Client(base_url=server.url) as client:
        yield client


def _invite(session: Session, settings: Settings, anonymous: bool = False) -> tuple[str, str]:
    survey = add_survey(session, **SURVEY, anonymous=anonymous)
    customer = add_customer(session, "c1", language="en")
    made = invite(session, survey, customer, settings=settings, now=datetime.now(UTC))
    session.commit()
    assert made.token is not None
    return made.token, made.invitation.invitation_id


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _response(session: Session) -> Response:
    session.expire_all()
    return session.scalars(sa.select(Response)).one()


def test_one_click_score_is_stored_then_follow_up_and_thanks(
    client: httpx.Client, session: Session, settings: Settings
) -> None:
    token, invitation_id = _invite(session, settings)
    page = client.get(f"/s/{token}/score/4")
    assert page.status_code == 200
    assert "What could we do better?" in page.text
    assert "How did you find us?" in page.text
    row = _response(session)
    assert (row.nps, row.customer_id, row.response_id) == (4, "c1", f"kp-{invitation_id}")
    assert row.attributes["complete"] is False
    form = {
        "csrf": _csrf(page.text),
        "step": "rest",
        "follow_up": "Faster delivery",
        "q_channel": "web",
    }
    done = client.post(f"/s/{token}", data=form)
    assert (done.status_code, done.headers["location"]) == (303, f"/s/{token}/thanks")
    row = _response(session)
    assert (row.nps, row.comment, row.channel, row.language) == (
        4,
        "Faster delivery",
        "email",
        "en",
    )
    assert row.attributes["answers"] == {"nps": 4, "channel": "web"}
    assert row.attributes["complete"] is True
    thanks = client.get(f"/s/{token}/thanks")
    assert "Thank you for your answer!" in thanks.text
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None
    assert invitation.response_id == row.response_id
    assert invitation.opened_at is not None
    assert invitation.status == "answered"


@SQLITE_ONLY
def test_page_without_javascript_walks_score_then_rest(
    client: httpx.Client, session: Session, settings: Settings
) -> None:
    token, _ = _invite(session, settings)
    page = client.get(f"/s/{token}")
    assert "<fieldset" in page.text
    assert "<legend>How likely" in page.text
    assert 'type="radio"' in page.text
    assert "<script" not in page.text
    nxt = client.post(
        f"/s/{token}", data={"csrf": _csrf(page.text), "step": "score", "q_nps": "10"}
    )
    assert (nxt.status_code, nxt.headers["location"]) == (303, f"/s/{token}")
    assert "What did you like most?" in client.get(f"/s/{token}").text
    assert _response(session).nps == 10


def test_double_submit_updates_the_same_response(
    client: httpx.Client, session: Session, settings: Settings
) -> None:
    token, _ = _invite(session, settings)
    csrf = _csrf(client.get(f"/s/{token}").text)
    for score in ("3", "8", "8"):
        client.post(f"/s/{token}", data={"csrf": csrf, "step": "score", "q_nps": score})
    client.get(f"/s/{token}/score/9")
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
    assert _response(session).nps == 9


def test_bad_tokens_scores_and_missing_csrf(
    client: httpx.Client, session: Session, settings: Settings
) -> None:
    token, invitation_id = _invite(session, settings)
    assert client.get("/s/not-a-token").status_code == 404
    assert client.get("/s/" + "x" * 43).status_code == 404
    assert client.get("/s/../../etc/passwd").status_code == 404
    bad = client.get(f"/s/{token}/score/11")
    assert bad.status_code == 422
    assert "from 0 to 10" in bad.text
    assert client.get(f"/s/{token}/score/abc").status_code == 422
    assert client.get(f"/s/{token}/score/-1").status_code == 422
    no_csrf = client.post(f"/s/{token}", data={"step": "score", "q_nps": "5"})
    assert no_csrf.status_code == 403
    assert "expired" in no_csrf.text
    forged = client.post(f"/s/{token}", data={"csrf": "1.abc", "step": "score", "q_nps": "5"})
    assert forged.status_code == 403
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None
    invitation.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    session.commit()
    closed = client.get(f"/s/{token}/score/5")
    assert closed.status_code == 410
    assert "closed" in closed.text


@SQLITE_ONLY
def test_anonymous_survey_stores_no_customer(
    client: httpx.Client, session: Session, settings: Settings
) -> None:
    token, _ = _invite(session, settings, anonymous=True)
    client.get(f"/s/{token}/score/7")
    row = _response(session)
    assert row.nps == 7
    assert row.customer_id is None


@SQLITE_ONLY
def test_shared_link_qr_code_and_widget(client: httpx.Client, session: Session) -> None:
    survey = add_survey(session, **SURVEY)
    session.commit()
    first = client.get(f"/l/{survey.link_key}?via=qr")
    assert first.status_code == 303
    assert first.headers["location"].startswith("/s/")
    second = client.get(f"/l/{survey.link_key}")
    assert second.headers["location"] != first.headers["location"]
    client.get(first.headers["location"] + "/score/10")
    row = _response(session)
    assert (row.nps, row.channel, row.customer_id) == (10, "qr", None)
    svg = client.get(f"/l/{survey.link_key}/qr.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert "<svg" in svg.text
    assert "data-kundepuls-survey" in client.get("/static/surveys/widget.js").text
    assert client.get("/l/unknown-link").status_code == 404


@SQLITE_ONLY
def test_public_pages_are_rate_limited(settings: Settings) -> None:
    app = create_app(settings)
    app.state.survey_limiter = RateLimiter(rate=3, per=60)
    with LiveServer(app) as server, httpx.Client(base_url=server.url) as client:
        codes = [client.get("/s/nothing-here-at-all-xxxxxxxx").status_code for _ in range(5)]
    assert codes == [404, 404, 404, 429, 429]


@SQLITE_ONLY
def test_unsubscribe_page_and_one_click_post(
    client: httpx.Client, session: Session, settings: Settings
) -> None:
    token, _ = _invite(session, settings)
    page = client.get(f"/u/{token}")
    assert page.status_code == 200
    assert "<form" in page.text
    from kundepuls.surveys.models import ContactPreference

    assert session.get(ContactPreference, "c1") is None, "a GET does not unsubscribe"
    done = client.post(f"/u/{token}", content=b"List-Unsubscribe=One-Click")
    assert done.status_code == 200
    session.expire_all()
    pref = session.get(ContactPreference, "c1")
    assert pref is not None
    assert pref.unsubscribed_at is not None


@SQLITE_ONLY
def test_survey_api_needs_a_token_with_the_right_role(
    client: httpx.Client, database_url: str
) -> None:
    assert client.get("/api/v1/surveys").status_code == 401
    viewer = api_headers(database_url, "analyst")
    assert client.get("/api/v1/surveys", headers=viewer).status_code == 200
    assert client.post("/api/v1/surveys", json=SURVEY, headers=viewer).status_code == 403


@SQLITE_ONLY
def test_survey_api_versions_and_names_bad_fields(client: httpx.Client, database_url: str) -> None:
    client.headers.update(api_headers(database_url, "admin"))
    created = client.post("/api/v1/surveys", json=SURVEY)
    assert created.status_code == 201
    assert created.json()["version"] == 1
    assert client.post("/api/v1/surveys", json=SURVEY).json()["version"] == 1
    changed = {**SURVEY, "touchpoint": "store"}
    assert client.post("/api/v1/surveys", json=changed).json()["version"] == 2
    assert client.get("/api/v1/surveys/service?version=1").json()["touchpoint"] is None
    bad = client.post(
        "/api/v1/surveys", json={"key": "x", "questions": [{"id": "q", "type": "ces", "max": 9}]}
    )
    assert bad.status_code == 422
    assert "questions[0]" in bad.json()["detail"]
    assert client.get("/api/v1/surveys/nope").status_code == 404
    rates = client.get("/api/v1/surveys/service/response-rate")
    assert rates.status_code == 200
    assert rates.json() == []
