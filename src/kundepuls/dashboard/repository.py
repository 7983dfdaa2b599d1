"""Every query of the dashboard: the tile choice and the store's change marker."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.dashboard.models import OverviewTile

# What can change a KPI's numbers, per table: counts catch inserts and deletes, the
# newest change time catches updates (an answer completed, a re-import, a new target).
MARKED: dict[str, tuple[str, ...]] = {
    "responses": ("updated_at",),
    "orders": ("updated_at",),
    "tickets": ("updated_at",),
    "complaints": ("updated_at",),
    "customers": ("updated_at",),
    "invitations": ("sent_at", "answered_at"),
    "kpi_targets": ("updated_at",),
    "kpi_definitions": ("updated_at",),
}


def tiles(session: Session) -> list[str]:
    """The chosen KPI keys in order (empty when nobody has chosen yet)."""
    rows = session.scalars(sa.select(OverviewTile).order_by(OverviewTile.position))
    return [row.kpi for row in rows]


def save_tiles(session: Session, keys: Sequence[str]) -> None:
    """Replace the choice with ``keys`` in this order."""
    session.execute(sa.delete(OverviewTile))
    session.add_all(OverviewTile(kpi=key, position=i + 1) for i, key in enumerate(keys))
    session.flush()


@cache
def _marker_statement(present: frozenset[str]) -> sa.Select[Any]:
    columns: list[sa.ColumnElement[object]] = []
    for name, changed in MARKED.items():
        if name not in present:
            continue
        table = sa.table(name, *(sa.column(c) for c in changed))
        columns.append(sa.select(sa.func.count()).select_from(table).scalar_subquery())
        columns.extend(sa.select(sa.func.max(table.c[c])).scalar_subquery() for c in changed)
    if not columns:
        columns.append(sa.literal(0))
    return sa.select(*columns)  # type: ignore[return-value]


_PRESENT: dict[str, frozenset[str]] = {}
_LAST: dict[str, tuple[object, dict[str, str]]] = {}
_WATCHERS: dict[str, sqlite3.Connection] = {}
_LOCK = threading.Lock()


def _version(engine: Engine) -> object:
    """A cheap value that changes whenever anything is committed to the store, or None.

    SQLite: ``PRAGMA data_version`` on a connection of our own that never writes (it moves
    when any other connection, in any process, commits). PostgreSQL: the WAL position.
    Counting a million rows costs a quarter of a second; these cost nothing, so the exact
    marker is only recomputed after a commit.
    """
    try:
        if engine.dialect.name == "sqlite":
            path = engine.url.database or ""
            with _LOCK:
                if path not in _WATCHERS:
                    _WATCHERS[path] = sqlite3.connect(path, check_same_thread=False)
                return _WATCHERS[path].execute("PRAGMA data_version").fetchone()[0]
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                return conn.execute(sa.text("SELECT pg_current_wal_lsn()::text")).scalar()
    except (sqlite3.Error, sa.exc.DBAPIError):  # a standby or an odd setup: always count
        return None
    return None


def marker(engine: Engine) -> dict[str, str]:
    """Per table, a short text that changes whenever its rows do (one query for all)."""
    url = engine.url.render_as_string()
    version = _version(engine)
    last = _LAST.get(url)
    if version is not None and last is not None and last[0] == version:
        return last[1]
    if url not in _PRESENT:
        _PRESENT[url] = frozenset(sa.inspect(engine).get_table_names()) & set(MARKED)
    present = _PRESENT[url]
    with engine.connect() as conn:
        row = conn.execute(_marker_statement(present)).one()
    values = iter(row)
    out: dict[str, str] = {}
    for name, changed in MARKED.items():
        if name in present:
            out[name] = "|".join(str(next(values)) for _ in range(1 + len(changed)))
    _LAST[url] = (version, out)
    return out


def forget() -> None:
    """Close the watching connections (tests that drop stores call this)."""
    with _LOCK:
        for connection in _WATCHERS.values():
            connection.close()
        _WATCHERS.clear()
        _LAST.clear()
        _PRESENT.clear()
