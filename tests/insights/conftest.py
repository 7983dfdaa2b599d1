"""A full-size demo store per backend, built once for the insights tests (comments analysed too)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from kundepuls.config import Settings
from kundepuls.db import engine_for, make_engine, migrate, session_scope
from kundepuls.demo.planted import Planted
from kundepuls.demo.service import build_demo
from kundepuls.kpis import backends
from kundepuls.text.service import analyze_responses
from tests.conftest import BACKENDS, new_store_url

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
    with new_store_url(request.param, tmp_path_factory.mktemp("demo")) as url:
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
