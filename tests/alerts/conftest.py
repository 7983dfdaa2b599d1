"""Fixtures of the alert tests: a store, a loopback SMTP server and webhook receiver, and
small factories that plant answers around a fixed moment."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy.orm import Session

from kundepuls.config import Settings, get_settings
from kundepuls.facts.models import Response
from kundepuls.kpis import backends
from tests.cases.conftest import Receiver, free_port, serve
from tests.surveys.factories import SMTPServer

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
_ids = count()


@pytest.fixture(autouse=True)
def _no_shared_connections() -> Iterator[None]:
    yield
    backends.forget()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    port = free_port()
    got = Receiver(url=f"http://127.0.0.1:{port}/hook", port=port)
    server = serve(got)
    yield got
    server.shutdown()
    server.server_close()


def point_at(monkeypatch: pytest.MonkeyPatch, smtp_port: int) -> Settings:
    monkeypatch.setenv("KUNDEPULS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KUNDEPULS_SMTP_PORT", str(smtp_port))
    monkeypatch.setenv("KUNDEPULS_BASE_URL", "http://kp.test")
    monkeypatch.setenv("KUNDEPULS_MAIL_FROM", "varsel@butikk.no")
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def settings(database_url: str, smtp: SMTPServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The test's store, the loopback SMTP server and a fixed base URL."""
    return point_at(monkeypatch, smtp.port)


def answers(
    session: Session,
    scores: list[int],
    days_ago: float = 1,
    channel: str = "email",
    now: datetime = NOW,
) -> None:
    """Plant NPS answers ``days_ago`` days before ``now`` and commit them."""
    at = now - timedelta(days=days_ago)
    for score in scores:
        i = next(_ids)
        session.add(
            Response(
                response_id=f"a{i}",
                submitted_at=at + timedelta(seconds=i % 3600),
                nps=score,
                channel=channel,
                attributes={},
            )
        )
    session.commit()
