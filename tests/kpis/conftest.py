"""Fixtures of the KPI tests: a seeded store and the engine's backend on it."""

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from ibis.backends import BaseBackend
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.kpis import backends
from tests.kpis import factory

TZ = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def _no_shared_connections() -> Iterator[None]:
    """Shared engine connections never outlive the store of a test."""
    yield
    backends.forget()


@pytest.fixture
def backend(database_url: str) -> Iterator[BaseBackend]:
    """A fresh KPI engine connection to the test's store (DuckDB on SQLite, or PostgreSQL)."""
    connection = backends.connect(Settings(database_url=database_url))
    yield connection
    connection.disconnect()


@pytest.fixture
def data(session: Session) -> factory.Data:
    """The seeded data set, inserted and committed."""
    return factory.build(session)
