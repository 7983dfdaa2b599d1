"""Passwords: a modern hash, never plain text, the same cost for every failure, the demo login."""

import pytest
from argon2 import PasswordHasher, Type
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from kundepuls.accounts import passwords, service
from kundepuls.accounts.models import User
from kundepuls.db import session_scope
from tests.accounts.conftest import PRODUCTION_HASHER, MakeUser, sqlite_only


def test_the_production_hash_is_argon2id_with_rfc_9106_costs() -> None:
    assert PRODUCTION_HASHER.type is Type.ID
    assert PRODUCTION_HASHER.memory_cost >= 65536
    assert PRODUCTION_HASHER.time_cost >= 3


def test_passwords_are_never_stored_in_plain_text(make_user: MakeUser, engine: Engine) -> None:
    account = make_user("owner")
    with session_scope(engine) as session:
        rows = session.execute(text("SELECT * FROM users")).all()
        stored = session.scalars(select(User.password_hash)).one()
    assert account.password not in str(rows)
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, account.password)
    assert not passwords.verify_password(stored, account.password + "x")


def test_a_missing_user_is_verified_against_a_dummy_hash() -> None:
    # No hash: the dummy is verified (same work) and the answer is always no.
    assert not passwords.verify_password(None, "kundepuls-no-such-user")
    assert not passwords.verify_password("not-a-hash", "anything")


@sqlite_only
def test_old_hashes_are_upgraded_at_sign_in(
    make_user: MakeUser, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = make_user("analyst")
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", stronger)
    with session_scope(engine) as session:
        assert service.authenticate(session, account.email, account.password) is not None
    with session_scope(engine) as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert "t=2" in stored
    assert not stronger.check_needs_rehash(stored)


@sqlite_only
def test_demo_user_gets_a_fresh_password_each_time(client: TestClient, engine: Engine) -> None:
    with session_scope(engine) as session:
        email, first = service.ensure_demo_user(session)
    with session_scope(engine) as session:
        again, second = service.ensure_demo_user(session)
    assert email == again == "demo@kundepuls.local"
    assert first != second
    assert len(second) >= 12
    old = client.post("/login", data={"email": email, "password": first}, follow_redirects=False)
    assert old.status_code == 401
    new = client.post("/login", data={"email": email, "password": second}, follow_redirects=False)
    assert new.status_code == 303
    assert client.get("/api/v1/me").json()["role"] == "owner"


@sqlite_only
def test_bad_user_input_names_the_field(engine: Engine) -> None:
    from kundepuls.kit.errors import UsageError

    cases = [
        (("a@butikk.no", "viewer", "kort"), "password: must be at least 10 characters"),
        (("a@butikk.no", "boss", "et-langt-passord"), "role: 'boss' is not one of viewer"),
        (("ikke-epost", "viewer", "et-langt-passord"), "email: 'ikke-epost' is not an email"),
        (("a@butikk.no", "viewer", "A@Butikk.no"), "password: must not be the email address"),
    ]
    with session_scope(engine) as session:
        service.create_user(session, "eva@butikk.no", "owner", "et-langt-passord")
        cases.append((("Eva@Butikk.no", "viewer", "et-langt-passord"), "already exists"))
        for args, message in cases:
            with pytest.raises(UsageError, match=message):
                service.create_user(session, *args)


class CountingHasher(PasswordHasher):
    """Counts verifications, to show every failure does the same hashing work."""

    verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        CountingHasher.verified += 1
        return super().verify(hash, password)


@sqlite_only
def test_every_failure_costs_one_verification(
    make_user: MakeUser, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = make_user("viewer")
    gone = make_user("analyst")
    with session_scope(engine) as session:
        service.set_active(session, service.find_user(session, gone.email), False)
    counting = CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", counting)
    attempts = [
        (account.email, "wrong-password"),
        ("nobody@butikk.no", account.password),
        (gone.email, gone.password),
        ("", ""),
    ]
    for email, password in attempts:
        before = CountingHasher.verified
        with session_scope(engine) as session:
            assert service.authenticate(session, email, password) is None
        assert CountingHasher.verified - before == 1, email


def test_the_dummy_hash_costs_what_a_real_one_costs() -> None:
    assert not PRODUCTION_HASHER.check_needs_rehash(passwords.DUMMY_HASH)
