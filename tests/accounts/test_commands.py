"""``kundepuls user …`` and ``kundepuls token …`` as a user runs them, in a child process."""

import os
import pty
import subprocess
import sys
import time
from collections.abc import Callable

from sqlalchemy import Engine, select

from kundepuls.accounts import service, tokens
from kundepuls.accounts.models import User
from kundepuls.db import session_scope
from tests.accounts.conftest import sqlite_only
from tests.conftest import CliRun
from tests.support import SRC

PASSWORD = "sommer-i-bergen-2026"


def _cli_with_stdin(text: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``run_cli`` with text on standard input (for ``--password-stdin``)."""
    return subprocess.run(
        [sys.executable, "-m", "kundepuls", *args],
        env={**os.environ, "PYTHONPATH": SRC},
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@sqlite_only
def test_user_commands(
    database_url: str, engine: Engine, kundepuls_cli: Callable[..., CliRun]
) -> None:
    added = kundepuls_cli(
        "user",
        "add",
        "Eva@Butikk.no",
        "--role",
        "owner",
        "--name",
        "Eva Hansen",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "user eva@butikk.no added as owner"
    with session_scope(engine) as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored

    with session_scope(engine) as session:
        service.create_user(session, "ola@butikk.no", "viewer", PASSWORD)
    assert kundepuls_cli("user", "set-role", "ola@butikk.no", "analyst").stdout.strip() == (
        "user ola@butikk.no is now analyst"
    )
    with session_scope(engine) as session:
        service.set_active(session, service.find_user(session, "ola@butikk.no"), False)
    last = kundepuls_cli("user", "deactivate", "eva@butikk.no")
    assert last.returncode == 2
    assert "last active owner" in last.stderr

    listing = kundepuls_cli("user", "list").stdout.splitlines()
    assert listing == [
        "eva@butikk.no\towner\tactive\tEva Hansen\tnever",
        "ola@butikk.no\tanalyst\tdeactivated\tola\tnever",
    ]


@sqlite_only
def test_a_missing_terminal_is_explained(database_url: str) -> None:
    no_tty = _cli_with_stdin("", "user", "add", "a@butikk.no")
    assert no_tty.returncode == 2
    assert no_tty.stderr.strip() == (
        "error: password: no terminal to ask on; pipe it in with --password-stdin"
    )


@sqlite_only
def test_the_password_prompt_asks_twice_and_never_echoes(database_url: str, engine: Engine) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command on a terminal
        os.environ["PYTHONPATH"] = SRC
        os.execv(sys.executable, [sys.executable, "-m", "kundepuls", "user", "add", "p@butikk.no"])
    output = _converse(fd, [b"Password: ", b"Repeat for confirmation: "], PASSWORD)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output
    assert PASSWORD not in output
    assert output.count("<asked>") == 2
    assert "user p@butikk.no added as viewer" in output
    with session_scope(engine) as session:
        assert service.authenticate(session, "p@butikk.no", PASSWORD) is not None


def _converse(fd: int, prompts: list[bytes], answer: str) -> str:
    seen = b""
    deadline = time.monotonic() + 60
    for prompt in prompts:
        while prompt not in seen and time.monotonic() < deadline:
            seen += os.read(fd, 1024)
        os.write(fd, answer.encode() + b"\n")
        seen = seen.replace(prompt, b"<asked>", 1)
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen.decode(errors="replace")


@sqlite_only
def test_token_commands(
    database_url: str, engine: Engine, kundepuls_cli: Callable[..., CliRun]
) -> None:
    with session_scope(engine) as session:
        service.create_user(session, "eva@butikk.no", "admin", PASSWORD)
    created = kundepuls_cli(
        "token", "create", "--user", "eva@butikk.no", "--name", "ci", "--scope", "write"
    )
    assert created.returncode == 0, created.stderr
    raw = created.stdout.strip()
    assert raw.startswith("kp_")
    assert len(raw) == 46
    assert "not shown again" in created.stderr
    listing = kundepuls_cli("token", "list").stdout
    assert raw not in listing
    assert listing.startswith(f"1\teva@butikk.no\tci\twrite\t{raw[:10]}…\tactive")
    with session_scope(engine) as session:
        assert tokens.authenticate_token(session, raw) is not None
    assert kundepuls_cli("token", "revoke", "1").stdout.strip() == "token 1 (ci) revoked"
    with session_scope(engine) as session:
        assert tokens.authenticate_token(session, raw) is None
