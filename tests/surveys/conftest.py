"""Fixtures of the survey tests: a real SMTP server on loopback and settings pointing at it."""

import pytest

from kundepuls.config import Settings, get_settings
from tests.surveys.factories import SMTPServer


@pytest.fixture
def settings(database_url: str, smtp: SMTPServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of a test: the test's store, the loopback SMTP server, a fixed secret."""
    monkeypatch.setenv("KUNDEPULS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KUNDEPULS_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("KUNDEPULS_SECRET_KEY", "test-secret")
    monkeypatch.setenv("KUNDEPULS_BASE_URL", "http://testserver")
    monkeypatch.setenv("KUNDEPULS_MAIL_FROM", "Kundepuls <survey@butikk.no>")
    get_settings.cache_clear()
    return get_settings()
