"""Helpers shared by tests of every domain."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

SRC = str(Path(__file__).resolve().parents[1] / "src")
PASSWORD = "correct horse battery staple"


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``kundepuls ARGS`` in a child process of this checkout, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "kundepuls", *args],
        env={**os.environ, "PYTHONPATH": SRC, **(env or {})},
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def api_headers(database_url: str, role: str = "owner") -> dict[str, str]:
    """Authorization headers of a new user with ``role`` and an API token of its widest scope."""
    from kundepuls.accounts import service, tokens
    from kundepuls.accounts.permissions import RANK, SCOPE_MIN_ROLE, SCOPE_PERMISSIONS, Role
    from kundepuls.db import make_engine, session_scope

    scope = max(
        (s for s, least in SCOPE_MIN_ROLE.items() if RANK[least] <= RANK[Role(role)]),
        key=lambda s: len(SCOPE_PERMISSIONS[s]),
    )
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        user = service.create_user(
            session, f"{role}-{uuid.uuid4().hex[:8]}@test.no", role, PASSWORD
        )
        _row, raw = tokens.create_token(session, user, "tests", scope)
    engine.dispose()
    return {"Authorization": f"Bearer {raw}"}


def sign_in(client: httpx.Client, database_url: str, role: str = "viewer") -> None:
    """Create a user with ``role`` and sign ``client`` in (its cookie jar keeps the session)."""
    from kundepuls.accounts import service
    from kundepuls.db import make_engine, session_scope

    email = f"{role}-{uuid.uuid4().hex[:8]}@test.no"
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        service.create_user(session, email, role, PASSWORD)
    engine.dispose()
    answer = client.post("/login", data={"email": email, "password": PASSWORD})
    assert answer.status_code in (200, 303), answer.text
    assert "kundepuls_session" in client.cookies, "no session cookie"
