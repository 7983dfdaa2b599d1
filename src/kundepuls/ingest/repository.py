"""Every query of the import: batches, bare customers, and upserts by id in chunks.

The bulk statements are built with SQLAlchemy Core (``insert ... on_conflict_do_update``
for SQLite and PostgreSQL), compiled once per import and run with the driver's
``executemany`` on tuples of stored values: SQLAlchemy's per-value type processing would
cost more than the insert itself, so the values come already converted (``columnar``),
or ``_Bulk.params`` converts the few types that need it (times, money, JSON).
"""

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from kundepuls.db import UTCDateTime
from kundepuls.facts.models import FACT_MODELS, ImportBatch

# Ids of the rows written so far by the running import, to tell a duplicate inside the
# file from a row that was in the store before. A temporary table keeps memory flat
# however long the file is; it lives only inside the import's transaction.
_seen = sa.Table(
    "kp_import_seen",
    sa.MetaData(),
    sa.Column("id", sa.String(128), primary_key=True),
    prefixes=["TEMPORARY"],
    sqlite_with_rowid=False,  # one B-tree, not a table and an index of the same ids
)


def table_of(kind: str) -> sa.Table:
    table = FACT_MODELS[kind].__table__
    assert isinstance(table, sa.Table)
    return table


def _key(table: sa.Table) -> sa.Column[Any]:
    return table.primary_key.columns.values()[0]


def _insert(dialect: Dialect, table: sa.Table) -> Any:
    """The dialect's INSERT, which knows ``ON CONFLICT``."""
    if dialect.name == "postgresql":
        return postgresql.insert(table)
    if dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"import into {dialect.name} is not supported yet")


def _sqlite_time(value: datetime) -> str:
    # The text form SQLAlchemy's SQLite DateTime stores, so that the ORM reads it back.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _json(value: Any) -> str:
    return json.dumps(value) if value else "{}"


def _converter(dialect: Dialect, column: sa.Column[Any]) -> Callable[[Any], Any] | None:
    if isinstance(column.type, UTCDateTime):
        return _sqlite_time if dialect.name == "sqlite" else _naive_utc
    if isinstance(column.type, sa.JSON):
        return _json
    if isinstance(column.type, sa.Numeric) and dialect.name == "sqlite":
        return float
    return None


