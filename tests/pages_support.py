"""Helpers of the dashboard page tests: an app on the test's store, signed-in clients,
CSRF tokens, page text and chart data."""

import html
import json
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from kundepuls.accounts import passwords, service
from kundepuls.app import create_app
from kundepuls.config import Settings
from kundepuls.db import make_engine, session_scope
from tests.support import PASSWORD


def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its real cost takes about a second per login; tests log in a lot."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", cheap)


@contextmanager
def app_client(database_url: str, **settings: object) -> Iterator[TestClient]:
    """The app over ``database_url`` (its lifespan running) and a client for it."""
    app = create_app(Settings(database_url=database_url, secret_key="test-secret", **settings))  # type: ignore[arg-type]
    with TestClient(app) as client:
        yield client


def log_in(client: httpx.Client, database_url: str, role: str, language: str = "nb") -> str:
    """Sign ``client`` in afresh as a new user of ``role``; returns the session's CSRF token."""
    client.cookies.clear()
    sign_in_as(client, database_url, role, language)
    return csrf_of(client.get("/data").text)


def csrf_of(page: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def wait_for(check: "object", seconds: float = 60) -> None:
    """Poll ``check()`` until it is true (a deadline for a hang, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def sign_in_as(client: httpx.Client, database_url: str, role: str, language: str = "nb") -> str:
    """Create a user with ``role`` and ``language``, sign ``client`` in; return the email."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@test.no"
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        service.create_user(session, email, role, PASSWORD, language=language)
    engine.dispose()
    answer = client.post("/login", data={"email": email, "password": PASSWORD})
    assert answer.status_code in (200, 303), answer.text
    return email


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def text_of(page: str) -> str:
    """The page's text with tags removed and entities decoded (for phrase checks)."""
    return norm(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def norm(text: str) -> str:
    """Every run of white space (no-break spaces too) as one space."""
    return re.sub(r"\s+", " ", text)


def chart_json(page: str, element_id: str = "chart-data") -> Any:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page,
                      re.S)  # fmt: skip
    assert found, f"no {element_id} on the page"
    return json.loads(found.group(1))
