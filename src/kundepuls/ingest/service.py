"""The import use case: a file in, its good rows upserted, its bad rows in a rejects file.

The caller owns the transaction (the CLI commits once at the end), so an import is all or
nothing: a crash or a fatal error in the middle leaves no half-imported batch behind.
"""

import getpass
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kundepuls.config import get_settings
from kundepuls.ingest import repository
from kundepuls.ingest.columnar import ChunkConverter
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
    checker = _Checker(spec, columns, validator, writer)
    with RejectsWriter(report.file, source.columns, source.delimiter, not report.dry_run) as bad:
        for chunk in _chunks(source.rows, CHUNK):
            writer.write(checker.check(chunk, bad, report), report)
            if progress is not None:
                progress(report.rows, source.fraction())
        report.rejected = bad.count
        report.rejects_path = bad.keep()
    repository.end_seen(session)
    repository.finish_batch(session, batch, report.model_dump())


class _Checker:
    """Validates a chunk: column-wise where it can, row by row for the rest."""

    def __init__(
        self, spec: KindSpec, columns: ColumnMap, validator: RowValidator, writer: "_Writer"
    ):
        upsert = writer.upsert
        self.validator = validator
        self.fixed = upsert.stored(writer.stamp)
        self.params = upsert.params
        self.columnar = ChunkConverter(
            spec, columns, validator, upsert.names, self.fixed, upsert.sqlite
        )

    def check(
        self, chunk: list[Row], bad: RejectsWriter, report: ImportReport
    ) -> list[tuple[Any, ...]]:
        """The parameters of the chunk's good rows, in file order; bad ones are rejected."""
        report.rows += len(chunk)
        flags = {i for i, (_, _, problem) in enumerate(chunk) if problem is not None}
        converted = self.columnar.convert([raw for _, raw, _ in chunk], flags)
        if converted is not None and not flags:
            return converted  # no row was flagged
        good = []
        rows = converted or repeat(None)
        for i, ((number, raw, problem), params) in enumerate(zip(chunk, rows, strict=False)):
            if params is None or i in flags:
                values, problems = self.validator.check(raw) if problem is None else ({}, [problem])
                if problems:
                    _reject(number, raw, "; ".join(problems), bad, report)
                    continue
                params = self.params(values, self.fixed)
            good.append(params)
        return good


def _reject(
    number: int, raw: dict[str, Any], problems: str, bad: RejectsWriter, report: ImportReport
) -> None:
    reason = f"row {number}: {problems}"
    bad.add(number, raw, reason)
    if len(report.messages) < SHOWN_REASONS:
        report.messages.append(reason)


class _Writer:
    """Upserts the good rows of one import chunk by chunk, and counts what happened."""

    def __init__(
        self, session: Session, spec: KindSpec, written: tuple[list[str], list[str]], batch_id: int
    ):
        self.session = session
        self.upsert = repository.upserter(session, spec.kind, *written)
        self.insert = repository.inserter(session, spec.kind, written[0])
        assert self.insert is None or self.insert.names == self.upsert.names
        self.key = self.upsert.names.index(spec.id_field)
        linked = spec.kind != "customers" and "customer_id" in self.upsert.names
        self.customers = repository.bare_customers(session) if linked else None
        self.customer = self.upsert.names.index("customer_id") if linked else -1
        self.known_customers = repository.existing_query(session, "customers")
        self.seen = repository.begin_seen(session)
        self.seen_query = repository.seen_query(session)
        self.written_query = repository.written_query(session, spec.kind)
        self.batch_id = batch_id
        self.stamp = {"batch_id": batch_id, "updated_at": datetime.now(UTC)}

    def write(self, good: list[tuple[Any, ...]], report: ImportReport) -> None:
        """The last row of an id wins, and every row is counted once."""
        by_id = dict(zip(map(itemgetter(self.key), good), good, strict=True))
        report.duplicates += len(good) - len(by_id)
        if not by_id:
            return
        ids = list(by_id)
        stored = repository.batches_among(self.session, self.written_query, ids)
        existing = set(stored)
        # A row this import inserted or changed carries its batch id; only rows that
        # were stored before it (and may stay unchanged) are remembered in ``seen``.
        again = {i for i, batch in stored.items() if batch == self.batch_id}
        before = [i for i in existing if i not in again]
        again |= repository.select_among(self.session, self.seen_query, before)
        self.seen.execute(self.session, [(i,) for i in before if i not in again])
        if self.customers is not None:
            report.customers_created += self._bare_customers(by_id.values())
        fresh = (
            [row for i, row in by_id.items() if i not in again] if again else list(by_id.values())
        )
        changed = self._fresh(fresh, existing)
        # A row seen earlier in this file replaces what that earlier row wrote.
        self.upsert.execute(self.session, [by_id[i] for i in again])
        inserted = len(ids) - len(existing)
        report.inserted += inserted
        report.updated += changed - inserted
        report.unchanged += len(existing) - len(again) - (changed - inserted)
        report.duplicates += len(again)

    def _fresh(self, rows: list[tuple[Any, ...]], existing: set[str]) -> int:
        """Writes rows not seen before in this file; the number inserted or changed."""
        if self.insert is None:
            return self.upsert.execute(self.session, rows)
        if not existing:
            return self.insert.execute(self.session, rows)
        new = [row for row in rows if row[self.key] not in existing]
        old = [row for row in rows if row[self.key] in existing]
        return self.insert.execute(self.session, new) + self.upsert.execute(self.session, old)

    def _bare_customers(self, rows: Iterable[tuple[Any, ...]]) -> int:
        # An order must not be lost because the customer export comes later: its
        # customer is created bare here, and a later customer import fills it in.
        assert self.customers is not None
        wanted = set(map(itemgetter(self.customer), rows)) - {None, ""}
        # Asking first is cheaper than an insert per customer that is mostly a no-op.
        wanted -= repository.select_among(self.session, self.known_customers, list(wanted))
        stamp = {**self.stamp, "attributes": {}}
        return self.customers.run(self.session, ({"customer_id": c} for c in wanted), stamp)


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
