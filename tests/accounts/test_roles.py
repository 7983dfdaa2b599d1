"""Roles with least privilege: the permission table and what each role can reach over HTTP."""

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kundepuls.accounts import service
from kundepuls.accounts.endpoints import api, pages
from kundepuls.accounts.permissions import Permission, Role, permissions, scopes_for
from kundepuls.db import session_scope
from tests.accounts.conftest import MakeUser, login, sqlite_only

P = Permission
CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
# Signing in and out and choosing one's own language are not changes to the data.
SIGN_IN_OUT = {"/login", "/logout", "/account/language"}


def test_each_role_includes_the_one_below_and_adds_its_own() -> None:
    viewer, analyst, admin, owner = (permissions(r) for r in Role)
    assert viewer == {P.READ_DASHBOARDS}
    assert analyst - viewer == {P.READ_API, P.EXPORT, P.COMMENT, P.MANAGE_TOKENS}
    assert admin - analyst == {
        P.MANAGE_SURVEYS,
        P.IMPORT,
        P.MANAGE_SETTINGS,
        P.MANAGE_USERS,
        P.READ_USERS,
        P.READ_AUDIT,
    }
    assert owner - admin == {P.MANAGE_OWNERS}


def test_a_scope_only_narrows_the_role() -> None:
    for role in Role:
        for scope in ("read", "write", "admin"):
            assert permissions(role, scope) <= permissions(role)
    assert all(p.value.endswith(":read") for p in permissions("owner", "read"))
    assert P.MANAGE_USERS not in permissions("owner", "write")
    assert scopes_for("viewer") == []
    assert scopes_for("analyst") == ["read", "write"]
    assert scopes_for("admin") == ["read", "write", "admin"]


def _changing_routes() -> list[APIRoute]:
    return [
        route
        for route in [*pages.routes, *api.routes]
        if isinstance(route, APIRoute) and route.methods & CHANGES and route.path not in SIGN_IN_OUT
    ]


FORM = {
    "email": "ny@butikk.no",
    "role": "viewer",
    "password": "et-langt-passord",
    "active": "false",
    "name": "ci",
    "scope": "read",
}


@sqlite_only
def test_a_viewer_cannot_change_anything(
    client: TestClient, make_user: MakeUser, engine: Engine
) -> None:
    viewer = make_user("viewer")
    analyst = make_user("analyst")
    with session_scope(engine) as session:
        from kundepuls.accounts import tokens

        token, _ = tokens.create_token(
            session, service.find_user(session, analyst.email), "ci", "read"
        )
        token_id = token.id
    csrf = login(client, viewer)
    routes = _changing_routes()
    assert len(routes) >= 6
    for route in routes:
        path = route.path.replace("{user_id}", str(viewer.id)).replace("{token_id}", str(token_id))
        for method in route.methods & CHANGES:
            response = client.request(
                method,
                path,
                data={**FORM, "csrf_token": csrf} if method == "POST" else None,
                headers={"x-csrf-token": csrf},
                follow_redirects=False,
            )
            assert response.status_code == 403, (method, path, response.text)
    with session_scope(engine) as session:
        users = {u.email: u for u in service.list_users(session)}
    assert set(users) == {viewer.email, analyst.email}
    assert users[viewer.email].active


@pytest.mark.parametrize(
    ("role", "users_page", "tokens_api"),
    [("viewer", 403, 403), ("analyst", 403, 200), ("admin", 200, 200), ("owner", 200, 200)],
)
@sqlite_only
def test_what_each_role_can_open(
    client: TestClient, make_user: MakeUser, role: str, users_page: int, tokens_api: int
) -> None:
    login(client, make_user(role))
    assert client.get("/account").status_code == 200
    assert client.get("/account/tokens").status_code == 200
    assert client.get("/account/users").status_code == users_page
    assert client.get("/api/v1/tokens").status_code == tokens_api
    assert client.get("/api/v1/me").json()["role"] == role


def test_admin_manages_users_below_owner(
    client: TestClient, make_user: MakeUser, engine: Engine
) -> None:
    owner = make_user("owner")
    csrf = login(client, make_user("admin"))
    created = client.post(
        "/account/users",
        data={**FORM, "email": "Kari@Butikk.no", "role": "analyst", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert created.status_code == 303
    assert "Brukeren er opprettet." in client.get(created.headers["location"]).text
    kari = _user(engine, "kari@butikk.no")
    assert kari.role == "analyst"
    assert kari.password_hash.startswith("$argon2id$")

    refused = client.post(
        "/account/users",
        data={**FORM, "email": "sjef@butikk.no", "role": "owner", "csrf_token": csrf},
    )
    assert refused.status_code == 403
    promote = client.post(
        f"/account/users/{kari.id}/role", data={"role": "owner", "csrf_token": csrf}
    )
    assert promote.status_code == 403
    demote_owner = client.post(
        f"/account/users/{owner.id}/active", data={"active": "false", "csrf_token": csrf}
    )
    assert demote_owner.status_code == 403
    assert _user(engine, owner.email).active

    client.post(f"/account/users/{kari.id}/role", data={"role": "viewer", "csrf_token": csrf})
    client.post(f"/account/users/{kari.id}/active", data={"active": "false", "csrf_token": csrf})
    kari = _user(engine, kari.email)
    assert (kari.role, kari.active) == ("viewer", False)


@sqlite_only
def test_owner_manages_owners_but_keeps_one(client: TestClient, make_user: MakeUser) -> None:
    owner = make_user("owner")
    csrf = login(client, owner)
    created = client.post(
        "/account/users",
        data={**FORM, "email": "to@butikk.no", "role": "owner", "csrf_token": csrf},
    )
    assert created.status_code == 200
    alone = make_user("admin")
    client.post(f"/account/users/{alone.id}/role", data={"role": "owner", "csrf_token": csrf})
    page = client.get("/account/users").text
    assert page.count('<option value="owner" selected>') == 3
    # Step down: allowed while another owner remains.
    response = client.post(
        f"/account/users/{owner.id}/role", data={"role": "admin", "csrf_token": csrf}
    )
    assert response.status_code == 200


@sqlite_only
def test_the_last_owner_cannot_be_removed(client: TestClient, make_user: MakeUser) -> None:
    owner = make_user("owner")
    csrf = login(client, owner)
    response = client.post(
        f"/account/users/{owner.id}/active", data={"active": "false", "csrf_token": csrf}
    )
    assert response.status_code == 422
    assert "last active owner" in response.text


@sqlite_only
def test_bad_input_on_the_users_page_is_explained(client: TestClient, make_user: MakeUser) -> None:
    csrf = login(client, make_user("owner"))
    short = client.post("/account/users", data={**FORM, "password": "kort", "csrf_token": csrf})
    assert short.status_code == 422
    assert "at least 10 characters" in short.text
    bad = client.post(
        "/account/users", data={**FORM, "email": "ikke-en-adresse", "csrf_token": csrf}
    )
    assert "is not an email address" in bad.text


def _user(engine: Engine, email: str):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return service.find_user(session, email)


@sqlite_only
def test_refusals_are_a_page_for_people_and_json_for_programs(
    client: TestClient, make_user: MakeUser
) -> None:
    login(client, make_user("viewer", language="en"))
    page = client.get("/account/users")
    assert page.status_code == 403
    assert page.headers["content-type"].startswith("text/html")
    assert "You do not have access to this." in page.text
    api = client.get("/api/v1/users")
    assert api.status_code == 403
    assert api.json() == {"detail": "your role may not do this (users:read)"}
