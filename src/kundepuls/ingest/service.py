"""The import use case: a file in, its good rows upserted, its bad rows in a rejects file.

The caller owns the transaction (the CLI commits once at the end), so an import is all or
nothing: a crash or a fatal error in the middle leaves no half-imported batch behind.
"""

import getpass
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kundepuls.config import get_settings
from kundepuls.ingest import repository
from kundepuls.ingest.columns import ColumnMap, KindSpec, match_columns, spec_for
from kundepuls.ingest.readers import Row, Source, fatal, open_source
from kundepuls.ingest.rejects import RejectsWriter
from kundepuls.ingest.schemas import ImportReport
from kundepuls.ingest.validate import RowValidator

Progress = Callable[[int, float], None]
CHUNK = 5000
SHOWN_REASONS = 20


def import_file(
    session: Session,
    kind: str,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the file at ``path`` as rows of ``kind``; flushes, never commits.

    With ``dry_run`` every row is validated and written inside a savepoint that is then
    rolled back, so the counts are exact and nothing stays in the store; no rejects file
    is written either. ``progress(rows, fraction)`` is called after every chunk.
    Raises ``KundepulsError`` (exit code 1) for a fatal problem with the file.
    """
    spec = spec_for(kind)
    path = Path(path)
    report = ImportReport(kind=kind, file=path, dry_run=dry_run)
    with open_source(path) as source:
        columns = match_columns(spec, source.columns)
        savepoint = session.begin_nested() if dry_run else None
        try:
            _import(session, spec, source, columns, report, progress)
        finally:
            if savepoint is not None:
                savepoint.rollback()
    if report.rows == 0:
        raise fatal(path, "the file has no data rows")
    return report


def _import(
    session: Session,
    spec: KindSpec,
    source: Source,
    columns: ColumnMap,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    validator = RowValidator(spec, columns, get_settings().tz, datetime.now(UTC))
    batch = repository.start_batch(session, spec.kind, str(report.file.resolve()), _user())
    report.batch_id = None if report.dry_run else batch.id
    written = _written_columns(spec, columns)
    repository.begin_seen(session)
    with RejectsWriter(report.file, source.columns, source.delimiter, not report.dry_run) as bad:
        for chunk in _chunks(source.rows, CHUNK):
            good = _validate(chunk, validator, bad, report)
            _write(session, spec, good, written, batch.id, report)
            if progress is not None:
                progress(report.rows, source.fraction())
        report.rejected = bad.count
        report.rejects_path = bad.keep()
    repository.end_seen(session)
    repository.finish_batch(session, batch, report.model_dump())


def _validate(
    chunk: list[Row], validator: RowValidator, bad: RejectsWriter, report: ImportReport
) -> list[dict[str, Any]]:
    good = []
    for number, raw, problem in chunk:
        report.rows += 1
        values, problems = validator.check(raw) if problem is None else ({}, [problem])
        if problems:
            reason = f"row {number}: " + "; ".join(problems)
            bad.add(number, raw, reason)
            if len(report.messages) < SHOWN_REASONS:
                report.messages.append(reason)
            continue
        good.append(values)
    return good


def _write(
    session: Session,
    spec: KindSpec,
    good: list[dict[str, Any]],
    written: list[str],
    batch_id: int,
    report: ImportReport,
) -> None:
    """Upsert one chunk; the last row of an id wins, and every row is counted once."""
    by_id = {values[spec.id_field]: values for values in good}
    report.duplicates += len(good) - len(by_id)
    if not by_id:
        return
    ids = list(by_id)
    again = repository.seen_before(session, ids)
    existing = repository.existing_ids(session, spec.kind, ids)
    if spec.kind != "customers":
        # An order must not be lost because the customer export comes later: its customer
        # is created bare here, and a later customer import fills that row in.
        customers = {v["customer_id"] for v in by_id.values() if v.get("customer_id")}
        report.customers_created += repository.ensure_customers(session, customers, batch_id)
    now = datetime.now(UTC)
    rows = [
        {**{c: v.get(c) for c in written}, "batch_id": batch_id, "updated_at": now}
        for v in by_id.values()
    ]
    changed = repository.upsert(session, spec.kind, rows, written)
    report.inserted += len(ids) - len(existing)
    report.updated += len((changed & existing) - again)
    report.unchanged += len(existing - changed - again)
    report.duplicates += len(again)


def _written_columns(spec: KindSpec, columns: ColumnMap) -> list[str]:
    """The columns this file sets: its fields, those with defaults, and its extras."""
    present = set(columns.fields.values())
    names = [f.name for f in spec.fields if f.name in present or f.default is not None]
    return [*names, "attributes"] if columns.extras else names


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return "unknown"
