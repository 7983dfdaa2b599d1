"""A columnar copy of the embedded store's KPI tables, kept in step with the SQLite file.

Scanning SQLite through DuckDB's reader is most of a KPI's cost; DuckDB's own tables are
several times faster. So the embedded backend copies the KPI tables into its in-memory
DuckDB once (the cold load) and afterwards only what changed:

- Before each KPI query one statement in SQLite reads every table's ``max(rowid)`` and the
  counters of ``kpi_table_versions`` (bumped by triggers on UPDATE and DELETE, migration
  ``kpis_0002``; there is no INSERT trigger, so imports of new rows run at full speed).
  Only inserts → the rows past the copied ``max(rowid)`` are appended; any update (upsert
  in place) or delete (erasure) → that table is copied again. ``PRAGMA data_version``
  cannot serve: DuckDB's reader links its own SQLite, and a second SQLite in the same
  process keeps reading a stale snapshot of a WAL store.
- A store without the counters compares row counts as well: inserts and deletes are
  seen, updates in place are not (every command migrates the store first).

Counters and ``max(rowid)`` come from one statement, hence one snapshot, and the copy is
bounded by ``rowid <= max(rowid)``: a row committed during the copy is picked up by the
next query, never lost.
In memory rather than a DuckDB file beside the store: a DuckDB file admits one writing
process, while the web app, the CLI and the workers each read the store; every process
keeps its own copy and pays the cold load once.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

# The tables KPIs read (facts, survey invitations, predicted customer segments).
TABLES = (
    "customers",
    "responses",
    "orders",
    "tickets",
    "complaints",
    "invitations",
    "customer_predictions",
)
VERSIONS = "kpi_table_versions"


@dataclass(frozen=True)
class State:
    """What the copy of one table holds: its rewrite counter (or, on a store without the
    counters, its row count) and the last row id it read."""

    rewrites: int | None
    high: int
    rows: int | None = None


class Mirror:
    """DuckDB copies of the KPI tables of the SQLite store ``path`` (attached as ``s``).

    Not thread-safe by itself: the backend calls it under its lock.

    Examples
    --------
    >>> mirror = Mirror(con, "/srv/kundepuls.db")  # doctest: +SKIP
    >>> mirror.sync()  # doctest: +SKIP
    True
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path
        self.states: dict[str, State] = {}
        self.copied_rows = 0  # rows read from SQLite so far (tests and benchmarks)

    def close(self) -> None:
        """Nothing to release: the store is read through DuckDB's attached connection."""

    def _lite(self, sql: str) -> list[tuple[object, ...]]:
        # Raw SQL in SQLite itself: max(rowid) is an index lookup there, a scan in DuckDB.
        return self.con.execute("SELECT * FROM sqlite_query('s', ?)", [sql]).fetchall()

    def sync(self) -> bool:
        """Bring the copies up to date; True when anything was read from the store."""
        changed = False
        plan = self._snapshot()
        for name, state in plan.items():
            old = self.states.get(name)
            if old == state:
                continue
            if old is not None and old.rewrites == state.rewrites and state.high >= old.high:
                try:
                    self._append(name, old.high, state.high)
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
        """Counters and high row ids of the KPI tables, in one statement (one snapshot)."""
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

    def _number(self, sql: str) -> int:
        value = self._lite(sql)[0][0]
        return int(str(value)) if value is not None else 0

    def _copy(self, name: str, high: int) -> None:
        select = f'SELECT * FROM s."{name}" WHERE rowid <= {high}'  # noqa: S608
        self.con.execute(f'CREATE OR REPLACE TABLE memory.main."{name}" AS {select}')
        self.copied_rows += self._count(name)

    def _append(self, name: str, low: int, high: int) -> None:
        # The row-id range is looked up inside SQLite (the scanner would read the whole
        # table); its text values are cast to the copy's column types on insert.
        rows = f'SELECT * FROM "{name}" WHERE rowid > {low} AND rowid <= {high}'  # noqa: S608
        before = self._count(name)
        self.con.execute(
            f"INSERT INTO memory.main.\"{name}\" SELECT * FROM sqlite_query('s', ?)",  # noqa: S608
            [rows],
        )
        self.copied_rows += self._count(name) - before

    def _count(self, name: str) -> int:
        row = self.con.execute(f'SELECT count(*) FROM memory.main."{name}"').fetchone()  # noqa: S608
        return int(row[0]) if row else 0
