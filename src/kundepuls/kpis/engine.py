"""The one engine that evaluates every KPI declaration with Ibis.

Each statistic block is reduced in the backend to its *sufficient statistics* per group
(n and successes; n, mean and sd; promoters and detractors; counts and exposure); the
intervals are then computed from those few numbers by :mod:`kundepuls.stats`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from kundepuls.kit.errors import UsageError
from kundepuls.kpis import catalog as cat
from kundepuls.kpis import periods as per
from kundepuls.kpis.backends import run, table_names, versions
from kundepuls.kpis.dimensions import COMMENT_DIMENSIONS
from kundepuls.kpis.frames import PERIOD, PREDICTIONS, Frame, Query, Source, prepare
from kundepuls.kpis.results import EMPTY_STATS, finish


def evaluate(
    backend: BaseBackend, kpi: cat.Kpi, query: Query, tz: ZoneInfo, min_n: int = 30
) -> pd.DataFrame:
    """Rows of ``kpi`` for ``query``: kpi, value, n, ci_low, ci_high, low_sample, keys.

    Examples
    --------
    >>> from kundepuls.kpis.catalog import KPIS
    >>> evaluate(backend, KPIS["nps"], Query(by=("region",)), tz)  # doctest: +SKIP
    """
    stats, first, last = sufficient(backend, kpi, query, tz)
    return finish(kpi, query, stats, first, last, min_n)


Sufficient = tuple[pd.DataFrame, date | None, date | None]
# Sufficient statistics already computed, per backend, for the data they were computed
# from: a dashboard asks the same questions again and again between two commits.
REMEMBERED = 512
_REMEMBER_LOCK = threading.Lock()


def sufficient(backend: BaseBackend, kpi: cat.Kpi, query: Query, tz: ZoneInfo) -> Sufficient:
    """Sufficient statistics per group and the range of periods to report.

    On the embedded store the answer is remembered until one of the tables it reads
    changes (the copy of :mod:`kundepuls.kpis.mirror` tells), so a dashboard that asks
    again between two commits costs no query.
    """
    query = query.checked(tz)
    version = versions(backend, _tables_read(kpi, query))
    try:
        key: Any = (kpi, query, str(tz), version)
        hash(key)
    except TypeError:  # a custom KPI with an unhashable part: compute every time
        key = None
    memory = _memory(backend) if version is not None and key is not None else None
    if memory is not None:
        with _REMEMBER_LOCK:
            known = memory.get(key)
            if known is not None:
                memory.move_to_end(key)
                return known[0].copy(), known[1], known[2]
    found = _compute(backend, kpi, query, tz)
    if memory is not None:
        with _REMEMBER_LOCK:
            memory[key] = (found[0].copy(), found[1], found[2])
            while len(memory) > REMEMBERED:
                memory.popitem(last=False)
    return found


def _tables_read(kpi: cat.Kpi, query: Query) -> set[str]:
    tables = {kpi.table, "customers", PREDICTIONS}
    if isinstance(kpi.stat, cat.Rate):
        tables.add(kpi.stat.numerator)
    for name in {*query.by, *(name for name, _ in query.where)} & set(COMMENT_DIMENSIONS):
        tables.add(COMMENT_DIMENSIONS[name][0])
    return tables


def _memory(backend: BaseBackend) -> OrderedDict[Any, Sufficient]:
    with _REMEMBER_LOCK:
        memory: OrderedDict[Any, Sufficient] | None = getattr(backend, "_kundepuls_results", None)
        if memory is None:
            memory = OrderedDict()
            backend._kundepuls_results = memory
        return memory


def _compute(backend: BaseBackend, kpi: cat.Kpi, query: Query, tz: ZoneInfo) -> Sufficient:
    tables = table_names(backend)
    if kpi.table not in tables:  # created since the list was read?
        tables = table_names(backend, refresh=True)
    source = Source(backend, kpi.table, kpi.time_column, tz)
    if kpi.table not in tables:
        if kpi.table == "invitations":  # sent by the survey module; none sent yet
            return EMPTY_STATS[kpi.method], None, None
        raise UsageError(f"KPI {kpi.key} needs the table {kpi.table!r}, which does not exist")
    stat = kpi.stat
    if isinstance(stat, cat.Churn):
        frame = prepare(source, query, tables, extend_back=1)
        return _churn(frame, query, stat), frame.first, frame.last
    if isinstance(stat, cat.Cumulative):
        frame = prepare(source, query, tables, open_start=True)
        stats = _cumulative(frame, query, stat)
        return stats, frame.first, frame.last
    frame = prepare(source, query, tables)
    t = frame.table.filter(kpi.where(frame.table)) if kpi.where is not None else frame.table
    group = [*frame.keys]
    if isinstance(stat, cat.Rate):
        stats = _rate(backend, stat, query, tables, tz, _run(t.aggregate(by=group,
            n=t.count())), group)  # fmt: skip
    elif isinstance(stat, cat.Median):
        stats = _median_values(t, stat, group)
    else:
        stats = _run(_aggregate(t, stat, group))
    return stats, frame.first, frame.last


def _run(expr: ir.Table) -> pd.DataFrame:
    return run(expr)


def _count(condition: ir.BooleanValue) -> ir.IntegerScalar:
    # CASE rather than a cast: PostgreSQL cannot cast a boolean to bigint.
    return ibis.ifelse(condition, 1, 0).sum().fill_null(0)


def _units(t: ir.Table, unit: cat.Expr | None) -> ir.Table:
    return t.filter(unit(t)) if unit is not None else t


def _aggregate(t: ir.Table, stat: cat.Stat, group: list[str]) -> ir.Table:
    """Sufficient statistics per group for the row-level blocks."""
    if isinstance(stat, cat.Nps):
        t = t.mutate(_x=stat.score(t))
        t = t.filter(t._x.notnull())
        return t.aggregate(
            by=group, n=t.count(), promoters=_count(t._x >= 9), detractors=_count(t._x <= 6)
        )
    if isinstance(stat, cat.Share):
        t = _units(t, stat.unit).mutate(_y=stat.success(t))
        return t.aggregate(by=group, n=t.count(), successes=_count(t._y.fill_null(False)))
    if isinstance(stat, cat.Mean):
        t = _units(t, stat.unit).mutate(_x=stat.value(t).cast("float64"))
        t = t.filter(t._x.notnull())
        return _moments(t, group)
    if isinstance(stat, cat.Count):
        t = _units(t, stat.unit)
        return t.aggregate(by=group, n=t.count())
    if isinstance(stat, cat.PerCustomer):
        per_customer = t.aggregate(by=[*group, "customer_id"], _x=t.count())
        if stat.share_at_least is not None:
            c = per_customer
            return c.aggregate(by=group, n=c.count(), successes=_count(c._x >= stat.share_at_least))
        return _moments(per_customer.mutate(_x=per_customer._x.cast("float64")), group)
    raise TypeError(f"no aggregate for {stat!r}")


def _moments(t: ir.Table, group: list[str]) -> ir.Table:
    return t.aggregate(by=group, n=t._x.count(), mean=t._x.mean(), sd=t._x.std(how="sample"))


def _median_values(t: ir.Table, stat: cat.Median, group: list[str]) -> pd.DataFrame:
    """Per group: n and the values themselves (the order-statistic interval needs them)."""
    t = _units(t, stat.unit).mutate(_x=stat.value(t).cast("float64"))
    values = _run(t.filter(t._x.notnull()).select(*group, "_x"))
    if values.empty:
        return pd.DataFrame(columns=[*group, "n", "values"])
    if not group:
        return pd.DataFrame({"n": [len(values)], "values": [values["_x"].to_numpy()]})
    keys, arrays = [], []
    for key, part in values.groupby(group, sort=False, dropna=False)["_x"]:
        keys.append(key if isinstance(key, tuple) else (key,))
        arrays.append(part.to_numpy())
    out = pd.DataFrame(keys, columns=group)
    out["values"] = pd.Series(arrays, dtype="object")
    out["n"] = [len(a) for a in arrays]
    return out


def _rate(
    backend: BaseBackend,
    stat: cat.Rate,
    query: Query,
    tables: set[str],
    tz: ZoneInfo,
    exposure: pd.DataFrame,
    group: list[str],
) -> pd.DataFrame:
    """Numerator rows per group joined to the denominator's n (its exposure)."""
    if stat.numerator not in tables:
        raise UsageError(f"the table {stat.numerator!r} does not exist")
    frame = prepare(Source(backend, stat.numerator, stat.numerator_time, tz), query, tables)
    t = frame.table
    if stat.numerator_where is not None:
        t = t.filter(stat.numerator_where(t))
    counts = _run(t.aggregate(by=group, count=t.count()))
    if not group:
        n = int(exposure["n"].sum()) if len(exposure) else 0
        c = int(counts["count"].sum()) if len(counts) else 0
        return pd.DataFrame({"n": [n], "count": [c]})
    merged = exposure.merge(counts, on=group, how="outer")
    merged["n"] = merged["n"].fillna(0).astype("int64")
    merged["count"] = merged["count"].fillna(0).astype("int64")
    return merged


