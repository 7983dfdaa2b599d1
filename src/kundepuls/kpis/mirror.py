"""A columnar copy of the embedded store's KPI tables, kept in step with the SQLite file.

Scanning SQLite through DuckDB's reader is most of a KPI's cost; DuckDB's own tables are
several times faster. So the embedded backend copies the KPI tables into its in-memory
DuckDB once (the cold load) and afterwards only what changed:

- Before each KPI query the counters of ``kpi_table_versions`` (a 7-row table kept by
  triggers, migration ``kpis_0002``) are read in SQLite: they tell exactly which tables
  changed and how. Only inserts → the rows past the copied ``max(rowid)`` are appended;
  any update (upsert in place) or delete (erasure) → that table is copied again.
  ``PRAGMA data_version`` cannot serve: DuckDB's reader links its own SQLite, and a
  second SQLite in the same process keeps reading a stale snapshot of a WAL store.
- A store without the counters compares row count and ``max(rowid)``: inserts and
  deletes are seen, updates in place are not (every command migrates the store first).

Counters are read before ``max(rowid)`` and the copy is bounded by ``rowid <= max(rowid)``,
so a row committed during the copy is picked up by the next query, never lost.
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
    """What the copy of one table holds: the counters and the last row id it read."""

    inserts: int | None
    rewrites: int | None
    high: int


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
            if old is not None and state.inserts is not None and old.rewrites == state.rewrites:
                try:
                    self._append(name, old.high, state.high)
                except duckdb.Error:  # the table's columns changed: copy it whole
                    self._copy(name, state.high)
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
        """Counters, then high row ids of the KPI tables.

        Read in this order, anything committed after the counters were read is looked at
        again by the next sync, so no change is ever missed.
        """
        present = {str(r[0]) for r in self._lite("SELECT name FROM sqlite_master")}
        counters: dict[str, tuple[int, int]] = {}
        if VERSIONS in present:
            rows = self._lite(f"SELECT name, inserts, rewrites FROM {VERSIONS}")  # noqa: S608
            counters = {str(n): (int(str(i)), int(str(r))) for n, i, r in rows}
        plan = {}
        for name in (t for t in TABLES if t in present):
            if name in counters:
                ins, rew = counters[name]
                old = self.states.get(name)
                if old is not None and (old.inserts, old.rewrites) == (ins, rew):
                    plan[name] = old  # unchanged: not even an index lookup
                    continue
            else:
                # A store without the counters (migration kpis_0002 not applied): row
                # count and max(rowid) see inserts and deletes, not updates in place.
                ins, rew = None, self._number(f'SELECT count(*) FROM "{name}"')  # noqa: S608
            high = self._number(f'SELECT max(rowid) FROM "{name}"')  # noqa: S608
            plan[name] = State(ins, rew, high)
        return plan

    def _number(self, sql: str) -> int:
        value = self._lite(sql)[0][0]
        return int(str(value)) if value is not None else 0

    def _copy(self, name: str, high: int) -> None:
        select = f'SELECT * FROM s."{name}" WHERE rowid <= {high}'  # noqa: S608
        self.con.execute(f'CREATE OR REPLACE TABLE memory.main."{name}" AS {select}')
        self.copied_rows += self._count(name)

    def _append(self, name: str, low: int, high: int) -> None:
        before = self._count(name)
        rows = f'SELECT * FROM s."{name}" WHERE rowid > {low} AND rowid <= {high}'  # noqa: S608
        self.con.execute(f'INSERT INTO memory.main."{name}" {rows}')
        self.copied_rows += self._count(name) - before

    def _count(self, name: str) -> int:
        row = self.con.execute(f'SELECT count(*) FROM memory.main."{name}"').fetchone()  # noqa: S608
        return int(row[0]) if row else 0
