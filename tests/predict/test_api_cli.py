"""The predict commands in a child process and the API over real HTTP on loopback."""

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.orm import Session

from kundepuls.app import create_app
from kundepuls.config import Settings
from kundepuls.db import make_engine, migrate, session_factory
from kundepuls.predict import service
from tests.conftest import CliRun
from tests.support import api_headers, uvicorn_thread

from .cdnow import DATA
from .factories import seed_shop

TZ = ZoneInfo("Europe/Oslo")


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    with uvicorn_thread(create_app(Settings(database_url=database_url))) as base:
        yield base


@pytest.fixture
def sqlite_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    """One embedded store for the CLI tests: the services under them run on both backends
    in test_store.py, and each CLI run is a slow child process."""
    url = f"sqlite:///{tmp_path / 'kundepuls.db'}"
    migrate(url)
    monkeypatch.setenv("KUNDEPULS_DATABASE_URL", url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_cli_reproduces_the_paper_on_cdnow(kundepuls_cli: Callable[..., CliRun]) -> None:
    done = kundepuls_cli(
        "predict",
        "clv",
        "--summary-file",
        str(DATA / "cdnow_customers_summary.csv"),
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    params = {row["parameter"]: row["value"] for row in json.loads(done.stdout)}
    for name, value in {
        "r": 0.243,
        "alpha": 4.414,
        "a": 0.793,
        "b": 2.426,
        "p": 6.25,
        "q": 3.74,
        "v": 15.44,
    }.items():
        assert params[name] == pytest.approx(value, rel=0.01)


def test_cli_on_the_store(sqlite_store: Session, kundepuls_cli: Callable[..., CliRun]) -> None:
    # The commands work as of now, so the shop's history ends just before now.
    seed_shop(sqlite_store, n=150, seed=11, end=datetime.now(UTC) - timedelta(hours=1))
    done = kundepuls_cli("predict", "clv", "--format", "json", "--limit", "5")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 5
    assert rows[0]["clv"] >= rows[-1]["clv"]
    done = kundepuls_cli("predict", "rfm", "--format", "csv")
    assert done.returncode == 0, done.stderr
    table = list(csv.DictReader(io.StringIO(done.stdout)))
    assert sum(int(r["customers"]) for r in table) == 150


def test_cli_churn_reports_the_holdout(
    sqlite_store: Session, kundepuls_cli: Callable[..., CliRun]
) -> None:
    seed_shop(sqlite_store, n=150, seed=11, end=datetime.now(UTC) - timedelta(hours=1))
    done = kundepuls_cli("predict", "churn", "--format", "json", "--limit", "3")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert 0.5 < body["holdout"]["behaviour"]["auc"] <= 1
    assert len(body["customers"]) == 3


def test_cli_error_is_one_clear_line(
    sqlite_store: Session, kundepuls_cli: Callable[..., CliRun]
) -> None:
    done = kundepuls_cli("predict", "clv")
    assert done.returncode == 1
    assert "no orders in the store" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_forecast_reads_kpi_output(
    tmp_path: Path, kundepuls_cli: Callable[..., CliRun]
) -> None:
    lines = ["period_start,value"] + [f"2025-{m:02d}-01,{40 + m % 3}" for m in range(1, 13)]
    (tmp_path / "nps.csv").write_text("\n".join(lines) + "\n")
    done = kundepuls_cli(
        "predict", "forecast", str(tmp_path / "nps.csv"), "--periods", "2", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["period_start"] for r in rows] == ["2026-01-01", "2026-02-01"]
    assert all(r["lower"] < r["forecast"] < r["upper"] for r in rows)


def test_cli_forecast_needs_enough_periods(
    tmp_path: Path, kundepuls_cli: Callable[..., CliRun]
) -> None:
    (tmp_path / "short.csv").write_text("period_start,value\n2026-01-01,40\n2026-02-01,42\n")
    done = kundepuls_cli("predict", "forecast", str(tmp_path / "short.csv"))
    assert done.returncode == 1
    assert "at least 4 periods" in done.stderr
    assert "Traceback" not in done.stderr


def test_api_customer_and_prediction_endpoints(
    session: Session, server: str, database_url: str
) -> None:
    shop = seed_shop(session, n=150, seed=12, recent_incidents=3)
    service.refresh_clv(session, tz=TZ, now=shop.end)
    session.commit()
    with httpx.Client(base_url=server, timeout=30) as client:
        assert client.get("/api/v1/customers/C0000").status_code == 401
        client.headers.update(api_headers(database_url, "analyst"))
        one = client.get("/api/v1/customers/C0000")
        assert one.status_code == 200
        body = one.json()
        assert body["orders"] > 0
        assert body["open_complaints"] == 1
        assert body["prediction"]["model_version"] == "bgnbd-gg-v1"
        assert client.get("/api/v1/customers/nobody").status_code == 404
        top = client.get("/api/v1/predictions", params={"limit": 3}).json()
        assert len(top) == 3
        assert top[0]["clv"] >= top[1]["clv"]
        segments = client.get("/api/v1/predictions/segments").json()
        assert sum(s["customers"] for s in segments) == 150
        assert client.get("/api/v1/predictions", params={"segment": "x"}).status_code == 422
        risky = client.get("/api/v1/predictions/at-risk").json()
        assert {"C0000", "C0001", "C0002"} <= {r["customer_id"] for r in risky}
        promoters = client.get("/api/v1/predictions/ambassadors").json()
        assert promoters
        assert all(p["last_nps"] >= 9 for p in promoters)
        months = [f"2025-{m:02d}-01" for m in range(1, 13)]
        answer = client.post(
            "/api/v1/predictions/forecast",
            json={
                "period_starts": months,
                "values": [40.0 + m % 3 for m in range(12)],
                "periods": 2,
            },
        )
        assert answer.status_code == 200
        assert len(answer.json()) == 2
