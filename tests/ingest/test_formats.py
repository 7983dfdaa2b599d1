"""Every file format and every kind of the data contract lands in the store the same way."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.facts.models import Complaint, Customer, Order, Response, Ticket
from tests.ingest.helpers import count, run_import, write_rows

TEXT_ROWS = [
    {
        "order_id": "o1",
        "customer_id": "c1",
        "ordered_at": "2026-01-15T10:30:00",
        "amount": "199.50",
        "channel": "nett",
        "butikk": "Oslo",
    },
    {
        "order_id": "o2",
        "customer_id": "c2",
        "ordered_at": "2026-07-01 12:00:00+00:00",
        "amount": "-50",
        "currency": "sek",
        "channel": "butikk",
        "butikk": "Bergen",
    },
]
# Spreadsheets and Parquet carry real types: naive datetimes, numbers, integer ids.
TYPED_ROWS = [
    {
        "order_id": "o1",
        "customer_id": "c1",
        "ordered_at": datetime(2026, 1, 15, 10, 30),
        "amount": 199.5,
        "currency": None,
        "channel": "nett",
        "butikk": "Oslo",
    },
    {
        "order_id": "o2",
        "customer_id": "c2",
        "ordered_at": datetime(2026, 7, 1, 14, 0),
        "amount": -50.0,
        "currency": "SEK",
        "channel": "butikk",
        "butikk": "Bergen",
    },
]


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl", ".xlsx", ".parquet"])
def test_every_format_imports_the_same_orders(
    session: Session, engine: Engine, tmp_path: Path, suffix: str
) -> None:
    rows = TYPED_ROWS if suffix in (".xlsx", ".parquet") else TEXT_ROWS
    report = run_import(session, "orders", write_rows(tmp_path / f"orders{suffix}", rows))

    assert (report.rows, report.inserted, report.rejected) == (2, 2, 0)
    assert report.customers_created == 2
    first, second = session.get(Order, "o1"), session.get(Order, "o2")
    assert first is not None
    assert second is not None
    assert first.ordered_at == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)  # Oslo winter: +1
    assert first.amount == Decimal("199.50")
    assert first.currency == "NOK"
    assert first.attributes == {"butikk": "Oslo"}
    assert second.ordered_at == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert (second.amount, second.currency) == (Decimal("-50.00"), "SEK")
    assert count(engine, "customers") == 2


def test_every_kind_imports_from_csv(session: Session, tmp_path: Path) -> None:
    run_import(
        session,
        "customers",
        write_rows(
            tmp_path / "c.csv",
            [
                {
                    "customer_id": "c1",
                    "email": "kari@example.no",
                    "name": "Kari",
                    "region": "Viken",
                    "segment": "privat",
                    "signup_at": "2025-05-01",
                }
            ],
        ),
    )
    run_import(
        session,
        "tickets",
        write_rows(
            tmp_path / "t.csv",
            [
                {
                    "ticket_id": "t1",
                    "customer_id": "c1",
                    "created_at": "2026-02-02 09:00",
                    "first_response_at": "2026-02-02 11:00",
                    "resolved_at": "2026-02-03 09:00",
                    "contacts": "2",
                    "reopened": "nei",
                    "team": "Kundeservice",
                }
            ],
        ),
    )
    run_import(
        session,
        "complaints",
        write_rows(
            tmp_path / "k.csv",
            [
                {
                    "complaint_id": "k1",
                    "customer_id": "c1",
                    "created_at": "2026-02-04",
                    "category": "levering",
                    "status": "under behandling",
                }
            ],
        ),
    )
    run_import(
        session,
        "responses",
        write_rows(
            tmp_path / "r.csv",
            [
                {
                    "response_id": "r1",
                    "customer_id": "c1",
                    "submitted_at": "2026-02-05 10:00",
                    "nps": "9",
                    "csat": "5",
                    "ces": "6",
                    "comment": "Rask levering, takk!",
                }
            ],
        ),
    )

    customer = session.get(Customer, "c1")
    ticket, complaint, response = (
        session.get(Ticket, "t1"),
        session.get(Complaint, "k1"),
        session.get(Response, "r1"),
    )
    assert customer is not None
    assert customer.email == "kari@example.no"
    assert customer.signup_at == datetime(2025, 4, 30, 22, 0, tzinfo=UTC)
    assert ticket is not None
    assert (ticket.contacts, ticket.reopened) == (2, False)
    assert complaint is not None
    assert complaint.status == "in_progress"
    assert response is not None
    assert (response.nps, response.csat, response.ces) == (9, 5, 6)
    assert response.comment == "Rask levering, takk!"
