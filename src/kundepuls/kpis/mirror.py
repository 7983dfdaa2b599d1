"""A columnar copy of the embedded store's KPI tables, kept in step with the SQLite file.

Scanning SQLite is most of a KPI's cost; DuckDB's own tables are several times faster.
So the embedded backend copies the KPI tables into its in-memory DuckDB once (the cold
load) and afterwards only what changed:

- Before each KPI query ``PRAGMA data_version`` on the copy's own connection tells whether
  any other connection committed since; only then one statement reads every table's
  ``max(rowid)`` and the counters
  of ``kpi_table_versions`` (bumped by triggers on UPDATE and DELETE, migration
  ``kpis_0002``; there is no INSERT trigger, so imports of new rows run at full speed).
  Only inserts → the rows past the copied ``max(rowid)`` are appended; any update (upsert
  in place) or delete (erasure) → that table is copied again.
- A store without the counters compares row counts as well: inserts and deletes are
  seen, updates in place are not (every command migrates the store first).

The store is read through Python's own SQLite (the library SQLAlchemy uses), never through
DuckDB's SQLite reader: that reader links a second copy of SQLite, and two copies in one
process do not see each other's file locks, so one could reset the WAL index the other
is reading (seen as "disk I/O error" and as a bus error in a busy server).

The snapshot and the rows it bounds are read in one read transaction, so the copy is
exactly the store as of one commit; a row committed meanwhile is picked up by the next
query, never lost. In memory rather than a DuckDB file beside the store: a DuckDB file
admits one writing process, while the web app, the CLI and the workers each read the
store; every process keeps its own copy and pays the cold load once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import duckdb
import pyarrow as pa

# The tables KPIs read (facts, survey invitations, predicted customer segments, and the
# sentiment and themes of survey comments).
TABLES = (
    "customers",
    "responses",
    "orders",
    "tickets",
    "complaints",
    "invitations",
    "customer_predictions",
    "comment_analyses",
    "comment_themes",
)
VERSIONS = "kpi_table_versions"
BATCH = 100_000  # rows handed to DuckDB at a time: bounded memory on the cold load


@dataclass(frozen=True)
class State:
    """What the copy of one table holds: its rewrite counter (or, on a store without the
    counters, its row count) and the last row id it read."""

    rewrites: int | None
    high: int
    rows: int | None = None


def duckdb_type(declared: str) -> str:
    """The DuckDB column type for a SQLite declared type (as DuckDB's own reader maps it).

    >>> [duckdb_type(t) for t in ("DATETIME", "SMALLINT", "NUMERIC(14, 2)", "BOOLEAN", "JSON")]
    ['TIMESTAMP', 'BIGINT', 'DOUBLE', 'BIGINT', 'VARCHAR']
    """
    kind = declared.upper()
    if "DATETIME" in kind or "TIMESTAMP" in kind:
        return "TIMESTAMP"
    if kind.startswith("DATE"):
        return "DATE"
    if "INT" in kind or "BOOL" in kind:
        return "BIGINT"
    if any(word in kind for word in ("NUMERIC", "DECIMAL", "REAL", "FLOA", "DOUB")):
        return "DOUBLE"
    return "VARCHAR"


class Mirror:
    """DuckDB copies (in ``con``'s memory catalog) of the KPI tables of the store ``path``.

    Not thread-safe by itself: the backend calls it under its lock.

    Examples
    --------
    >>> mirror = Mirror(duckdb.connect(), "/srv/kundepuls.db")  # doctest: +SKIP
    >>> mirror.sync()  # doctest: +SKIP
    True
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        uri = "file:" + quote(str(Path(path).resolve())) + "?mode=ro"
        self.lite = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        self.states: dict[str, State] = {}
        self.version: object = None  # the store's data_version when last synced
        self.copied_rows = 0  # rows read from SQLite so far (tests and benchmarks)

    def close(self) -> None:
        self.lite.close()

    def _lite(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        return self.lite.execute(sql, params).fetchall()

    def sync(self) -> bool:
        """Bring the copies up to date; True when anything was read from the store."""
        # Read before the snapshot: a commit in between is seen now and again next time.
        version = self._lite("PRAGMA data_version")[0][0]
        if version == self.version:
            return False
        self.lite.execute("BEGIN")
        try:
            changed = self._sync()
        finally:
            self.lite.execute("COMMIT")
        self.version = version
        return changed

    def _sync(self) -> bool:
        changed = False
        plan = self._snapshot()
        for name, state in plan.items():
            old = self.states.get(name)
            if old == state:
                continue
            if old is not None and old.rewrites == state.rewrites and state.high >= old.high:
                try:
                    self._load(name, old.high, state.high)
                except duckdb.Error:  # the table's columns changed: copy it whole
                    self._copy(name, state.high)
                else:
                    if state.rows is not None and self._count(name) != state.rows:
                        self._copy(name, state.high)  # rows were deleted as well
            else:
                self._copy(name, state.high)
            self.states[name] = state
            changed = True
        for name in set(self.states) - set(plan):
            self.con.execute(f'DROP TABLE IF EXISTS memory.main."{name}"')
            del self.states[name]
            changed = True
        return changed

    def _snapshot(self) -> dict[str, State]:
        """Counters and high row ids of the KPI tables, in one statement."""
        present = {str(r[0]) for r in self._lite("SELECT name FROM sqlite_master")}
        names = [t for t in TABLES if t in present]
        counted = VERSIONS in present
        # The names are this module's constants, never input.
        parts = [f'(SELECT max(rowid) FROM "{n}")' for n in names]  # noqa: S608
        if counted:
            parts += [f"(SELECT rewrites FROM {VERSIONS} WHERE name = '{n}')" for n in names]  # noqa: S608
        else:
            parts += [f'(SELECT count(*) FROM "{n}")' for n in names]  # noqa: S608
        row = self._lite("SELECT " + ", ".join(parts))[0]
        highs, others = row[: len(names)], row[len(names) :]
        plan = {}
        for name, high, other in zip(names, highs, others, strict=True):
            value = None if other is None else int(str(other))
            top = 0 if high is None else int(str(high))
            plan[name] = State(value, top) if counted else State(None, top, value)
        return plan

    def _copy(self, name: str, high: int) -> None:
        columns = self._lite(f'PRAGMA table_info("{name}")')
        spec = ", ".join(f'"{c[1]}" {duckdb_type(str(c[2]))}' for c in columns)
        self.con.execute(f'CREATE OR REPLACE TABLE memory.main."{name}" ({spec})')
        self._load(name, 0, high)

    def _load(self, name: str, low: int, high: int) -> None:
        """Append the rows ``low < rowid <= high``; DuckDB casts each to its column's type."""
        cursor = self.lite.execute(
            f'SELECT * FROM "{name}" WHERE rowid > ? AND rowid <= ? ORDER BY rowid',  # noqa: S608
            (low, high),
        )
        names = [d[0] for d in cursor.description]
        target = self._count_columns(name)
        if len(names) != target:
            raise duckdb.Error(f"{name}: the store has {len(names)} columns, the copy {target}")
        while batch := cursor.fetchmany(BATCH):
            arrays = [_arrow(values) for values in zip(*batch, strict=True)]
            self.con.register("kundepuls_rows", pa.Table.from_arrays(arrays, names=names))
            try:
                self.con.execute(f'INSERT INTO memory.main."{name}" SELECT * FROM kundepuls_rows')  # noqa: S608
            finally:
                self.con.unregister("kundepuls_rows")
            self.copied_rows += len(batch)

    def _count_columns(self, name: str) -> int:
        row = self.con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE database_name = 'memory' "
            "AND schema_name = 'main' AND table_name = ?",
            [name],
        ).fetchone()
        return int(row[0]) if row else 0

    def _count(self, name: str) -> int:
        row = self.con.execute(f'SELECT count(*) FROM memory.main."{name}"').fetchone()  # noqa: S608
        return int(row[0]) if row else 0


def _arrow(values: tuple[object, ...]) -> pa.Array:
    """One column as Arrow: SQLite gives ints, floats, text or None; mixed kinds as text."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())
