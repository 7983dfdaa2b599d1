"""Each bad row is refused with its row, field and reason; the good rows still go in."""

import csv
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.facts.models import Complaint, Order
from tests.ingest.helpers import count, run_import, write_rows

BASE = {"customer_id": "c1", "ordered_at": "2026-03-01 10:00", "amount": "100"}
ORDER_CASES = [
    ({"order_id": "good1"}, None),
    ({"order_id": "refund", "amount": "-250,00"}, None),  # refunds are allowed
    ({"order_id": "bad-amount", "amount": "12kr"}, "row 3: field amount: not a number: '12kr'"),
    ({"order_id": "bad-date", "ordered_at": "i går"}, "row 4: field ordered_at: not a date"),
    (
        {"order_id": "future", "ordered_at": "2099-01-01"},
        "row 5: field ordered_at: 2098-12-31 23:00 UTC is in the future",
    ),
    (
        {"order_id": "old", "ordered_at": "1989-12-31 12:00"},
        "row 6: field ordered_at: 1989-12-31 is before 1990",
    ),
    (
        {"order_id": "no-customer", "customer_id": " "},
        "row 7: field customer_id: required but empty",
    ),
    (
        {"order_id": "", "amount": "x"},
        "row 8: field amount: not a number: 'x'; field order_id: required but empty",
    ),
    (
        {"order_id": "bad-currency", "currency": "kroner"},
        "row 9: field currency: not a 3-letter currency code",
    ),
    ({"order_id": "x" * 129}, "row 10: field order_id: longer than 128 characters"),
    ({"order_id": "good2"}, None),
]


def test_bad_orders_go_to_the_rejects_file_with_their_reason(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    rows = [{**BASE, "currency": "", "note": "n"} | case for case, _ in ORDER_CASES]
    path = write_rows(tmp_path / "orders.csv", rows)
    report = run_import(session, "orders", path)

    expected = [reason for _, reason in ORDER_CASES if reason]
    assert (report.inserted, report.rejected) == (3, len(expected))
    assert report.rejects_path == tmp_path / "orders.csv.rejects.csv"
    with report.rejects_path.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert list(rejected[0]) == [
        "customer_id",
        "ordered_at",
        "amount",
        "currency",
        "note",
        "order_id",
        "reason",
    ]
    for line, reason in zip(rejected, expected, strict=True):
        assert line["reason"].startswith(reason), (line["reason"], reason)
    assert rejected[0]["amount"] == "12kr"
    assert rejected[0]["note"] == "n"
    refund = session.get(Order, "refund")
    assert refund is not None
    assert str(refund.amount) == "-250.00"
    assert count(engine, "orders") == 3


def test_score_ranges_and_ticket_order_are_checked(session: Session, tmp_path: Path) -> None:
    responses = [
        {"response_id": "ok", "submitted_at": "2026-02-01", "nps": "10", "csat": "1", "ces": "7"},
        {"response_id": "nps", "submitted_at": "2026-02-01", "nps": "11"},
        {"response_id": "csat", "submitted_at": "2026-02-01", "csat": "0"},
        {"response_id": "ces", "submitted_at": "2026-02-01", "ces": "8"},
        {"response_id": "word", "submitted_at": "2026-02-01", "nps": "ti"},
        {"response_id": "half", "submitted_at": "2026-02-01", "nps": "7.5"},
    ]
    report = run_import(session, "responses", write_rows(tmp_path / "r.csv", responses))
    assert report.messages == [
        "row 2: field nps: 11 is out of range (0–10)",
        "row 3: field csat: 0 is out of range (1–5)",
        "row 4: field ces: 8 is out of range (1–7)",
        "row 5: field nps: not a number: 'ti'",
        "row 6: field nps: not a whole number: '7.5'",
    ]
    tickets = [
        {
            "ticket_id": "t1",
            "created_at": "2026-02-01 10:00",
            "first_response_at": "2026-02-01 09:00",
        },
        {
            "ticket_id": "t2",
            "created_at": "2026-02-01 10:00",
            "resolved_at": "2026-01-01",
            "contacts": "0",
            "reopened": "kanskje",
        },
    ]
    report = run_import(session, "tickets", write_rows(tmp_path / "t.csv", tickets))
    assert report.messages == [
        "row 1: field first_response_at: before created_at",
        "row 2: field contacts: 0 is out of range (at least 1); field reopened: not yes/no: "
        "'kanskje'; field resolved_at: before created_at",
    ]


def test_complaint_status_must_be_known(session: Session, tmp_path: Path) -> None:
    rows = [
        {"complaint_id": "k1", "created_at": "2026-01-05", "category": "pris", "status": "løst"},
        {"complaint_id": "k2", "created_at": "2026-01-05", "category": "pris", "status": "glemt"},
        {"complaint_id": "k3", "created_at": "2026-01-05", "category": "", "status": ""},
    ]
    report = run_import(session, "complaints", write_rows(tmp_path / "k.csv", rows))
    assert report.messages == [
        "row 2: field status: unknown status 'glemt' (use one of open, in_progress, resolved, "
        "rejected)",
        "row 3: field category: required but empty",
    ]
    complaint = session.get(Complaint, "k1")
    assert complaint is not None
    assert complaint.status == "resolved"


def test_a_clean_reimport_removes_the_old_rejects_file(session: Session, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "o.csv", [{**BASE, "order_id": "o1", "amount": "?"}])
    assert run_import(session, "orders", path).rejects_path is not None
    write_rows(path, [{**BASE, "order_id": "o1"}])
    assert run_import(session, "orders", path).rejects_path is None
    assert not (tmp_path / "o.csv.rejects.csv").exists()


def test_a_row_with_more_values_than_the_header_is_rejected_whole(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "o.csv"
    path.write_text(
        "order_id,customer_id,ordered_at,amount\n"
        "o1,c1,2026-01-01,10\n"
        "o2,c1,2026-01-01,10,50,extra\n",
        encoding="utf-8",
    )
    report = run_import(session, "orders", path)
    assert report.inserted == 1
    assert report.messages == ["row 2: has 6 values but the header has 4 columns"]
    assert report.rejects_path is not None
    line = report.rejects_path.read_text(encoding="utf-8-sig").splitlines()[1]
    assert line.startswith("o2,c1,2026-01-01,10,")
    assert "other values" in line
    assert "extra" in line
