"""The action and case commands and REST routes, end to end on a small store."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from kundepuls.app import create_app
from kundepuls.db import make_engine, migrate, session_scope
from kundepuls.facts.models import Customer, Response
from tests.cases.conftest import Receiver
from tests.conftest import CliRun
from tests.support import api_headers

NOW = datetime.now(UTC).replace(microsecond=0)


def _store(url: str) -> None:
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        session.add(Customer(customer_id="C1", name="Kari", region="Oslo"))
        session.flush()
        rows = [
            {"response_id": f"R{i}", "submitted_at": NOW - timedelta(hours=6 * i),
             "customer_id": "C1", "nps": i % 11, "csat": 1 + i % 5}
            for i in range(1, 40)
        ]  # fmt: skip
        session.execute(insert(Response), rows)
    engine.dispose()


def test_cli_actions_and_cases(
    tmp_path: Path, receiver: Receiver, kundepuls_cli: Callable[..., CliRun]
) -> None:
    url = f"sqlite:///{tmp_path / 'kp.db'}"
    _store(url)
    env = {"KUNDEPULS_DATABASE_URL": url, "KUNDEPULS_CASES_WEBHOOK_URL": receiver.url}
    start = (NOW - timedelta(days=3)).date().isoformat()
    added = kundepuls_cli("action", "add", "Ny takkemail", "--kpi", "nps", "--start", start,
                          "--expected", "10", env=env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = json.loads(kundepuls_cli("action", "list", "--json", env=env).stdout)
    assert listed[0]["title"] == "Ny takkemail"
    effect = kundepuls_cli("action", "effect", str(listed[0]["id"]), env=env)
    assert effect.returncode == 0, effect.stderr
    assert "cannot tell" in effect.stdout or "Too little data" in effect.stdout
    bad = kundepuls_cli("action", "add", "x", "--kpi", "nope", "--start", start, env=env)
    assert bad.returncode == 2
    assert "kpi: 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr
    synced = kundepuls_cli("case", "sync", env=env)
    assert synced.returncode == 0, synced.stderr
    cases = json.loads(kundepuls_cli("case", "list", "--json", env=env).stdout)
    assert cases
    assert {c["status"] for c in cases} == {"new"}
    events = [b["event"] for b in receiver.bodies]
    assert events.count("case.opened") == len(cases)
    assert "case.overdue" in events  # answers older than 48 h are overdue already
    again = kundepuls_cli("case", "sync", env=env)
    assert again.stdout.startswith("0 case(s) opened")
    closed = kundepuls_cli("case", "close", str(cases[0]["id"]), "--outcome", "ringt", env=env)
    assert closed.returncode == 0, closed.stderr
    assert receiver.bodies[-1]["event"] == "case.resolved"
    day = NOW.date().isoformat()
    rates = kundepuls_cli("case", "rates", "--from", "2020-01-01", "--to", day, env=env)
    assert rates.returncode == 0, rates.stderr
    assert "followup_rate" in rates.stdout
    assert "recovery_rate" in rates.stdout


def test_api_actions_and_cases(
    database_url: str, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(database_url)
    monkeypatch.setenv("KUNDEPULS_CASES_WEBHOOK_URL", receiver.url)
    with TestClient(create_app()) as client:
        assert client.get("/api/v1/cases").status_code == 401
        client.headers.update(api_headers(database_url, "analyst"))
        start = (NOW - timedelta(days=5)).date().isoformat()
        made = client.post(
            "/api/v1/actions",
            json={"title": "Helg", "kpi": "csat", "start_date": start, "segment": "weekend=true"},
        )
        assert made.status_code == 201, made.text
        action_id = made.json()["id"]
        changed = client.patch(f"/api/v1/actions/{action_id}", json={"status": "running"})
        assert changed.json()["status"] == "running"
        assert client.get(f"/api/v1/actions/{action_id}/effect").status_code == 200
        bad = client.post("/api/v1/actions", json={"title": "x", "kpi": "nps", "start_date": start,
                                                   "segment": "weekend"})  # fmt: skip
        assert bad.status_code == 422
        assert "segment" in bad.json()["detail"]
        opened = client.post("/api/v1/cases/sync").json()["opened"]
        assert opened > 0
        # Events go out after the request committed.
        assert [b["event"] for b in receiver.bodies] == ["case.opened"] * opened
        case = client.get("/api/v1/cases").json()[0]
        done = client.patch(f"/api/v1/cases/{case['id']}", json={"status": "contacted"})
        assert done.json()["status"] == "contacted"
        assert receiver.bodies[-1]["event"] == "case.contacted"
        note = client.post(f"/api/v1/cases/{case['id']}/notes", json={"text": "Ringt"})
        assert note.status_code == 201
        rates = client.get("/api/v1/cases/rates", params={"start": "2020-01-01", "end": start})
        assert [r["kpi"] for r in rates.json()] == ["followup_rate", "recovery_rate"]
        empty = client.get(
            "/api/v1/cases/rates", params={"start": "2001-01-01", "end": "2001-01-02"}
        )
        assert empty.json()[0]["value"] is None
        assert client.delete(f"/api/v1/actions/{action_id}").status_code == 204
        assert client.get(f"/api/v1/actions/{action_id}").status_code == 404
