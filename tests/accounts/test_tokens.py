"""API tokens: shown once, stored hashed, scoped below the creator's role, revocable, expiring."""

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text, update

from kundepuls.accounts import service, tokens
from kundepuls.accounts.models import ApiToken
from kundepuls.db import session_scope
from kundepuls.kit.security import hash_token
from tests.accounts.conftest import MakeUser, login, sqlite_only


def _token(engine: Engine, email: str, scope: str, **extra: int) -> str:
    with session_scope(engine) as session:
        owner = service.find_user(session, email)
        return tokens.create_token(session, owner, f"{scope} token", scope, **extra)[1]


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@sqlite_only
def test_created_on_the_page_shown_once_and_stored_hashed(
    client: TestClient, make_user: MakeUser, engine: Engine
) -> None:
    csrf = login(client, make_user("analyst"))
    page = client.post(
        "/account/tokens",
        data={"name": "Power BI", "scope": "read", "expires_days": "30", "csrf_token": csrf},
    )
    assert page.status_code == 201
    assert page.headers["cache-control"] == "no-store"
    match = re.search(r'id="new-token">(kp_[A-Za-z0-9_-]{43})<', page.text)
    assert match
    raw = match.group(1)
    assert raw not in client.get("/account/tokens").text
    with session_scope(engine) as session:
        stored = session.scalars(select(ApiToken)).one()
        assert stored.token_hash == hash_token(raw)
        assert stored.expires_at is not None
        dump = str(session.execute(text("SELECT * FROM api_tokens")).all())
    assert raw not in dump
    client.cookies.clear()
    me = client.get("/api/v1/me", headers=_bearer(raw)).json()
    assert (me["role"], me["scope"]) == ("analyst", "read")


@sqlite_only
def test_scopes_limit_what_a_token_may_do(
    client: TestClient, make_user: MakeUser, engine: Engine
) -> None:
    admin = make_user("admin")
    read, write, full = (_token(engine, admin.email, s) for s in ("read", "write", "admin"))
    victim = _token(engine, admin.email, "read")
    victim_id = client.get("/api/v1/tokens", headers=_bearer(read)).json()[0]["id"]

    assert client.get("/api/v1/users", headers=_bearer(read)).status_code == 200
    assert client.delete(f"/api/v1/tokens/{victim_id}", headers=_bearer(read)).status_code == 403
    assert client.get("/api/v1/audit", headers=_bearer(write)).status_code == 200
    assert client.delete(f"/api/v1/tokens/{victim_id}", headers=_bearer(write)).status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(victim)).status_code == 401
    assert client.get("/api/v1/me", headers=_bearer(full)).json()["scope"] == "admin"


@sqlite_only
def test_a_token_never_exceeds_its_creators_role(
    client: TestClient, make_user: MakeUser, engine: Engine
) -> None:
    analyst = make_user("analyst")
    csrf = login(client, analyst)
    refused = client.post(
        "/account/tokens", data={"name": "x", "scope": "admin", "csrf_token": csrf}
    )
    assert refused.status_code == 403
    full = client.post("/account/tokens", data={"name": "x", "scope": "write", "csrf_token": csrf})
    raw = re.search(r'id="new-token">([^<]+)<', full.text).group(1)  # type: ignore[union-attr]
    client.cookies.clear()
    assert client.get("/api/v1/users", headers=_bearer(raw)).status_code == 403
    # Demoted: the token shrinks with the role at once.
    with session_scope(engine) as session:
        service.set_role(session, service.find_user(session, analyst.email), "viewer")
    assert client.get("/api/v1/tokens", headers=_bearer(raw)).status_code == 403
    # Deactivated: the token stops working.
    with session_scope(engine) as session:
        service.set_active(session, service.find_user(session, analyst.email), False)
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 401


def test_revoked_expired_and_unknown_tokens_are_refused(
    client: TestClient, make_user: MakeUser, engine: Engine
) -> None:
    analyst = make_user("analyst")
    revoked = _token(engine, analyst.email, "read")
    expired = _token(engine, analyst.email, "read", expires_days=1)
    live = _token(engine, analyst.email, "read", expires_days=1)
    with session_scope(engine) as session:
        tokens.revoke_token(session, tokens.list_tokens(session)[2].id)
        yesterday = datetime.now(UTC) - timedelta(days=1)
        session.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == hash_token(expired))
            .values(expires_at=yesterday)
        )
    for raw in (revoked, expired, "kp_" + "x" * 43, "not-a-token"):
        response = client.get("/api/v1/me", headers=_bearer(raw))
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/v1/me", headers={"Authorization": f"Basic {live}"}).status_code == 401
    assert client.get("/api/v1/me", headers=_bearer(live)).status_code == 200
    with session_scope(engine) as session:
        used = session.scalars(
            select(ApiToken.last_used_at).where(ApiToken.token_hash == hash_token(live))
        ).one()
    assert used is not None


@sqlite_only
def test_tokens_open_the_api_only(client: TestClient, make_user: MakeUser, engine: Engine) -> None:
    raw = _token(engine, make_user("owner").email, "admin")
    response = client.get("/account", headers=_bearer(raw), follow_redirects=False)
    assert response.status_code == 303


@sqlite_only
def test_others_tokens_are_invisible_unless_you_manage_them(
    client: TestClient, make_user: MakeUser, engine: Engine
) -> None:
    owner, admin, analyst = make_user("owner"), make_user("admin"), make_user("analyst")
    _token(engine, owner.email, "read")
    _token(engine, analyst.email, "read")
    admin_token = _token(engine, admin.email, "write")
    analyst_token = _token(engine, analyst.email, "write")
    headers = _bearer(analyst_token)
    assert client.delete("/api/v1/tokens/1", headers=headers).status_code == 404
    assert client.delete("/api/v1/tokens/1", headers=_bearer(admin_token)).status_code == 404
    # Managing other users' tokens is user administration: it needs the admin scope.
    assert client.delete("/api/v1/tokens/2", headers=_bearer(admin_token)).status_code == 404
    full = _bearer(_token(engine, admin.email, "admin"))
    assert client.delete("/api/v1/tokens/1", headers=full).status_code == 404
    assert client.delete("/api/v1/tokens/2", headers=full).status_code == 204
