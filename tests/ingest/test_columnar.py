"""The column-wise check of a chunk stores exactly what the row-by-row check stores.

Each file is imported twice into the same store: once with the column-wise path switched
off (every row through ``RowValidator``, as imports were before it existed), once as
usual. The stored values, read back raw, the reports and the rejects files must match.
"""

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kundepuls.ingest import columnar, validate
from tests.ingest.helpers import run_import, write_rows

ORDERS = [
    {"ordered_at": "2026-03-01 10:00:00", "amount": "100"},
    {"ordered_at": "2026-03-01T10:00", "amount": "-250,5", "currency": "sek"},
    {"ordered_at": "2026-03-29 02:30", "amount": "12.34"},  # in the spring gap
    {"ordered_at": "2026-10-25 02:30:00.123456", "amount": "0.1"},  # twice in autumn
    {"ordered_at": "2026-01-05", "amount": "1 234,50"},
    {"ordered_at": "05.01.2026 14:30", "amount": "1.234,50"},
    {"ordered_at": " 2026-01-05 ", "amount": " 7 "},
    {"ordered_at": "2026-02-30 10:00", "amount": "1"},
    {"ordered_at": "2026-01-05 10:00:00.5", "amount": "1.005"},
    {"ordered_at": "2099-01-01", "amount": "999999999999.99"},
    {"ordered_at": "1989-12-31 23:59", "amount": "-0"},
    {"ordered_at": "", "amount": ""},
    {"ordered_at": "2026-01-05 10:00", "amount": "12kr", "currency": "kroner"},
    {"ordered_at": "2026-01-05 10:00", "amount": "3", "currency": " nok "},
    {"ordered_at": "2026-01-05 10:00", "amount": "3", "customer_id": " "},
    {"ordered_at": "   ", "amount": "\u00a0"},
    {"ordered_at": "2026-01-05 10:00", "amount": "4", "order_id": "o" * 129},
]
TICKETS = [
    {"created_at": "2026-01-05 10:00", "first_response_at": "2026-01-05 11:00"},
    {"created_at": "2026-01-05 10:00", "first_response_at": "2026-01-05 09:00"},
    {"created_at": "2026-01-05 10:00", "resolved_at": "05.01.2026 08:00"},
    {"created_at": "2026-01-05 10:00", "contacts": "2", "reopened": "ja"},
    {"created_at": "2026-01-05 10:00", "contacts": "0", "reopened": "kanskje"},
]


def _orders() -> list[dict[str, str]]:
    rows = []
    for number, case in enumerate(ORDERS):
        base = {"order_id": f"o{number}", "customer_id": f"c{number % 3}", "currency": ""}
        rows.append(base | case | {"note": f"n{number}"})
    rows.append(rows[0] | {"amount": "5"})  # the same id again: the last one wins
    return rows


def _tickets() -> list[dict[str, str]]:
    return [{"ticket_id": f"t{n}", "customer_id": "c1"} | case for n, case in enumerate(TICKETS)]


def _stored(session: Session, table: str) -> list[tuple[Any, ...]]:
    """Every row as the store keeps it (SQLite: with the storage class of each value)."""
    columns = [c for c in sa.inspect(session.get_bind()).get_columns(table)]
    names = [c["name"] for c in columns if c["name"] not in ("updated_at", "batch_id")]
    if session.get_bind().dialect.name == "sqlite":
        raw = ", ".join(f"{n}, typeof({n})" for n in names)
    else:
        raw = ", ".join(f"{n}::text" for n in names)
    return [tuple(r) for r in session.execute(sa.text(f"SELECT {raw} FROM {table} ORDER BY 1"))]


def _import_both_ways(
    session: Session, tmp_path: Path, kind: str, rows: list[dict[str, str]], monkeypatch: Any
) -> list[tuple[Any, ...]]:
    table = kind
    results = []
    for columnwise in (False, True):
        with monkeypatch.context() as patch:
            if not columnwise:
                patch.setattr(columnar.ChunkConverter, "convert", lambda self, raws, flags: None)
            path = write_rows(tmp_path / f"{columnwise}" / f"{kind}.csv", rows)
            report = run_import(session, kind, path)
        rejects = report.rejects_path.read_text("utf-8") if report.rejects_path else None
        counts = report.model_dump(exclude={"file", "rejects_path", "batch_id"})
        results.append((counts, rejects, _stored(session, table)))
        session.execute(sa.text(f"DELETE FROM {table}"))
        session.execute(sa.text("DELETE FROM customers"))
        session.commit()
    assert results[0] == results[1]
    return results[1][2]


@pytest.fixture(autouse=True)
def _folders(tmp_path: Path) -> None:
    (tmp_path / "False").mkdir()
    (tmp_path / "True").mkdir()


def test_orders_are_stored_alike_both_ways(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = _import_both_ways(session, tmp_path, "orders", _orders(), monkeypatch)
    assert len(stored) == 9
    if session.get_bind().dialect.name == "sqlite":
        first = stored[0]  # o0: 10:00 in Oslo is 09:00 UTC, in SQLAlchemy's text form
        assert first[:8] == (
            "o0",
            "text",
            "c0",
            "text",
            "2026-03-01 09:00:00.000000",
            "text",
            5,
            "integer",  # NUMERIC affinity keeps a whole REAL as an integer
        )
        gap = next(row for row in stored if row[0] == "o2")
        assert gap[4] == "2026-03-29 01:30:00.000000"


def test_tickets_are_stored_alike_both_ways(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = _import_both_ways(session, tmp_path, "tickets", _tickets(), monkeypatch)
    assert [row[0] for row in stored] == ["t0", "t3"]


def test_updated_at_keeps_the_stored_form(session: Session, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "orders.csv", _orders()[:2])
    run_import(session, "orders", path)
    if session.get_bind().dialect.name == "postgresql":
        kinds = session.execute(sa.text("SELECT DISTINCT pg_typeof(updated_at)::text FROM orders"))
        assert kinds.scalars().all() == ["timestamp without time zone"]
        return
    stamps = session.execute(sa.text("SELECT updated_at, typeof(updated_at) FROM orders")).all()
    for stamp, storage in stamps:  # SQLAlchemy's text form, which the ORM reads back
        assert storage == "text"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", stamp)


def test_clean_rows_skip_the_row_path(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any) -> Any:
        raise AssertionError("a clean row went through the row path")

    monkeypatch.setattr(validate.RowValidator, "check", refuse)
    path = write_rows(tmp_path / "orders.csv", _orders()[:2])
    report = run_import(session, "orders", path)
    assert (report.inserted, report.rejected) == (2, 0)
