"""``kundepuls alerts`` and ``/api/v1/alerts`` end to end."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert

from kundepuls.app import create_app
from kundepuls.db import make_engine, migrate, session_scope
from kundepuls.facts.models import Response
from tests.cases.conftest import Receiver
from tests.conftest import CliRun
from tests.support import api_headers

NOW = datetime.now(UTC).replace(microsecond=0)


def _store(url: str) -> None:
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = [
            {"response_id": f"R{i}", "submitted_at": NOW - timedelta(hours=1 + i % 24),
             "nps": 0 if i % 3 else 10, "channel": "email", "attributes": {}}
            for i in range(90)
        ]  # fmt: skip
        session.execute(insert(Response), rows)
    engine.dispose()


def test_cli_add_list_test_and_remove(
    tmp_path: Path, receiver: Receiver, kundepuls_cli: Callable[..., CliRun]
) -> None:
    url = f"sqlite:///{tmp_path / 'kp.db'}"
    _store(url)
    env = {"KUNDEPULS_DATABASE_URL": url, "KUNDEPULS_BASE_URL": "http://kp.test"}
    added = kundepuls_cli(
        "alerts", "add", "nps", "--below", "0", "--webhook", receiver.url, env=env
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "alert rule 1 added"
    listed = json.loads(kundepuls_cli("alerts", "list", "--json", env=env).stdout)
    assert listed[0]["kpi"] == "nps"
    assert listed[0]["direction"] == "below"
    dry = kundepuls_cli("alerts", "test", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "ville varslet" in dry.stdout
    assert "http://kp.test/kpis/nps?from=" in dry.stdout
    assert receiver.bodies == []  # a dry run sends nothing
    sent = kundepuls_cli("alerts", "test", "--send", env=env)
    assert "sent 1" in sent.stdout, sent.stdout + sent.stderr
    assert receiver.bodies[0]["text"].startswith("NPS er under 0,0: −33,3")
    again = kundepuls_cli("alerts", "test", env=env)
    assert "uendret (firing)" in again.stdout
    events = kundepuls_cli("alerts", "list", "--events", env=env)
    assert "fired" in events.stdout
    bad = kundepuls_cli("alerts", "add", "nps", "--kind", "threshold", "--email", "x@y.no", env=env)
    assert bad.returncode == 2
    assert "threshold: a threshold rule needs a value" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert kundepuls_cli("alerts", "remove", "1", env=env).returncode == 0
    missing = kundepuls_cli("alerts", "remove", "1", env=env)
    assert missing.returncode == 1
    assert "rule 1: no such alert rule" in missing.stderr


def test_api_rules_and_events(database_url: str, receiver: Receiver) -> None:
    _store(database_url)
    rule = {"kpi": "nps", "kind": "change", "webhook_url": receiver.url, "where": ["channel=email"]}
    with TestClient(create_app()) as client:
        assert client.get("/api/v1/alerts").status_code == 401
        client.headers.update(api_headers(database_url, "analyst"))
        assert client.get("/api/v1/alerts").json() == []
        assert client.post("/api/v1/alerts", json=rule).status_code == 403
        client.headers.update(api_headers(database_url, "admin"))
        made = client.post("/api/v1/alerts", json=rule)
        assert made.status_code == 201, made.text
        assert made.json()["segment"] == "channel=email"
        bad = client.post("/api/v1/alerts", json={**rule, "kpi": "nope"})
        assert bad.status_code == 404
        assert "unknown KPI 'nope'" in bad.json()["detail"]
        assert client.get("/api/v1/alerts/events").json() == []
        rule_id = made.json()["id"]
        assert client.delete(f"/api/v1/alerts/{rule_id}").status_code == 204
        assert client.delete(f"/api/v1/alerts/{rule_id}").status_code == 404


def test_the_new_routes_are_in_the_openapi_document(database_url: str) -> None:
    with TestClient(create_app()) as client:
        paths = client.get("/openapi.json").json()["paths"]
    wanted = {"/api/v1/alerts", "/api/v1/alerts/events", "/api/v1/alerts/{rule_id}",
              "/api/v1/benchmarks", "/api/v1/benchmarks/compare", "/api/v1/quality"}  # fmt: skip
    assert wanted <= set(paths)
