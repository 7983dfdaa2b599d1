"""Fixtures of the dashboard tests: a seeded store on each backend, served on loopback."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from sqlalchemy.orm import Session

from kundepuls.app import create_app
from kundepuls.config import Settings
from kundepuls.dashboard import cache, repository
from kundepuls.kpis import backends
from tests.kpis import factory


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


@contextmanager
def served(database_url: str) -> Iterator[str]:
    """The app on a real uvicorn server on a free loopback port; yields its base URL."""
    app = create_app(Settings(database_url=database_url))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(400):
            if server.started:
                break
            thread.join(0.05)
        assert server.started, "the server did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)


@pytest.fixture
def base(database_url: str, data: factory.Data) -> Iterator[str]:
    with served(database_url) as url:
        yield url


@pytest.fixture
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=120) as client:
        yield client
