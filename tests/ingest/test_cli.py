"""``kundepuls import`` as a user runs it: messages, exit codes, and what is left behind."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.facts.models import ImportBatch
from kundepuls.ingest.service import import_file
from kundepuls.kit.errors import KundepulsError
from tests.conftest import CliRun
from tests.ingest.helpers import count, write_csv, write_rows
from tests.support import run_cli

HEADER = ["order_id", "customer_id", "ordered_at", "amount"]


def _files(tmp: Path) -> None:
    (tmp / "empty.csv").write_bytes(b"")
    write_csv(tmp / "header.csv", HEADER, [])
    (tmp / "orders.txt").write_text("order_id\n1\n")
    (tmp / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp / "broken.json").write_text('[{"order_id": "1", ')
    (tmp / "object.json").write_text('{"order_id": "1"}')
    (tmp / "binary.csv").write_bytes(b"order_id;amount\n\x81\x8d\x8f;\x90\x9d\n")
    write_csv(tmp / "wrong.csv", ["navn", "adresse"], [["Kari", "Storgata 1"]])


FATAL = {
    "unknown kind": (["orders2", "header.csv"], "unknown kind 'orders2': use one of"),
    "missing file": (["orders", "nope.csv"], "nope.csv: no such file"),
    "empty file": (["orders", "empty.csv"], "empty.csv: the file is empty"),
    "unreadable": (["orders", "binary.csv"], "neither UTF-8 nor Windows-1252"),
    "no columns": (
        ["orders", "wrong.csv"],
        "orders: missing required column(s) order_id, customer_id, ordered_at, amount "
        "(found columns: 'navn', 'adresse')",
    ),
}
MORE_FATAL = {  # the same path through the CLI; checked in-process to keep the suite quick
    "header only": (["orders", "header.csv"], "header.csv: the file has no data rows"),
    "unknown type": (["orders", "orders.txt"], "unknown file type '.txt'"),
    "not excel": (["orders", "broken.xlsx"], "cannot read it as an Excel workbook"),
    "broken json": (["orders", "broken.json"], "broken.json: not valid JSON after row 0"),
    "json object": (["orders", "object.json"], "expected a JSON array of objects"),
}


@pytest.mark.parametrize("case", FATAL)
def test_fatal_problems_are_one_line_and_exit_1(
    tmp_path: Path, case: str, kundepuls_cli: Callable[..., CliRun]
) -> None:
    _files(tmp_path)
    args, message = FATAL[case]
    result = kundepuls_cli(
        "import",
        *args,
        cwd=tmp_path,
        env={"KUNDEPULS_DATABASE_URL": f"sqlite:///{tmp_path / 'kp.db'}"},
    )
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert message in result.stderr
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", MORE_FATAL)
def test_more_fatal_problems_write_nothing(session: Session, tmp_path: Path, case: str) -> None:
    _files(tmp_path)
    (kind, name), message = MORE_FATAL[case]
    with pytest.raises(KundepulsError, match=re.escape(message)) as caught:
        import_file(session, kind, tmp_path / name)
    assert caught.value.exit_code == 1
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(ImportBatch)) == 0
    assert not list(tmp_path.glob("*.rejects.csv*"))


def test_a_wrong_kind_or_file_does_not_create_a_store(
    tmp_path: Path, kundepuls_cli: Callable[..., CliRun]
) -> None:
    result = kundepuls_cli(
        "import", "order", "x.csv", cwd=tmp_path, env={"KUNDEPULS_DATABASE_URL": "sqlite:///kp.db"}
    )
    assert result.returncode == 1
    assert not (tmp_path / "kp.db").exists()


def test_rejected_rows_exit_2_and_keep_the_good_rows(
    database_url: str, engine: Engine, tmp_path: Path, kundepuls_cli: Callable[..., CliRun]
) -> None:
    rows = [
        ["o1", "c1", "2026-01-10 10:00", "100"],
        ["o2", "c1", "2026-01-11", "-40,50"],  # a refund
        ["o3", "c2", "ikke en dato", "10"],
        ["o4", "c2", "2099-01-01", "10"],
        ["o5", "c2", "1985-01-01", "10"],
        ["o6", "", "2026-01-10", "abc"],
        ["o1", "c1", "2026-01-10 10:00", "120"],  # the same id again: this one wins
    ]
    path = write_csv(tmp_path / "ordre.csv", HEADER, rows, delimiter=";")
    result = kundepuls_cli("import", "orders", str(path))

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("row 3: field ordered_at: not a date or time: 'ikke en dato'")
    assert lines[1] == "row 4: field ordered_at: 2098-12-31 23:00 UTC is in the future"
    assert lines[2] == "row 5: field ordered_at: 1984-12-31 is before 1990"
    assert lines[3] == (
        "row 6: field amount: not a number: 'abc'; field customer_id: required but empty"
    )
    out = result.stdout
    for label, number in [("inserted", 2), ("updated", 0), ("rejected", 4), ("duplicates", 1)]:
        assert f"{label} {number:>12}".replace(" ", "") in out.replace(" ", ""), out
    assert "ordre.csv.rejects.csv" in out
    assert count(engine, "orders") == 2
    rejects = (tmp_path / "ordre.csv.rejects.csv").read_text(encoding="utf-8-sig")
    assert rejects.splitlines()[0] == "order_id;customer_id;ordered_at;amount;reason"
    assert rejects.splitlines()[1].startswith("o3;c2;ikke en dato;10;row 3: field ordered_at")


def test_clean_import_exits_0_and_reimport_changes_nothing(
    database_url: str, engine: Engine, tmp_path: Path, kundepuls_cli: Callable[..., CliRun]
) -> None:
    rows = [{"customer_id": f"c{i}", "Fylke": "Rogaland", "medlem": "ja"} for i in range(5)]
    path = write_rows(tmp_path / "kunder.xlsx", rows)
    first = kundepuls_cli("import", "customers", str(path))
    again = kundepuls_cli("import", "customers", str(path))
    assert (first.returncode, again.returncode) == (0, 0), first.stderr + again.stderr
    assert "inserted            5" in first.stdout
    assert "inserted            0" in again.stdout
    assert "updated             0" in again.stdout
    assert "unchanged           5" in again.stdout
    assert first.stderr == again.stderr == ""  # no progress noise when not on a terminal
    assert count(engine, "customers") == 5


def test_the_help_documents_refunds_and_exit_codes() -> None:
    result = run_cli("import", "--help")
    assert result.returncode == 0
    assert "negative" in result.stdout
    assert "refund" in result.stdout
    assert "2: some rows rejected" in result.stdout
