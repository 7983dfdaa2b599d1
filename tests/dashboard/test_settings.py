"""/settings over HTTP: everyone signed in reads it, only admins change it, with CSRF."""

import httpx
import pytest

from kundepuls import kpis
from tests.dashboard.helpers import csrf, tiles
from tests.support import sign_in

START, END = "2026-03-01", "2026-04-30"


def form(
    token: str, shown: dict[str, int], targets: dict[str, str] | None = None
) -> dict[str, str]:
    body = {"csrf_token": token}
    for key, position in shown.items():
        body[f"show_{key}"] = "1"
        body[f"position_{key}"] = str(position)
    for key, value in (targets or {}).items():
        body[f"target_{key}"] = value
    return body


def test_a_viewer_reads_but_cannot_change(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url, "viewer")
    page = client.get("/settings")
    assert page.status_code == 200
    assert "Bare administratorer kan endre dem." in page.text
    assert 'id="target_nps"' in page.text
    assert " disabled" in page.text
    assert ">Lagre</button>" not in page.text
    assert 'href="/account/users"' in page.text
    assert 'href="/benchmarks"' in page.text
    answer = client.post("/settings", data=form(csrf(client), {"nps": 1}, {"nps": "50"}))
    assert answer.status_code == 403
    assert kpis.list_kpis().set_index("key").loc["nps", "target"] is None


def test_an_admin_chooses_tiles_and_targets(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url, "admin")
    token = csrf(client)
    answer = client.post(
        "/settings",
        data=form(token, {"csat": 2, "nps": 1, "fcr": 3}, {"nps": "-5", "csat": "72,5"}),
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/settings?saved=1"
    assert "Innstillingene er lagret." in client.get("/settings?saved=1").text
    targets = kpis.list_kpis().set_index("key")["target"]
    assert targets["nps"] == -5
    assert targets["csat"] == 72.5
    shown = tiles(client.get("/", params={"from": START, "to": END}).text)
    assert list(shown) == ["nps", "csat", "fcr"]
    row = kpis.show("csat", start=START, end=END).iloc[0]
    assert shown["csat"]["data-status"] == row["target_status"]
    assert 'Mål <span class="num">72,5</span>' in shown["csat"]["html"]
    # An empty target field removes the target.
    client.post("/settings", data=form(token, {"nps": 1}, {"nps": ""}))
    assert kpis.list_kpis().set_index("key").loc["nps", "target"] is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_field_gets_its_own_error(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url, "owner")
    token = csrf(client)
    answer = client.post(
        "/settings",
        data=form(token, {"nps": 1}, {"nps": "150", "csat": "mye", "aov": "-3"})
        | {"show_ces": "1", "position_ces": "først"},
    )
    assert answer.status_code == 422
    page = answer.text
    assert 'role="alert"' in page
    assert (
        "Målet må være mellom −100 og 100." in page or "Målet må være mellom -100 og 100." in page
    )
    assert "Skriv et tall, for eksempel 40 eller 4,5." in page
    assert "Målet kan ikke være under 0." in page
    assert "Plassen må være et helt tall fra 1." in page
    assert 'id="target_nps" name="target_nps" value="150"' in page  # the input is kept
    assert 'aria-invalid="true"' in page
    nothing = client.post("/settings", data={"csrf_token": token})
    assert nothing.status_code == 422
    assert "Velg minst ett nøkkeltall." in nothing.text
    assert kpis.list_kpis().set_index("key").loc["nps", "target"] is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_csrf_is_refused_without_a_token(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url, "admin")
    body = form("", {"nps": 1}, {"nps": "40"})
    del body["csrf_token"]
    assert client.post("/settings", data=body).status_code == 403
    body["csrf_token"] = "forged"
    assert client.post("/settings", data=body).status_code == 403
    assert kpis.list_kpis().set_index("key").loc["nps", "target"] is None
