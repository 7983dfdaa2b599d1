"""A columnar copy of the embedded store's KPI tables, kept in step with the SQLite file.

Scanning SQLite through DuckDB's reader is most of a KPI's cost; DuckDB's own tables are
several times faster. So the embedded backend copies the KPI tables into its in-memory
DuckDB once (the cold load) and afterwards only what changed:

- ``PRAGMA data_version`` on one long-lived read connection of the store changes exactly
  when another connection commits; while it is unchanged nothing is read at all.
- When it changed, the counters of ``kpi_table_versions`` (kept by triggers, migration
  ``kpis_0002``) tell which tables changed and how: only inserts → the rows past the
  copied ``max(rowid)`` are appended; any update (upsert in place) or delete (erasure) →
  that table is copied again. A store without the counters copies every changed-looking
  table again on each commit: slower, still exact.

The copy is read in one snapshot of the store bounded by ``rowid <= max(rowid)`` of that
snapshot, so a row committed during the copy is picked up by the next query, never lost.
In memory rather than a DuckDB file beside the store: a DuckDB file admits one writing
process, while the web app, the CLI and the workers each read the store; every process
keeps its own copy and pays the cold load once.
"""

from __future__ import annotations

import sqlite3
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
        uri = "file:" + path.replace("?", "%3f").replace("#", "%23") + "?mode=ro"
        self.lite = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        self.version: int | None = None
        self.states: dict[str, State] = {}
        self.copied_rows = 0  # rows read from SQLite so far (tests and benchmarks)

    def close(self) -> None:
        self.lite.close()

    def sync(self) -> bool:
        """Bring the copies up to date; True when anything was read from the store."""
        version = self.lite.execute("PRAGMA data_version").fetchone()[0]
        if version == self.version:
            return False
        plan = self._snapshot()
        changed = False
        for name, state in plan.items():
            old = self.states.get(name)
            if old == state and state.inserts is not None:
                continue
            if (
                old is not None
                and state.inserts is not None
                and old.rewrites == state.rewrites
                and old.inserts is not None
            ):
                if old.inserts == state.inserts:
                    continue
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
        self.version = version
        return changed

    def _snapshot(self) -> dict[str, State]:
        """Counters and high row ids of every KPI table, read in one transaction."""
        self.lite.execute("BEGIN")
        try:
            present = {
                row[0]
                for row in self.lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            counters: dict[str, tuple[int, int]] = {}
            if VERSIONS in present:
                rows = self.lite.execute(f"SELECT name, inserts, rewrites FROM {VERSIONS}")
                counters = {name: (ins, rew) for name, ins, rew in rows}
            plan = {}
            for name in TABLES:
                if name not in present:
                    continue
                high = self.lite.execute(f'SELECT max(rowid) FROM "{name}"').fetchone()[0] or 0
                ins, rew = counters.get(name, (None, None))
                plan[name] = State(ins, rew, high)
            return plan
        finally:
            self.lite.execute("COMMIT")

    def _copy(self, name: str, high: int) -> None:
        self.con.execute(
            f'CREATE OR REPLACE TABLE memory.main."{name}" AS '
            f'SELECT * FROM s."{name}" WHERE rowid <= {high}'
        )
        self.copied_rows += self._count(name)

    def _append(self, name: str, low: int, high: int) -> None:
        before = self._count(name)
        self.con.execute(
            f'INSERT INTO memory.main."{name}" '
            f'SELECT * FROM s."{name}" WHERE rowid > {low} AND rowid <= {high}'
        )
        self.copied_rows += self._count(name) - before

    def _count(self, name: str) -> int:
        row = self.con.execute(f'SELECT count(*) FROM memory.main."{name}"').fetchone()
        return int(row[0]) if row else 0
