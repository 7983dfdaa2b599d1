"""The ``kundepuls`` command itself, in a child process as a user starts it: its help, a
usage error, and that starting it loads no library that only some commands need."""

import os
import subprocess
import sys

from tests.support import SRC, run_cli

# Each costs a noticeable part of a second to load; only the commands that use them do.
HEAVY = ("pandas", "numpy", "pyarrow", "ibis", "sklearn", "scipy", "fastapi", "alembic",
         "weasyprint", "sqlalchemy.orm", "kundepuls.db")  # fmt: skip


def test_help_lists_the_commands_and_exits_0() -> None:
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    for command in ("init", "import", "serve", "demo", "survey", "kpi", "alerts", "report"):
        assert command in result.stdout
    assert result.stderr == ""


def test_an_unknown_command_is_a_usage_error() -> None:
    result = run_cli("nosuchcommand")
    assert result.returncode == 2
    assert "No such command 'nosuchcommand'" in result.stderr
    assert "Traceback" not in result.stderr


def test_registering_the_commands_loads_no_heavy_library() -> None:
    code = f"import sys, kundepuls.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
