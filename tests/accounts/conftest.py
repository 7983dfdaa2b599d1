"""Fixtures of the accounts tests: an app on the test's store, users of every role, sign-in."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kundepuls.accounts import passwords, service
from kundepuls.app import create_app
from kundepuls.config import Settings, get_settings
from kundepuls.db import session_scope

# The production hasher, kept before the fixture below swaps it for a cheap one.
PRODUCTION_HASHER = passwords.hasher
PASSWORD = "riktig-hest-batteri"
# For behaviour that does not depend on the backend: the store is only where users live.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with the real cost takes about a second here; the tests need many logins."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", cheap)


@pytest.fixture
def settings(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("KUNDEPULS_SECRET_KEY", "test-secret")
    monkeypatch.setenv("KUNDEPULS_BASE_URL", "http://testserver")
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    role: str
    password: str = PASSWORD


MakeUser = Callable[..., Account]


@pytest.fixture
def make_user(engine: Engine) -> MakeUser:
    """Create a user of ``role`` straight through the service."""

    def make(role: str = "viewer", email: str | None = None, **extra: str) -> Account:
        email = email or f"{role}@butikk.no"
        with session_scope(engine) as session:
            user = service.create_user(session, email, role, PASSWORD, **extra)
            return Account(user.id, user.email, user.role)

    return make


def login(client: TestClient, account: Account, password: str | None = None) -> str:
    """Sign ``client`` in as ``account``; returns the session's CSRF token."""
    response = client.post(
        "/login",
        data={"email": account.email, "password": password or account.password},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/account").text)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF input on the page"
    return match.group(1)


@pytest.fixture
def signed_in(client: TestClient, make_user: MakeUser) -> Callable[[str], str]:
    """Sign the client in as a new user of ``role``; returns the CSRF token."""

    def sign_in(role: str) -> str:
        return login(client, make_user(role))

    return sign_in
