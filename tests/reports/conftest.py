"""A demo store per backend, built once per test module: the report tests only read it."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from kundepuls.config import Settings
from kundepuls.db import make_engine, migrate, session_scope
from kundepuls.demo.service import build_demo
from kundepuls.kpis import backends
from kundepuls.kpis import service as kpi_service
from kundepuls.text.service import analyze_responses
from tests.conftest import new_store_url

TODAY = date(2026, 12, 1)
CUSTOMERS = 2500
TARGETS = {"nps": 20.0, "csat": 70.0, "first_response_hours": 4.0, "fcr": 80.0}


@dataclass
class DemoStore:
    backend: str
    url: str

    @property
    def settings(self) -> Settings:
        return Settings(database_url=self.url, secret_key="test-secret")


def fill(url: str, customers: int = CUSTOMERS) -> None:
    """Migrate, build the demo, analyse its comments and set a few targets."""
    migrate(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            build_demo(session, today=TODAY, customers=customers)
        with session_scope(engine) as session:
            analyze_responses(session)
            for key, value in TARGETS.items():
                kpi_service.set_target(session, Settings(database_url=url), key, value)
    finally:
        engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def demo_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoStore]:
    """The demo (data up to 2026-11-30) with analysed comments, on SQLite and PostgreSQL."""
    with new_store_url(request.param, tmp_path_factory.mktemp("reports")) as url:
        try:
            fill(url)
            yield DemoStore(request.param, url)
        finally:
            backends.forget()
