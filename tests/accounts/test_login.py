"""Sign-in and sign-out over HTTP: cookies, failures that reveal nothing, rate limits, expiry."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from kundepuls.accounts.models import AuditEntry, UserSession
from kundepuls.accounts.web import COOKIE
from kundepuls.app import create_app
from kundepuls.config import get_settings
from kundepuls.db import session_scope
from tests.accounts.conftest import Account, MakeUser, login, sqlite_only


def _post_login(client: TestClient, email: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    data = {"email": email, "password": password, **extra}
    return client.post("/login", data=data, follow_redirects=False)


def test_login_opens_a_session_in_a_safe_cookie(client: TestClient, make_user: MakeUser) -> None:
    owner = make_user("owner", display_name="Eva Hansen")
    response = _post_login(client, owner.email.upper(), owner.password)
    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie
    page = client.get("/account")
    assert page.status_code == 200
    assert "Eva Hansen" in page.text


@sqlite_only
def test_cookie_is_secure_when_served_over_https(
    database_url: str, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUNDEPULS_BASE_URL", "https://cx.butikk.no")
    get_settings.cache_clear()
    owner = make_user("owner")
    with TestClient(create_app(get_settings())) as client:
        response = _post_login(client, owner.email, owner.password)
    assert "Secure" in response.headers["set-cookie"]


@sqlite_only
def test_failures_look_the_same_and_are_audited(
    client: TestClient, make_user: MakeUser, engine: Engine
) -> None:
    analyst = make_user("analyst")
    gone = make_user("viewer", email="gone@butikk.no")
    with session_scope(engine) as session:
        from kundepuls.accounts import service

        service.set_active(session, service.find_user(session, gone.email), False)
    wrong = _post_login(client, analyst.email, "not-the-password")
    unknown = _post_login(client, "nobody@butikk.no", "not-the-password")
    inactive = _post_login(client, gone.email, gone.password)
    for response in (wrong, unknown, inactive):
        assert response.status_code == 401
        assert "Feil e-post eller passord." in response.text
        assert COOKIE not in response.headers.get("set-cookie", "")
    # The pages differ only in the address echoed back into the form.
    assert wrong.text.replace(analyst.email, "X") == unknown.text.replace("nobody@butikk.no", "X")
    with session_scope(engine) as session:
        failures = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "login.failure")
        ).all()
    assert sorted(f.details["email"] for f in failures) == sorted(
        [analyst.email, "nobody@butikk.no", gone.email]
    )
    assert all(f.ip for f in failures)


@sqlite_only
def test_login_is_rate_limited_per_account(client: TestClient, make_user: MakeUser) -> None:
    viewer = make_user("viewer")
    statuses = [_post_login(client, viewer.email, "guess-number-x").status_code for _ in range(5)]
    assert statuses == [401] * 5
    # The right password does not help once the account's attempts are used up.
    limited = _post_login(client, viewer.email, viewer.password)
    assert limited.status_code == 429
    assert "For mange innloggingsforsøk" in limited.text
    assert limited.headers["retry-after"]
    # Another account from the same address is not affected.
    other = make_user("analyst")
    assert _post_login(client, other.email, other.password).status_code == 303


@sqlite_only
def test_login_is_rate_limited_per_address(client: TestClient) -> None:
    statuses = {
        _post_login(client, f"guess{i}@butikk.no", "whatever-x", lang="en").status_code
        for i in range(30)
    }
    assert statuses == {401}
    limited = _post_login(client, "guess-last@butikk.no", "whatever-x", lang="en")
    assert limited.status_code == 429
    assert "Too many sign-in attempts" in limited.text


@sqlite_only
def test_pages_send_strangers_to_the_login_page(client: TestClient) -> None:
    response = client.get("/account/tokens?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account/tokens%3Fx%3D1"
    assert client.get("/api/v1/me").status_code == 401


@sqlite_only
def test_next_only_leads_to_this_site(client: TestClient, make_user: MakeUser) -> None:
    owner = make_user("owner")
    inside = _post_login(client, owner.email, owner.password, next="/account/tokens")
    assert inside.headers["location"] == "/account/tokens"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client.cookies.clear()
        response = _post_login(client, owner.email, owner.password, next=target)
        assert response.headers["location"] == "/account"


def test_expired_session_needs_a_new_login(
    client: TestClient, make_user: MakeUser, engine: Engine
) -> None:
    login(client, make_user("analyst"))
    assert client.get("/account", follow_redirects=False).status_code == 200
    with session_scope(engine) as session:
        past = datetime.now(UTC) - timedelta(seconds=1)
        session.execute(update(UserSession).values(expires_at=past))
    response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    with session_scope(engine) as session:
        assert session.scalars(select(UserSession)).all() == []


@sqlite_only
def test_sessions_survive_a_restart_with_a_new_secret(
    database_url: str, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = make_user("owner")
    monkeypatch.delenv("KUNDEPULS_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    with TestClient(create_app(get_settings())) as first:
        login(first, owner)
        cookie = first.cookies[COOKIE]
    get_settings.cache_clear()
    with TestClient(create_app(get_settings())) as second:
        second.cookies.set(COOKIE, cookie)
        assert second.get("/account", follow_redirects=False).status_code == 200


@sqlite_only
def test_logout_ends_the_session(client: TestClient, make_user: MakeUser, engine: Engine) -> None:
    account: Account = make_user("viewer", language="en")
    csrf = login(client, account)
    cookie = client.cookies[COOKIE]
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?lang=en")
    assert f'{COOKIE}=""' in response.headers["set-cookie"]
    assert "You are signed out." in client.get(response.headers["location"]).text
    # The old cookie is worthless: its session row is gone.
    client.cookies.set(COOKIE, cookie)
    assert client.get("/account", follow_redirects=False).status_code == 303
    with session_scope(engine) as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.create", "login.success", "logout"]


@sqlite_only
def test_login_page_speaks_bokmal_and_english(client: TestClient) -> None:
    assert "Logg inn" in client.get("/login").text
    assert "Sign in" in client.get("/login?lang=en").text
    english = client.get("/login", headers={"accept-language": "en-GB,en;q=0.8"})
    assert "Sign in" in english.text
