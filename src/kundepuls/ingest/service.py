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
    writer = _Writer(session, spec, _written_columns(spec, columns), batch.id)
    with RejectsWriter(report.file, source.columns, source.delimiter, not report.dry_run) as bad:
        for chunk in _chunks(source.rows, CHUNK):
            writer.write(_validate(chunk, validator, bad, report), report)
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


class _Writer:
    """Upserts the good rows of one import chunk by chunk, and counts what happened."""

    def __init__(
        self, session: Session, spec: KindSpec, written: tuple[list[str], list[str]], batch_id: int
    ):
        self.session = session
        self.spec = spec
        self.upsert = repository.upserter(session, spec.kind, *written)
        self.customers = repository.bare_customers(session) if spec.kind != "customers" else None
        self.known_customers = repository.existing_query(session, "customers")
        self.seen = repository.begin_seen(session)
        self.seen_query = repository.seen_query(session)
        self.existing_query = repository.existing_query(session, spec.kind)
        self.stamp = {"batch_id": batch_id, "updated_at": datetime.now(UTC)}

    def write(self, good: list[dict[str, Any]], report: ImportReport) -> None:
        """The last row of an id wins, and every row is counted once."""
        by_id = {values[self.spec.id_field]: values for values in good}
        report.duplicates += len(good) - len(by_id)
        if not by_id:
            return
        ids = list(by_id)
        again = repository.select_among(self.session, self.seen_query, ids)
        self.seen.run(self.session, ({"id": i} for i in ids if i not in again), {})
        existing = repository.select_among(self.session, self.existing_query, ids)
        if self.customers is not None:
            # An order must not be lost because the customer export comes later: its
            # customer is created bare here, and a later customer import fills it in.
            wanted = {v["customer_id"] for v in by_id.values() if v.get("customer_id")}
            # Asking first is cheaper than an insert per customer that is mostly a no-op.
            wanted -= repository.select_among(self.session, self.known_customers, list(wanted))
            rows = ({"customer_id": c} for c in wanted)
            stamp = {**self.stamp, "attributes": {}}
            report.customers_created += self.customers.run(self.session, rows, stamp)
        fresh = (v for i, v in by_id.items() if i not in again)
        changed = self.upsert.run(self.session, fresh, self.stamp)
        # A row seen earlier in this file replaces what that earlier row wrote.
        self.upsert.run(self.session, (by_id[i] for i in again), self.stamp)
        inserted = len(ids) - len(existing)
        report.inserted += inserted
        report.updated += changed - inserted
        report.unchanged += len(existing) - len(again) - (changed - inserted)
        report.duplicates += len(again)


def _written_columns(spec: KindSpec, columns: ColumnMap) -> tuple[list[str], list[str]]:
    """The columns an insert sets, and those an update overwrites (the file's own)."""
    present = set(columns.fields.values())
    names = [f.name for f in spec.fields if f.name in present or f.default is not None]
    return [*names, "attributes"], [*names, "attributes"] if columns.extras else names


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return "unknown"
