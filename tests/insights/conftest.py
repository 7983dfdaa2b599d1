"""A full-size demo store per backend, built once for the insights tests (comments analysed too)."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from kundepuls.config import Settings
from kundepuls.db import engine_for, make_engine, migrate, session_scope
from kundepuls.demo.planted import Planted
from kundepuls.demo.service import build_demo
from kundepuls.kpis import backends
from kundepuls.text.service import analyze_responses
from tests.conftest import BACKENDS, POSTGRES_URL, REQUIRE_POSTGRES, postgres_problem

TODAY = date(2026, 12, 1)
# The default size: the falling region has about 100 answers in its last quarter, which
# is what a real shop of this size would have; a smaller demo hides the fall in noise.
CUSTOMERS = 5_000


@dataclass
class Demo:
    url: str
    planted: Planted

    @property
    def settings(self) -> Settings:
        return Settings(database_url=self.url)


def _postgres_url(name: str) -> str:
    problem = postgres_problem()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(problem)
        pytest.skip(problem)
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def _drop(name: str) -> None:
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(autouse=True)
def _no_shared_connections(request: pytest.FixtureRequest) -> Iterator[None]:
    """No shared connection outlives a test.

    DuckDB reads the SQLite file with its own copy of SQLite: closing it drops the POSIX
    locks the process holds on the file, so the shared SQLAlchemy engine's pooled
    connections must not live on past it ("disk I/O error" on their next query).
    """
    yield
    backends.forget()
    demo = request.node.funcargs.get("demo") or request.node.funcargs.get("store")
    if isinstance(demo, Demo):
        engine_for(demo.url).dispose()


@pytest.fixture(scope="package", params=BACKENDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    name = f"kp_test_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('demo')) / 'demo.db'}"
    else:
        url = _postgres_url(name)
    try:
        migrate(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            build = build_demo(session, today=TODAY, customers=CUSTOMERS)
            analyze_responses(session)
        engine.dispose()
        yield Demo(url, build.planted)
    finally:
        backends.forget()
        if request.param != "sqlite":
            _drop(name)
