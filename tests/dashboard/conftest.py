"""Fixtures of the dashboard tests: a seeded store on each backend, served on loopback."""

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.orm import Session

from kundepuls.app import create_app
from kundepuls.config import Settings
from kundepuls.dashboard import cache, repository
from kundepuls.kpis import backends
from tests.kpis import factory
from tests.support import uvicorn_thread


@pytest.fixture(autouse=True)
def _fresh_engine_state() -> Iterator[None]:
    """Shared KPI connections and cached tiles never outlive the store of a test."""
    yield
    backends.forget()
    cache.forget()
    repository.forget()


@pytest.fixture
def data(session: Session) -> factory.Data:
    """The KPI tests' seeded data set (2026-01-01 to 2026-06-29), twice its size."""
    return factory.build(session, scale=2)


@pytest.fixture
def base(database_url: str, data: factory.Data) -> Iterator[str]:
    """The app over the seeded store on a real uvicorn server on loopback."""
    with uvicorn_thread(create_app(Settings(database_url=database_url))) as url:
        yield url


@pytest.fixture
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=120) as client:
        yield client
