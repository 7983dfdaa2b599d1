"""CSV as Norwegian Excel writes it: semicolons, Windows-1252 or BOMs, decimal commas."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kundepuls.facts.models import Customer, Order
from kundepuls.ingest.readers import sniff_delimiter
from kundepuls.ingest.validate import _decimal
from tests.ingest.helpers import run_import

EXPORT = (
    "Ordrenr;Kundenr;Dato;Beløp;Valuta;Kanal;Butikk\r\n"
    "1001;K-1;15.01.2026 10:30;1 234,50;NOK;nett;Tromsø\r\n"
    "1002;K-2;16.01.2026;2.500,00;;butikk;Ålesund\r\n"
    "1003;K-1;2026-01-17 12:00;1\u00a0099,90;nok;nett;Bærum\r\n"
)


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1252", ";"), ("utf-8-sig", ";"), ("utf-8", ";"), ("utf-16", "\t"), ("utf-8", ",")],
)
def test_a_norwegian_excel_export_imports_cleanly(
    session: Session, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    text = EXPORT.replace(";", delimiter)
    if delimiter == ",":  # a comma file quotes its decimal commas
        text = text.replace("1 234,50", '"1 234,50"').replace("2.500,00", '"2.500,00"')
        text = text.replace("1\u00a0099,90", '"1\u00a0099,90"')
    path = tmp_path / "ordre.csv"
    path.write_bytes(text.encode(encoding))

    report = run_import(session, "orders", path)

    assert (report.inserted, report.rejected) == (3, 0), report.messages
    amounts = {o: session.get(Order, o).amount for o in ("1001", "1002", "1003")}  # type: ignore[union-attr]
    assert amounts == {
        "1001": Decimal("1234.50"),
        "1002": Decimal("2500.00"),
        "1003": Decimal("1099.90"),
    }
    order = session.get(Order, "1001")
    assert order is not None
    assert order.ordered_at == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert order.customer_id == "K-1"
    assert order.attributes == {"Butikk": "Tromsø"}
    assert session.get(Order, "1003").currency == "NOK"  # type: ignore[union-attr]


def test_norwegian_and_english_header_names_are_recognised(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "kunder.csv"
    path.write_text(
        " Kunde-ID ;E-post;Navn;FYLKE;Kundesegment;Registrert;Kjønn;Kundeklubb\n"
        "42;ola@example.no;Ola Nordmann;Vestland;privat;01.02.2024;M;ja\n",
        encoding="utf-8",
    )
    report = run_import(session, "customers", path)
    assert report.inserted == 1
    customer = session.get(Customer, "42")
    assert customer is not None
    assert (customer.email, customer.name, customer.region, customer.segment, customer.gender) == (
        "ola@example.no",
        "Ola Nordmann",
        "Vestland",
        "privat",
        "M",
    )
    assert customer.signup_at == datetime(2024, 1, 31, 23, 0, tzinfo=UTC)
    assert customer.attributes == {"Kundeklubb": "ja"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ("a", ","), ("a;b,c", ",")],
)
def test_the_delimiter_is_sniffed_from_the_header(line: str, expected: str) -> None:
    assert sniff_delimiter(line) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", "1234.5"),
        ("1 234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("-99,00", "-99.00"),
        ("1\u202f000", "1000"),
        ("0,5", "0.5"),
    ],
)
def test_amounts_in_every_common_notation(text: str, expected: str) -> None:
    assert _decimal(text) == Decimal(expected)
