"""Shared fixtures: a real store on SQLite and on PostgreSQL, created per test and dropped after.

PostgreSQL is found at KUNDEPULS_TEST_POSTGRES_URL (default: the local server, database
``test``). Without a server the PostgreSQL cases are skipped with a message, unless
KUNDEPULS_REQUIRE_POSTGRES=1 (as in CI), where they fail instead.
"""

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import chdir, contextmanager, nullcontext
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kundepuls.config import get_settings
from kundepuls.db import dispose_engines, make_engine, migrate, session_factory
from tests.surveys.factories import SMTPServer

POSTGRES_URL = os.environ.get(
    "KUNDEPULS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("KUNDEPULS_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@cache
def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect():
            pass
        engine.dispose()
    except sa.exc.OperationalError as error:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {error.orig}"
    return None


def pytest_report_header() -> str:
    problem = postgres_problem()
    return f"postgresql: {'skipped — ' + problem if problem else POSTGRES_URL}"


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Settings are read from the environment again in every test."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@contextmanager
def new_store_url(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty store: a SQLite file in ``folder``, or a new PostgreSQL
    database with a unique name, dropped afterwards (skipped without a server; in CI, where
    KUNDEPULS_REQUIRE_POSTGRES=1, failed instead)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'kundepuls.db'}"
        return
    problem = postgres_problem()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(problem)
        pytest.skip(problem)
    name = f"kp_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_engines()  # the app's shared engines hold connections to it
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database with a unique name; dropped afterwards."""
    with new_store_url("postgresql", Path()) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a new, migrated store on each backend; the environment points at it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'kundepuls.db'}"
    else:
        url = request.getfixturevalue("postgres_database")
    migrate(url)
    mp = request.getfixturevalue("monkeypatch")
    mp.setenv("KUNDEPULS_DATABASE_URL", url)
    get_settings.cache_clear()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        yield session


@dataclass(frozen=True)
class CliRun:
    """The exit code and the output of one ``kundepuls`` command."""

    returncode: int
    stdout: str
    stderr: str


def run_in_process(
    *args: str, env: dict[str, str] | None = None, stdin: str = "", cwd: Path | None = None
) -> CliRun:
    """Run ``kundepuls ARGS`` through the entry point :func:`kundepuls.cli.main` in this
    process: the same parsing, messages and exit codes as the installed command, without
    starting Python and importing kundepuls again (about 3 s a command).

    The command sees ``env`` on top of this process's environment, ``stdin`` on standard
    input, ``cwd`` (if given) as its working directory and settings read afresh;
    the settings, engines and KPI connections it shared are dropped after it, as they would
    be when its process ended.
    ``tests.support.run_cli`` runs the real command in a child process."""
    from kundepuls import cli
    from kundepuls.kpis import backends

    get_settings.cache_clear()
    argv = sys.argv
    code: int | str | None = 0
    folder = chdir(cwd) if cwd is not None else nullcontext()
    with folder, CliRunner().isolation(input=stdin, env=env) as (stdout, stderr, _mixed):
        sys.argv = ["kundepuls", *args]  # click reads the arguments from here
        try:
            cli.main()
        except SystemExit as exit_:
            code = exit_.code
        finally:
            sys.argv = argv
            sys.stdout.flush()
            sys.stderr.flush()
        out, err = stdout.getvalue().decode(), stderr.getvalue().decode()
    get_settings.cache_clear()
    dispose_engines()
    backends.forget()
    assert isinstance(code, int), f"exit code {code!r}"
    return CliRun(code, out, err)


@pytest.fixture
def kundepuls_cli() -> Callable[..., CliRun]:
    """:func:`run_in_process`: ``kundepuls_cli("alerts", "list", env={...})``."""
    return run_in_process
