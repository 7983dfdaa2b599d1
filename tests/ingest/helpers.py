"""Small factories for import tests: files in every format, and counting rows."""

import csv
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.ingest.schemas import ImportReport
from kundepuls.ingest.service import import_file


def write_csv(
    path: Path, header: list[str], rows: list[list[Any]], delimiter: str = ",", encoding="utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    """``rows`` in the format ``path``'s ending names."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    if path.suffix == ".csv":
        return write_csv(path, columns, [[r.get(c, "") for c in columns] for r in rows])
    if path.suffix == ".json":
        path.write_text(json.dumps(rows, default=str, indent=1), encoding="utf-8")
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, default=str) + "\n" for r in rows), "utf-8")
    elif path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
        book.save(path)
    elif path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def run_import(session: Session, kind: str, path: Path, **options: Any) -> ImportReport:
    """Import as the CLI does: one transaction, committed at the end."""
    report = import_file(session, kind, path, **options)
    session.commit()
    return report


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
