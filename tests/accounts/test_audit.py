"""The audit log: what is recorded, and who may read it."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kundepuls.accounts import audit, service
from kundepuls.db import session_scope
from tests.accounts.conftest import MakeUser, login, sqlite_only


def test_sign_ins_user_and_token_changes_are_recorded(
    client: TestClient, make_user: MakeUser, engine: Engine
) -> None:
    owner = make_user("owner")
    client.post("/login", data={"email": owner.email, "password": "feil-passord"})
    csrf = login(client, owner)
    client.post(
        "/account/users",
        data={
            "email": "ola@butikk.no",
            "role": "viewer",
            "password": "et-langt-passord",
            "csrf_token": csrf,
        },
    )
    ola = client.get("/api/v1/users").json()
    ola_id = next(u["id"] for u in ola if u["email"] == "ola@butikk.no")
    client.post(f"/account/users/{ola_id}/role", data={"role": "analyst", "csrf_token": csrf})
    client.post(f"/account/users/{ola_id}/active", data={"active": "false", "csrf_token": csrf})
    client.post("/account/tokens", data={"name": "ci", "scope": "read", "csrf_token": csrf})
    token_id = client.get("/api/v1/tokens").json()[0]["id"]
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})

    entries = client.get("/api/v1/audit").json()
    actions = [e["action"] for e in reversed(entries)]
    assert actions == [
        "user.create",
        "login.failure",
        "login.success",
        "user.create",
        "user.role",
        "user.deactivate",
        "token.create",
        "token.revoke",
    ]
    by_action = {e["action"]: e for e in reversed(entries)}  # the newest of each
    assert by_action["user.create"]["actor"] == owner.email
    assert by_action["user.role"]["details"] == {"from": "viewer", "to": "analyst"}
    assert by_action["user.role"]["object_id"] == str(ola_id)
    assert by_action["login.failure"]["actor"] == "anonymous"
    assert by_action["token.create"]["details"]["scope"] == "read"
    assert all(e["ip"] for e in entries if e["actor"] != "cli")
    only = client.get("/api/v1/audit", params={"action": "user.role"}).json()
    assert [e["action"] for e in only] == ["user.role"]


def test_other_domains_record_through_the_service(make_user: MakeUser, engine: Engine) -> None:
    admin = make_user("admin")
    with session_scope(engine) as session:
        actor = service.principal(service.find_user(session, admin.email))
        audit.record(
            session,
            actor,
            "survey.create",
            object_type="survey",
            object_id="nps-kjop",
            details={"version": 2, "språk": "nb"},
            ip="10.0.0.7",
        )
        audit.record(session, "jobs", "survey.send")
    with session_scope(engine) as session:
        newest, previous = audit.recent(session, 2)
        assert (newest.actor, newest.actor_id, newest.action) == ("jobs", None, "survey.send")
        assert previous.actor_id == admin.id
        assert previous.details == {"version": 2, "språk": "nb"}
        assert (previous.object_type, previous.object_id, previous.ip) == (
            "survey",
            "nps-kjop",
            "10.0.0.7",
        )


@sqlite_only
def test_only_admins_read_the_log(client: TestClient, make_user: MakeUser) -> None:
    login(client, make_user("analyst"))
    assert client.get("/api/v1/audit").status_code == 403