class _Bulk:
    """A Core statement compiled once and run with ``executemany`` on stored values.

    Rows are tuples in the order of ``names``, already in the form the driver takes
    (``params`` converts a row of contract values; ``stored`` the shared constants once).
    """

    def __init__(self, session: Session, stmt: Any, table: sa.Table, names: list[str]):
        dialect = session.get_bind().dialect
        compiled = stmt.compile(dialect=dialect)
        self.sql = str(compiled)
        self.names = list(compiled.positiontup) if compiled.positional else names
        self.positional = compiled.positional
        self.sqlite = dialect.name == "sqlite"
        self.converters = {n: _converter(dialect, table.c[n]) for n in self.names}

    def stored(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` converted to what the driver takes."""
        return {n: self._convert(n, v) for n, v in values.items()}

    def params(self, values: dict[str, Any], fixed: dict[str, Any]) -> tuple[Any, ...]:
        """One row of contract values (missing ones are ``None``) as a parameter tuple;
        ``fixed`` holds stored values that apply to every row."""
        get = values.get
        return tuple(fixed[n] if n in fixed else self._convert(n, get(n)) for n in self.names)

    def execute(self, session: Session, rows: list[tuple[Any, ...]]) -> int:
        """Runs the statement for every row; the number of rows written."""
        if not rows:
            return 0
        connection = session.connection()
        if self.sqlite:
            # The DBAPI cursor itself: SQLAlchemy's own executemany looks at every row.
            cursor = connection.connection.cursor()
            try:
                cursor.executemany(self.sql, rows)
                return int(cursor.rowcount)
            finally:
                cursor.close()
        params: Any = (
            rows if self.positional else [dict(zip(self.names, r, strict=True)) for r in rows]
        )
        return int(connection.exec_driver_sql(self.sql, params).rowcount)

    def run(
        self, session: Session, rows: Iterable[dict[str, Any]], constants: dict[str, Any]
    ) -> int:
        """Runs the statement for rows of contract values that share ``constants``."""
        fixed = self.stored(constants)
        return self.execute(session, [self.params(row, fixed) for row in rows])

    def _convert(self, name: str, value: Any) -> Any:
        convert = self.converters[name]
        return value if convert is None or value is None else convert(value)


def _binds(names: list[str]) -> dict[str, Any]:
    return {n: sa.bindparam(n) for n in names}


def upserter(session: Session, kind: str, columns: list[str], updates: list[str]) -> _Bulk:
    """The upsert of a file's rows: insert, or update the stored row with the same id.

    Only ``updates`` (the fields this file has) are compared and overwritten, so a file
    without an email column does not erase stored emails. A row whose values are all
    the same is left alone, so ``updated_at`` and ``batch_id`` keep telling when and by
    which import a row last changed, and the count of rows written tells the changes.
    """
    table = table_of(kind)
    key = _key(table)
    names = [*columns, "batch_id", "updated_at"]
    stmt = _insert(session.get_bind().dialect, table).values(_binds(names))
    data = [c for c in updates if c != key.name]
    changed = sa.or_(*(table.c[c].is_distinct_from(stmt.excluded[c]) for c in data))
    stmt = stmt.on_conflict_do_update(
        index_elements=[key],
        set_={c: stmt.excluded[c] for c in [*data, "batch_id", "updated_at"]},
        where=changed if data else sa.false(),
    )
    return _Bulk(session, stmt, table, names)


def inserter(session: Session, kind: str, columns: list[str]) -> _Bulk | None:
    """A plain insert of new rows with the upsert's parameters, on SQLite only.

    SQLite's upsert costs twice a plain insert even when nothing conflicts. Its import
    holds the store's write lock from its first write, so rows it has found missing stay
    missing; PostgreSQL has no such lock, so it keeps the upsert for every row.
    """
    if session.get_bind().dialect.name != "sqlite":
        return None
    table = table_of(kind)
    names = [*columns, "batch_id", "updated_at"]
    return _Bulk(session, sqlite.insert(table).values(_binds(names)), table, names)


def bare_customers(session: Session) -> _Bulk:
    """Creates a customer with only its id, unless one exists; counts the ones created."""
    table = table_of("customers")
    names = ["customer_id", "attributes", "batch_id", "updated_at"]
    stmt = _insert(session.get_bind().dialect, table).values(_binds(names))
    return _Bulk(session, stmt.on_conflict_do_nothing(), table, names)


def start_batch(session: Session, kind: str, file: str, started_by: str) -> ImportBatch:
    batch = ImportBatch(kind=kind, file=file, started_by=started_by, status="running")
    session.add(batch)
    session.flush()
    return batch


def finish_batch(session: Session, batch: ImportBatch, counts: dict[str, Any]) -> None:
    batch.inserted = counts["inserted"]
    batch.updated = counts["updated"]
    batch.rejected = counts["rejected"]
    batch.status = "done_with_rejects" if counts["rejected"] else "done"
    batch.finished_at = datetime.now(UTC)
    session.flush()


def label_batch(session: Session, batch_id: int, file: str, started_by: str) -> None:
    """Name an uploaded batch by the user's file name and the user (not the temp path)."""
    batch = session.get(ImportBatch, batch_id)
    if batch is not None:
        batch.file, batch.started_by = file, started_by
        session.flush()


def begin_seen(session: Session) -> _Bulk:
    """Creates the table of ids written by this import; returns the insert into it."""
    _seen.create(session.connection(), checkfirst=True)
    session.execute(_seen.delete())
    stmt = _insert(session.get_bind().dialect, _seen).values(_binds(["id"]))
    return _Bulk(session, stmt, _seen, ["id"])


def end_seen(session: Session) -> None:
    _seen.drop(session.connection(), checkfirst=True)


def _among(
    session: Session, column: sa.Column[Any], *also: sa.Column[Any]
) -> tuple[str, Callable[[list[str]], Any]]:
    """``SELECT column, *also WHERE column IN (ids)`` with all ids in one parameter.

    One parameter instead of thousands keeps the statement the same for every chunk:
    a JSON array read by ``json_each`` on SQLite, an array on PostgreSQL.
    """
    dialect = session.get_bind().dialect
    if dialect.name == "sqlite":
        each: Any = sa.select(sa.column("value")).select_from(
            sa.func.json_each(sa.bindparam("ids"))
        )
        stmt = sa.select(column, *also).where(column.in_(each))
        pack: Callable[[list[str]], Any] = json.dumps
    else:
        ids = sa.bindparam("ids", type_=postgresql.ARRAY(sa.String))
        stmt = sa.select(column, *also).where(column == sa.any_(ids))
        pack = list
    compiled = stmt.compile(dialect=dialect)
    return str(compiled), pack


def select_among(session: Session, query: tuple[str, Any], ids: Sequence[str]) -> set[str]:
    return set(_rows_among(session, query, ids))


def batches_among(session: Session, query: tuple[str, Any], ids: Sequence[str]) -> dict[str, Any]:
    """The stored ids among ``ids``, each with the batch that last wrote it."""
    return dict(_rows_among(session, query, ids))


def _rows_among(session: Session, query: tuple[str, Any], ids: Sequence[str]) -> list[Any]:
    if not ids:
        return []
    sql, pack = query
    connection = session.connection()
    if session.get_bind().dialect.paramstyle == "qmark":  # SQLite: the cursor itself
        cursor = connection.connection.cursor()
        try:
            rows = cursor.execute(sql, (pack(list(ids)),)).fetchall()
        finally:
            cursor.close()
    else:
        rows = list(connection.exec_driver_sql(sql, {"ids": pack(list(ids))}))
    return [row[0] if len(row) == 1 else tuple(row) for row in rows]


def seen_query(session: Session) -> tuple[str, Any]:
    return _among(session, _seen.c.id)


def existing_query(session: Session, kind: str) -> tuple[str, Any]:
    return _among(session, _key(table_of(kind)))


def written_query(session: Session, kind: str) -> tuple[str, Any]:
    """Asks for stored ids with their ``batch_id`` (see ``batches_among``)."""
    table = table_of(kind)
    return _among(session, _key(table), table.c.batch_id)
