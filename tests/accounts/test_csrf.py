"""CSRF: every change made with a session cookie must carry that session's token."""

import re

from fastapi.testclient import TestClient

from kundepuls.kit.security import csrf_token
from tests.accounts.conftest import MakeUser, login, sqlite_only


def _create_token(client: TestClient, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/account/tokens", data={"name": "ci", "scope": "read", **extra})


@sqlite_only
def test_missing_or_invalid_csrf_is_refused(client: TestClient, make_user: MakeUser) -> None:
    csrf = login(client, make_user("analyst"))
    assert _create_token(client).status_code == 403
    assert _create_token(client, csrf_token="").status_code == 403
    assert _create_token(client, csrf_token="123.abc").status_code == 403
    # One changed character (the token may already end in "0": one in sixteen runs).
    forged = csrf[:-1] + ("1" if csrf.endswith("0") else "0")
    assert _create_token(client, csrf_token=forged).status_code == 403
    # A token of another session, even one signed with the right key, is refused.
    other = csrf_token("test-secret", "another-session")
    assert _create_token(client, csrf_token=other).status_code == 403
    assert "CSRF" in _create_token(client).text
    assert _create_token(client, csrf_token=csrf).status_code == 201


@sqlite_only
def test_logout_needs_the_token_too(client: TestClient, make_user: MakeUser) -> None:
    csrf = login(client, make_user("viewer"))
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/account", follow_redirects=False).status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303


@sqlite_only
def test_scripts_send_the_token_in_a_header(client: TestClient, make_user: MakeUser) -> None:
    csrf = login(client, make_user("analyst"))
    created = _create_token(client, csrf_token=csrf)
    assert created.status_code == 201
    token_id = client.get("/api/v1/tokens").json()[0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 403
    response = client.delete(f"/api/v1/tokens/{token_id}", headers={"x-csrf-token": csrf})
    assert response.status_code == 204


@sqlite_only
def test_every_form_of_the_pages_carries_the_token(client: TestClient, make_user: MakeUser) -> None:
    csrf = login(client, make_user("owner"))
    _create_token(client, csrf_token=csrf)
    for path in ("/account", "/account/users", "/account/tokens"):
        html = client.get(path).text
        forms = len(re.findall(r'<form[^>]* method="post"', html))
        assert forms >= 1
        # Each carries a token of this session (the time stamp in it may differ by a second).
        assert html.count('name="csrf_token" value="') == forms, path
