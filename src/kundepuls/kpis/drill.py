"""The rows behind a KPI number: the responses, tickets, orders or complaints it counts.

The rows are *selected* by the engine's own code (:func:`kundepuls.kpis.frames.prepare`
with the KPI's fact table and event time from the catalog, its ``where`` and the unit
condition of its statistic block), so a drill-down lists exactly the rows the number
counted, on every backend, including time-part filters (weekday, hour) in the configured
zone and custom KPIs. Only the ids of one page are selected that way; the rows themselves
are then read from the store by :func:`kundepuls.facts.repository.rows_by_id`
(parameterised SQLAlchemy) and comments are masked before display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend
from sqlalchemy.orm import Session

from kundepuls.facts.repository import rows_by_id
from kundepuls.kit.errors import UsageError
from kundepuls.kpis import catalog as cat
from kundepuls.kpis.backends import run, scalar, sync, table_names
from kundepuls.kpis.expressions import ROW_ID
from kundepuls.kpis.frames import Query, Source, prepare
from kundepuls.text.masking import mask

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000

# Sortable columns per table besides the event time and the id (numbers people rank by).
SORTS: dict[str, tuple[str, ...]] = {
    "responses": ("nps", "csat", "ces", "survey", "touchpoint", "channel"),
    "tickets": ("channel", "category", "team", "contacts", "first_response_at", "resolved_at"),
    "orders": ("amount", "product_line", "channel", "customer_id"),
    "complaints": ("category", "severity", "status", "resolved_at"),
    "invitations": ("survey", "channel", "answered_at"),
}


@dataclass
class RowPage:
    """One page of drill-down rows and what the page needs to say about them."""

    table: str
    id_column: str
    time_column: str
    total: int
    rows: list[dict[str, Any]]
    counts_rows: bool  # n counts these rows (otherwise it counts customers)
    sort: str
    descending: bool
    page: int
    pages: int
    columns: list[str] = field(default_factory=list)


def counts_rows(kpi: cat.Kpi) -> bool:
    """Whether the KPI's n is the number of drill-down rows (not of customers)."""
    return not isinstance(kpi.stat, cat.PerCustomer | cat.Churn | cat.Cumulative)


def units(kpi: cat.Kpi, t: ir.Table) -> ir.Table:
    """The rows of ``t`` that the KPI's n counts (mirrors the engine's statistic blocks)."""
    if kpi.where is not None:
        t = t.filter(kpi.where(t))
    stat = kpi.stat
    unit = getattr(stat, "unit", None)
    if unit is not None:
        t = t.filter(unit(t))
    if isinstance(stat, cat.Nps):
        t = t.filter(stat.score(t).notnull())
    elif isinstance(stat, cat.Mean | cat.Median):
        t = t.filter(stat.value(t).notnull())
    return t


def sort_options(kpi: cat.Kpi) -> list[str]:
    """The columns a drill-down of ``kpi`` can be sorted by (event time first)."""
    return [kpi.time_column, ROW_ID.get(kpi.table, ""), *SORTS.get(kpi.table, ())]


def _selected(backend: BaseBackend, kpi: cat.Kpi, query: Query, tz: ZoneInfo) -> ir.Table:
    query = query.checked(tz)
    sync(backend)  # the embedded copy follows the store's last commit, as the KPI's n does
    tables = table_names(backend)
    if kpi.table not in tables:
        tables = table_names(backend, refresh=True)
    if kpi.table not in tables:
        raise UsageError(f"KPI {kpi.key} reads the table {kpi.table!r}, which is empty here")
    plain = Query(start=query.start, end=query.end, where=query.where)
    frame = prepare(Source(backend, kpi.table, kpi.time_column, tz), plain, tables)
    return units(kpi, frame.table)


def select_ids(
    backend: BaseBackend,
    kpi: cat.Kpi,
    query: Query,
    tz: ZoneInfo,
    *,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> tuple[int, list[str]]:
    """The number of rows behind the KPI and the ids of one sorted page of them."""
    if sort not in sort_options(kpi):
        known = ", ".join(sort_options(kpi))
        raise UsageError(f"sort {sort!r}: sort by one of {known}")
    t = _selected(backend, kpi, query, tz)
    id_column = ROW_ID[kpi.table]
    total = int(scalar(t.count()))
    key = t[sort] if sort != kpi.time_column else t._t
    order = [ibis.desc(key) if descending else ibis.asc(key), ibis.asc(t[id_column])]
    page = t.order_by(order).select(id_column).limit(limit, offset=offset)
    return total, [str(v) for v in run(page)[id_column].tolist()]


def rows(
    session: Session,
    backend: BaseBackend,
    kpi: cat.Kpi,
    query: Query,
    tz: ZoneInfo,
    *,
    sort: str | None = None,
    descending: bool = True,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> RowPage:
    """One page of the rows behind ``kpi`` for ``query`` (``by`` and ``grain`` ignored).

    Examples
    --------
    >>> rows(session, backend, KPIS["nps"], query, tz)  # doctest: +SKIP
    """
    if kpi.table not in ROW_ID:
        raise UsageError(f"KPI {kpi.key}: its rows cannot be listed")
    if page < 1 or size < 1:
        raise UsageError("page: use a whole number from 1")
    sort = sort or kpi.time_column
    total, ids = select_ids(
        backend, kpi, query, tz, sort=sort, descending=descending,
        offset=(page - 1) * size, limit=size,
    )  # fmt: skip
    found = [_display(row) for row in rows_by_id(session, kpi.table, ids)]
    pages = max(1, -(-total // size))
    columns = _columns(kpi, found)
    return RowPage(
        kpi.table, ROW_ID[kpi.table], kpi.time_column, total, found, counts_rows(kpi),
        sort, descending, page, pages, columns,
    )  # fmt: skip


def _display(row: dict[str, Any]) -> dict[str, Any]:
    """A row ready to show: the comment masked, the customer's name dropped."""
    name = row.pop("_customer_name", None)
    if row.get("comment"):
        row["comment"] = mask(str(row["comment"]), name)
    created, first, resolved = (row.get(c) for c in ("created_at", "first_response_at",
                                                     "resolved_at"))  # fmt: skip
    if created is not None and "first_response_at" in row:
        row["first_response_hours"] = _hours(created, first)
    if created is not None and "resolved_at" in row:
        row["resolution_hours"] = _hours(created, resolved)
    return row


def _hours(start: Any, end: Any) -> float | None:
    if start is None or end is None:
        return None
    return round(float((end - start).total_seconds()) / 3600.0, 2)


def _columns(kpi: cat.Kpi, found: list[dict[str, Any]]) -> list[str]:
    """Display order: event time, id, the rest as stored, customer fields, the comment."""
    first = [kpi.time_column, ROW_ID[kpi.table]]
    if not found:
        return first
    last = ["comment"] if "comment" in found[0] else []  # long text reads best at the end
    rest = [c for c in found[0] if c not in (*first, *last) and not c.startswith("_customer")]
    customer = [c for c in found[0] if c.startswith("_customer")]
    return [*first, *rest, *customer, *last]


def everything(
    session: Session, backend: BaseBackend, kpi: cat.Kpi, query: Query, tz: ZoneInfo,
    sort: str | None = None, descending: bool = True,
) -> RowPage:  # fmt: skip
    """All rows behind the number (for an export), up to :data:`EXPORT_LIMIT`."""
    return rows(session, backend, kpi, query, tz, sort=sort, descending=descending,
                page=1, size=EXPORT_LIMIT)  # fmt: skip
