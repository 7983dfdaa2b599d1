"""The fact rows a KPI query reads: filtered, joined to customers, keyed by dimensions.

:func:`prepare` turns a fact table into a :class:`Frame` whose table has one string key
column per ``--by`` dimension (``_k0``, ``_k1``, …; missing values become
:data:`MISSING` so that joins and groups treat them alike on every backend) and, with a
grain, ``_period``: the ISO date on which the row's period starts in the configured
timezone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from kundepuls.kit.errors import UsageError
from kundepuls.kpis import dimensions as dims
from kundepuls.kpis import periods as per
from kundepuls.kpis.backends import backend_cache, run, scalar, table, table_names

MISSING = "__missing__"
PERIOD = "_period"

_IDS = {
    "responses": "response_id",
    "orders": "order_id",
    "tickets": "ticket_id",
    "complaints": "complaint_id",
    "customers": "customer_id",
    "invitations": "invitation_id",
}


@dataclass(frozen=True)
class Query:
    """What to compute: breakdowns, grain, local date range (inclusive) and filters.

    Examples
    --------
    >>> Query(by=("region",), grain="month").grain
    'month'
    """

    by: tuple[str, ...] = ()
    grain: str | None = None
    start: date | None = None
    end: date | None = None
    where: tuple[tuple[str, str], ...] = ()

    def checked(self, tz: ZoneInfo) -> Query:
        per.check_grain(self.grain)
        per.date_span(self.start, self.end, tz)
        if len(set(self.by)) != len(self.by):
            raise UsageError("each --by dimension can be given once")
        return self


@dataclass
class Frame:
    """Prepared fact rows and what the engine needs to know about them."""

    table: ir.Table
    keys: list[str]
    low: datetime | None  # naive UTC bounds actually applied, None = open
    high: datetime | None
    first: date | None = None  # local dates of the periods to report
    last: date | None = None
    extras: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """A fact table, its event-time column, and the backend that holds it."""

    backend: BaseBackend
    table: str
    time_column: str
    tz: ZoneInfo


def naive(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment is not None else None


def data_bounds(source: Source) -> tuple[datetime, datetime]:
    """Earliest and latest event time in the table (naive UTC), or now when it is empty.

    Remembered for a few seconds (a scan per KPI would double a dashboard's cost); rows
    newer than the remembered latest time still get their own period (see results) and
    the offsets are worked out a year past it.
    """
    cache = backend_cache(source.backend).setdefault("bounds", {})
    key = (source.table, source.time_column)
    if key not in cache:
        cache[key] = _scan_bounds(source)
    return cache[key]  # type: ignore[no-any-return]


def _scan_bounds(source: Source) -> tuple[datetime, datetime]:
    t = table(source.backend, source.table)
    column = t[source.time_column]
    # Nullable: the column may be NOT NULL, its min over an empty table is still NULL.
    nullable = column.type().copy(nullable=True)
    expr = t.aggregate(lo=column.min().cast(nullable), hi=column.max().cast(nullable))
    row = run(expr).iloc[0]
    if pd.isna(row["lo"]):
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        return now, now
    return pd.Timestamp(row["lo"]).to_pydatetime(), pd.Timestamp(row["hi"]).to_pydatetime()


PREDICTIONS = "customer_predictions"


def _customers(backend: BaseBackend) -> ir.Table:
    c = table(backend, "customers")
    if PREDICTIONS in table_names(backend):
        # The RFM segment of `kundepuls predict` is a customer dimension like region.
        p = table(backend, PREDICTIONS).select("customer_id", "rfm_segment")
        c = c.left_join(p, c.customer_id == p.customer_id).drop("customer_id_right")
    wanted = [name for name in (*dims.CUSTOMER_COLUMNS, "attributes") if name in c.columns]
    return c.select(
        _c_id=c.customer_id, **{dims.CUSTOMER_PREFIX + name: c[name] for name in wanted}
    )


def _attribute_check(backend: BaseBackend, fact: ir.Table) -> object:
    def exists(source: str, key: str) -> bool:
        if source == "row_attribute":
            table, column = fact, "attributes"
        else:
            table, column = _customers(backend), dims.CUSTOMER_PREFIX + "attributes"
        if column not in table.columns:
            return False
        value = dims.json_text(table[column], key)
        return bool(scalar(table.filter(value.notnull()).limit(1).count()) > 0)

    return exists


def comment_dimensions(fact_table: str, tables: set[str]) -> list[str]:
    """The comment dimensions (sentiment, theme) a fact table has in this store."""
    if fact_table != "responses":
        return []
    return [name for name, (t, _) in dims.COMMENT_DIMENSIONS.items() if t in tables]


def _join_comments(backend: BaseBackend, t: ir.Table, names: list[str]) -> ir.Table:
    """``t`` (survey answers) with each comment dimension in ``names`` joined as a column.

    A left join: answers without an analysed comment keep a missing value; a comment with
    several themes gives its answer one row per theme.
    """
    for name in names:
        source, column = dims.COMMENT_DIMENSIONS[name]
        side = table(backend, source)
        side = side.select(_t_id=side.response_id, **{dims.COMMENT_PREFIX + name: side[column]})
        t = t.left_join(side, t.response_id == side._t_id).drop("_t_id")
    return t


def resolve_dimensions(
    source: Source, names: list[str], tables: set[str]
) -> tuple[list[dims.Dimension], bool]:
    """The dimensions for ``names`` on this source and whether customers must be joined."""
    fact = table(source.backend, source.table)
    row_columns = dims.row_dimensions(fact.schema().items(), _IDS.get(source.table, ""))
    has_customer = "customer_id" in fact.columns and "customers" in tables
    if "rfm_segment" in names and (
        PREDICTIONS not in tables
        or scalar(table(source.backend, PREDICTIONS).limit(1).count()) == 0
    ):
        raise UsageError("rfm_segment: no customer segments yet; run `kundepuls predict rfm` first")
    resolved = dims.resolve(
        names,
        row_columns,
        has_customer,
        _attribute_check(source.backend, fact),  # type: ignore[arg-type]
        comment_dimensions(source.table, tables),
    )
    return resolved, any(d.needs_customer for d in resolved)


def prepare(
    source: Source,
    query: Query,
    tables: set[str],
    *,
    extend_back: int = 0,
    open_start: bool = False,
) -> Frame:
    """Filtered, keyed rows of ``source`` for ``query``.

    ``extend_back`` periods (of the grain) are read before ``--from`` as well (churn needs
    the previous period); ``open_start`` reads everything before ``--to`` (cumulative KPIs).
    """
    low, high = (naive(b) for b in per.date_span(query.start, query.end, source.tz))
    first, last = query.start, query.end
    names = [*query.by, *(name for name, _ in query.where)]
    resolved, join = resolve_dimensions(source, list(dict.fromkeys(names)), tables)
    by_name = {d.name: d for d in resolved}
    needs_local = query.grain is not None or any(d.source == "time" for d in resolved)

    t = table(source.backend, source.table)
    t = t.mutate(_t=t[source.time_column])
    # A row without its event time (an invitation not sent yet) falls in no period.
    t = t.filter(t._t.notnull())
    if (needs_local or extend_back) and (low is None or high is None):
        lo, hi = data_bounds(source)
        first = first or per.local_date(lo, source.tz)
        last = last or per.local_date(hi, source.tz)
    if low is None and first is not None:
        low = naive(per.date_span(first, None, source.tz)[0])
    read_low = _read_low(query, first, last, source.tz, extend_back) if not open_start else None
    if read_low is not None:
        t = t.filter(t._t >= read_low)
    if high is not None:
        t = t.filter(t._t < high)
    if join:
        c = _customers(source.backend)
        t = t.left_join(c, t.customer_id == c._c_id)
    t = _join_comments(source.backend, t, [d.name for d in resolved if d.source == "comment"])

    span_low = read_low or (low if low is not None else None)
    local = None
    if needs_local:
        lo_b, hi_b = _offset_span(span_low, high, first, last, source.tz)
        local = per.to_local(t._t, source.tz, lo_b, hi_b)
    keyed = {f"_k{i}": _key(by_name[name].expr(t, local)) for i, name in enumerate(query.by)}
    if query.grain is not None:
        assert local is not None
        keyed[PERIOD] = per.period_start(local, query.grain).cast("string")
    t = t.mutate(**keyed)
    for name, text in query.where:
        dimension = by_name[name]
        wanted = dims.where_value(dimension, text)
        value = dimension.expr(t, local)
        t = t.filter(_key(value) == _text(wanted))
    frame = Frame(t, list(keyed), low, high, first, last)
    return replace(frame, extras={"read_low": read_low})


def _read_low(
    query: Query, first: date | None, last: date | None, tz: ZoneInfo, back: int
) -> datetime | None:
    if first is None:
        return None
    if back and query.grain is not None:
        first = per.shift(per.floor_date(first, query.grain), query.grain, -back)
    elif back and last is not None:
        first = first - (last - first + timedelta(days=1)) * back
    return naive(per.date_span(first, None, tz)[0])


def _offset_span(
    low: datetime | None, high: datetime | None, first: date | None, last: date | None, tz: ZoneInfo
) -> tuple[datetime, datetime]:
    start = low or naive(per.date_span(first, None, tz)[0]) or datetime(1970, 1, 1)
    end = high or (naive(per.date_span(None, last, tz)[1]) or datetime(2099, 1, 1)) + timedelta(
        days=366
    )
    # A day of margin on each side: rows exactly at the bounds and rows read for the
    # previous period of churn are then still converted with their own offset.
    return start - timedelta(days=1), end + timedelta(days=1)


def _key(value: ir.Value) -> ir.StringValue:
    return ibis.coalesce(value.cast("string"), ibis.literal(MISSING))


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