def _keys_only(frame: Frame) -> list[str]:
    return [k for k in frame.keys if k != PERIOD]


def _churn(frame: Frame, query: Query, stat: cat.Churn) -> pd.DataFrame:
    """Customers of each previous period, and how many of them ordered again."""
    keys = _keys_only(frame)
    t = frame.table
    if query.grain is None:
        assert frame.low is not None
        t = t.mutate(**{PERIOD: ibis.ifelse(t._t >= frame.low, "now", "before")})
        steps = {"cur": ["now"], "prev": ["before"]}
    else:
        assert frame.first is not None
        assert frame.last is not None
        starts = per.periods(frame.first, frame.last, query.grain)
        steps = {
            "cur": [s.isoformat() for s in starts],
            "prev": [per.shift(s, query.grain, -1).isoformat() for s in starts],
        }
    active = t.select(*keys, "customer_id", PERIOD).distinct()
    link = ibis.memtable(pa.table(steps))
    before = active.join(link, active[PERIOD] == link.prev).select(
        *keys, "customer_id", _cur=link.cur
    )
    now = active.select(*keys, _cid=active.customer_id, _now=active[PERIOD])
    joined = before.left_join(
        now,
        [
            before.customer_id == now._cid,
            before._cur == now._now,
            *(before[k] == now[k] for k in keys),
        ],
    )
    stay = joined._now.notnull()
    agg = joined.aggregate(
        by=[*keys, joined._cur.name(PERIOD)],
        n=joined.count(),
        successes=_count(stay if stat.retained else ~stay),
    )
    out = _run(agg)
    if query.grain is None:
        out = out.drop(columns=[PERIOD])
    return out


def _cumulative(frame: Frame, query: Query, stat: cat.Cumulative) -> pd.DataFrame:
    """Per period end: mean over customers of their total value up to that end."""
    keys = _keys_only(frame)
    t = frame.table.mutate(_v=stat.value(frame.table).cast("float64"))
    if query.grain is None:
        totals = t.aggregate(by=[*keys, "customer_id"], _x=t._v.sum())
        return _run(_moments(totals, keys))
    assert frame.first is not None
    assert frame.last is not None
    starts = per.periods(frame.first, frame.last, query.grain)
    link = ibis.memtable(pa.table({"_end": [s.isoformat() for s in starts]}))
    spent = t.aggregate(by=[*keys, "customer_id", PERIOD], _v=t._v.sum())
    upto = spent.join(link, spent[PERIOD] <= link._end)
    totals = upto.aggregate(by=[*keys, "customer_id", "_end"], _x=upto._v.sum())
    out = _run(_moments(totals, [*keys, "_end"]))
    return out.rename(columns={"_end": PERIOD})
