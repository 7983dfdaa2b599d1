"""The signed-in layout's shared parts: Plotly served offline, the language switch."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kundepuls.app import create_app
from kundepuls.config import Settings
from kundepuls.kit.i18n import Formats
from tests.support import sign_in


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        yield client


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def test_plotly_is_served_from_the_installed_package(client: TestClient) -> None:
    answer = client.get("/vendor/plotly.min.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert len(answer.content) > 1_000_000
    assert b"plotly" in answer.content[:2000].lower()


def test_a_user_switches_the_language_of_their_pages(client: TestClient, database_url: str) -> None:
    sign_in(client, database_url, "viewer")
    page = client.get("/account").text
    assert "Min konto" in page
    refused = client.post("/account/language", data={"lang": "en"}, follow_redirects=False)
    assert refused.status_code == 403
    answer = client.post(
        "/account/language",
        data={"lang": "en", "next": "/account", "csrf_token": _csrf(page)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/account"
    assert "My account" in client.get("/account").text
    elsewhere = client.post(
        "/account/language",
        data={"lang": "nb", "next": "https://evil.example/", "csrf_token": _csrf(page)},
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/account"


def test_an_unknown_language_is_refused_with_a_reason(
    client: TestClient, database_url: str
) -> None:
    sign_in(client, database_url, "viewer")
    page = client.get("/account").text
    answer = client.post("/account/language", data={"lang": "sv", "csrf_token": _csrf(page)})
    assert answer.status_code in (400, 422)
    assert "language" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("lang", "number", "interval", "day"),
    [
        ("nb", "12\u00a0345,7", "-1,0–2,5", "3. sep. 2026"),
        ("en", "12,345.7", "-1.0–2.5", "3 Sept 2026"),
    ],
)
def test_formats_follow_the_locale(lang: str, number: str, interval: str, day: str) -> None:
    from datetime import date

    f = Formats(lang)
    assert f.number(12345.678, 1) == number
    assert f.interval(-1, 2.5, 1) == interval
    assert f.day(date(2026, 9, 3)) == day
    assert f.number(None) == "–"
    assert f.signed(-1.5, 1).startswith("\u2212")


def test_a_signed_in_browser_gets_pages_for_what_went_wrong(
    client: TestClient, database_url: str
) -> None:
    """Not found and bad requests are pages in the user's language; the API stays JSON."""
    sign_in(client, database_url, "viewer")
    browser = {"accept": "text/html,application/xhtml+xml"}
    missing = client.get("/actions/999999", headers=browser)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "Fant ikke det du lette etter." in missing.text
    assert "999999" in missing.text
    assert 'href="/"' in missing.text
    api = client.get("/actions/999999")  # no HTML in Accept: a script, the JSON answer
    assert api.status_code == 404
    assert "999999" in api.json()["detail"]
    refused = client.post("/account/language", data={"lang": "en"}, headers=browser)
    assert refused.status_code == 403
    assert "Du har ikke tilgang til dette." in refused.text
