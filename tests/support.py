"""Helpers shared by tests of every domain."""

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


@contextmanager
def uvicorn_thread(app: Any) -> Iterator[str]:
    """``app`` on a real uvicorn server in a thread on a free loopback port; its base URL."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive(), "uvicorn stopped while starting"
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def served(database_url: str, **settings: Any) -> Iterator[httpx.Client]:
    """The app over ``database_url`` served on loopback (see :func:`uvicorn_thread`), and
    a client for it."""
    from kundepuls.app import create_app
    from kundepuls.config import Settings

    app = create_app(Settings(database_url=database_url, **settings))
    with uvicorn_thread(app) as base, httpx.Client(base_url=base, timeout=60) as client:
        yield client
