"""Upsert by id: re-imports change nothing, duplicates resolve to the last row, dry runs
write nothing, and customers arrive in any order."""

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.facts.models import Customer, ImportBatch, Order
from kundepuls.ingest import service
from kundepuls.kit.errors import KundepulsError
from tests.ingest.helpers import count, run_import, write_rows


def _orders(amounts: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"order_id": o, "customer_id": "c1", "ordered_at": "2026-05-01 10:00", "amount": a}
        for o, a in amounts.items()
    ]


def test_reimporting_the_same_file_changes_nothing(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "o.csv", _orders({"o1": "10", "o2": "20", "o3": "30"}))
    first = run_import(session, "orders", path)
    again = run_import(session, "orders", path)

    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert count(engine, "orders") == 3
    order = session.get(Order, "o1")
    assert order is not None
    assert order.batch_id == first.batch_id
    batch = session.get(ImportBatch, again.batch_id)
    assert batch is not None
    assert (batch.status, batch.inserted, batch.updated) == ("done", 0, 0)
    assert batch.started_by
    assert batch.finished_at is not None


def test_only_changed_rows_count_as_updated(session: Session, tmp_path: Path) -> None:
    run_import(session, "orders", write_rows(tmp_path / "a.csv", _orders({"o1": "10", "o2": "20"})))
    report = run_import(
        session,
        "orders",
        write_rows(tmp_path / "b.csv", _orders({"o1": "10", "o2": "25", "o3": "1"})),
    )
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 1)
    session.expire_all()
    order = session.get(Order, "o2")
    assert order is not None
    assert order.amount == Decimal("25.00")


def test_duplicate_ids_in_one_file_last_row_wins(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "CHUNK", 2)  # the duplicates land in different chunks too
    rows = _orders({"o1": "10", "o2": "20"}) + _orders({"o3": "30", "o1": "11"})
    rows += _orders({"o2": "22"})
    report = run_import(session, "orders", write_rows(tmp_path / "o.csv", rows))

    assert (report.rows, report.inserted, report.duplicates) == (5, 3, 2)
    assert (session.get(Order, "o1").amount, session.get(Order, "o2").amount) == (  # type: ignore[union-attr]
        Decimal("11.00"),
        Decimal("22.00"),
    )


def test_an_order_before_its_customer_creates_a_bare_customer_filled_later(
    session: Session, tmp_path: Path
) -> None:
    report = run_import(session, "orders", write_rows(tmp_path / "o.jsonl", _orders({"o1": "5"})))
    assert report.customers_created == 1
    customers = [{"customer_id": "c1", "email": "a@example.no", "region": "Agder"}]
    filled = run_import(session, "customers", write_rows(tmp_path / "c.csv", customers))
    assert (filled.inserted, filled.updated) == (0, 1)
    # A later file without an email column leaves the stored email alone.
    later = [{"customer_id": "c1", "segment": "bedrift"}]
    run_import(session, "customers", write_rows(tmp_path / "c2.csv", later))
    session.expire_all()
    customer = session.get(Customer, "c1")
    assert customer is not None
    assert (customer.email, customer.region, customer.segment) == (
        "a@example.no",
        "Agder",
        "bedrift",
    )


def test_extra_columns_are_kept_as_attributes(session: Session, tmp_path: Path) -> None:
    rows = [
        {
            "response_id": "r1",
            "submitted_at": "2026-04-01",
            "nps": 3,
            "Butikk": "Oslo",
            "antall_besøk": 4,
            "medlem": True,
            "tom": "",
        }
    ]
    run_import(session, "responses", write_rows(tmp_path / "r.json", rows))
    run_import(
        session, "responses", write_rows(tmp_path / "r.csv", [{**rows[0], "response_id": "r2"}])
    )
    from kundepuls.facts.models import Response

    assert session.get(Response, "r1").attributes == {  # type: ignore[union-attr]
        "Butikk": "Oslo",
        "antall_besøk": 4,
        "medlem": True,
    }
    assert session.get(Response, "r2").attributes == {  # type: ignore[union-attr]
        "Butikk": "Oslo",
        "antall_besøk": "4",
        "medlem": "True",
    }


def test_a_dry_run_counts_but_writes_nothing(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    rows = _orders({"o1": "10", "o2": "x"})
    path = write_rows(tmp_path / "o.csv", rows)
    report = run_import(session, "orders", path, dry_run=True)

    assert (report.inserted, report.rejected, report.customers_created) == (1, 1, 1)
    assert report.rejects_path is None
    assert not list(tmp_path.glob("*.rejects.csv*"))
    for table in ("orders", "customers", "import_batches"):
        assert count(engine, table) == 0


def test_a_file_broken_half_way_imports_nothing(
    session: Session, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "CHUNK", 1)
    path = tmp_path / "o.json"
    good = '{"order_id": "o1", "customer_id": "c1", "ordered_at": "2026-01-01", "amount": 1}'
    path.write_text(f'[{good}, {good.replace("o1", "o2")}, {{"order_id": ', encoding="utf-8")
    with pytest.raises(KundepulsError, match="not valid JSON"):
        service.import_file(session, "orders", path)
    session.rollback()
    assert count(engine, "orders") == 0
    assert count(engine, "import_batches") == 0


def test_ids_stored_before_and_repeated_in_the_file_count_once(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_import(session, "orders", write_rows(tmp_path / "a.csv", _orders({"o1": "10", "o2": "20"})))
    monkeypatch.setattr(service, "CHUNK", 1)  # every repeat lands in a later chunk
    rows = _orders({"o1": "10", "o2": "25", "o3": "30"}) + _orders({"o1": "10"})
    rows += _orders({"o2": "25"}) + _orders({"o3": "31"})
    report = run_import(session, "orders", write_rows(tmp_path / "b.csv", rows))

    counts = (report.rows, report.inserted, report.updated, report.unchanged, report.duplicates)
    assert counts == (6, 1, 1, 1, 3)
    session.expire_all()
    amounts = [session.get(Order, i).amount for i in ("o1", "o2", "o3")]  # type: ignore[union-attr]
    assert amounts == [Decimal("10.00"), Decimal("25.00"), Decimal("31.00")]
