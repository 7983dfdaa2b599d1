"""A crash in the middle of an import leaves nothing of that import behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine

from tests.ingest.helpers import count, write_csv
from tests.support import SRC, run_cli

ROWS = 150_000


def _big_orders(path: Path) -> Path:
    rows = [
        [f"o{i}", f"c{i % 5000}", f"2026-0{1 + i % 9}-{1 + i % 28:02d} 12:00", f"{i % 997},50"]
        for i in range(ROWS)
    ]
    return write_csv(path, ["ordrenr", "kundenr", "dato", "beløp"], rows, delimiter=";")


def _writing(engine: Engine, database_url: str, pid: int) -> bool:
    """Whether the import in the child has started writing its (uncommitted) rows."""
    if database_url.startswith("sqlite"):
        wal = Path(database_url.removeprefix("sqlite:///") + "-wal")
        return wal.exists() and wal.stat().st_size > 256 * 1024
    with engine.connect() as conn:
        locks = conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'orders' AND l.mode = 'RowExclusiveLock' "
                "AND l.pid <> pg_backend_pid()"
            )
        ).scalar_one()
    return bool(locks)


def test_killing_an_import_midway_leaves_no_rows_and_a_usable_store(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    path = _big_orders(tmp_path / "ordre.csv")
    child = subprocess.Popen(
        [sys.executable, "-m", "kundepuls", "import", "orders", str(path)],
        env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not _writing(engine, database_url, child.pid):
            assert child.poll() is None, "the import ended before it could be interrupted"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.communicate()
    assert child.returncode == -signal.SIGKILL

    engine.dispose()
    for table in ("orders", "customers", "import_batches"):
        assert count(engine, table) == 0, table
    small = write_csv(
        tmp_path / "small.csv",
        ["order_id", "customer_id", "ordered_at", "amount"],
        [["o1", "c1", "2026-01-01", "10"]],
    )
    result = run_cli("import", "orders", str(small))
    assert result.returncode == 0, result.stderr
    assert count(engine, "orders") == 1
