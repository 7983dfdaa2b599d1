"""``kundepuls quality`` and ``/api/v1/quality`` on a store with planted problems."""

import json
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from kundepuls.app import create_app
from kundepuls.facts.models import Response
from tests.conftest import CliRun
from tests.quality import factory
from tests.quality.factory import NOW
from tests.support import api_headers


def _planted(session: Session) -> None:
    factory.build(session)
    since = NOW - timedelta(days=5)
    session.execute(
        delete(Response).where(Response.channel == "sms", Response.submitted_at >= since)
    )
    session.commit()


def test_cli(database_url: str, session: Session, kundepuls_cli: Callable[..., CliRun]) -> None:
    if not database_url.startswith("sqlite"):
        return  # the command is the same on both stores; once is enough
    _planted(session)
    env = {"KUNDEPULS_DATABASE_URL": database_url}
    out = kundepuls_cli("quality", "--format", "json", "--lang", "en", env=env)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    checks = {f["check"]: f for f in found}
    assert checks["gap"]["segment"] == {"channel": "sms"}
    assert checks["gap"]["message"].startswith("Responses from channel=sms stopped")
    assert checks["stale"]["severity"] == "warning"  # the data end in June; it is later now
    table = kundepuls_cli("quality", env=env)
    assert table.returncode == 0, table.stderr
    assert "Datakvalitet" in table.stdout
    assert "channel=sms" in table.stdout
    bad = kundepuls_cli("quality", "--format", "xml", env=env)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_api(database_url: str, session: Session) -> None:
    _planted(session)
    with TestClient(create_app()) as client:
        assert client.get("/api/v1/quality").status_code == 401
        client.headers.update(api_headers(database_url, "analyst"))
        found = client.get("/api/v1/quality").json()
        assert "gap" in {f["check"] for f in found}
        for_sms = client.get("/api/v1/quality", params={"kpi": "nps", "where": "channel=sms"})
        assert "gap" in {f["check"] for f in for_sms.json()}
        for_email = client.get("/api/v1/quality", params={"kpi": "nps", "where": "channel=email"})
        assert "gap" not in {f["check"] for f in for_email.json()}
        bad = client.get("/api/v1/quality", params={"kpi": "nps", "where": "channel"})
        assert bad.status_code == 422
        assert "DIM=VALUE" in bad.json()["detail"]
