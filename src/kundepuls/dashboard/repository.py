"""Every query of the dashboard: the tile choice and the store's change marker."""

from __future__ import annotations

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


def marker(engine: Engine) -> dict[str, str]:
    """Per table, a short text that changes whenever its rows do (one query for all)."""
    url = engine.url.render_as_string()
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
    return out
