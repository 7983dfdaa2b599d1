"""Plain pandas references for every built-in KPI, by region, over local dates.

Each returns one row per region with ``n``, ``value`` and the interval computed by the
stats functions from the reference's own sufficient statistics.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kundepuls import stats
from tests.kpis.factory import Data

TZ = "Europe/Oslo"
NONE = "(none)"


def local_dates(times: pd.Series) -> pd.Series:
    return pd.to_datetime(times, utc=True).dt.tz_convert(TZ).dt.date


def between(frame: pd.DataFrame, column: str, start: date, end: date) -> pd.DataFrame:
    days = local_dates(frame[column])
    return frame[(days >= start) & (days <= end)]


def with_region(frame: pd.DataFrame, data: Data) -> pd.DataFrame:
    out = frame.merge(data.customers[["customer_id", "region"]], on="customer_id", how="left")
    out["region"] = out["region"].astype(object).where(out["region"].notna(), NONE)
    return out


def hours(frame: pd.DataFrame, start: str, end: str) -> pd.Series:
    a = pd.to_datetime(frame[start], utc=True)
    b = pd.to_datetime(frame[end], utc=True)
    return (b - a).dt.total_seconds() / 3600


def _groups(frame: pd.DataFrame) -> list[tuple[object, pd.DataFrame]]:
    return [(region, group) for region, group in frame.groupby("region", dropna=False)]


def _rows(items: list[tuple[object, int, stats.Interval]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": [None if r == NONE else r for r, _, _ in items],
            "n": [n for _, n, _ in items],
            "value": [float(i.value[0]) for _, _, i in items],
            "ci_low": [float(i.low[0]) for _, _, i in items],
            "ci_high": [float(i.high[0]) for _, _, i in items],
        }
    )


def share(frame: pd.DataFrame, success: pd.Series) -> pd.DataFrame:
    frame = frame.assign(_y=success.astype(bool))
    return _rows(
        [
            (r, len(g), stats.wilson([len(g)], [int(g._y.sum())], scale=100))
            for r, g in _groups(frame)
        ]
    )


def mean(frame: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    frame = frame.assign(_x=values.astype(float)).dropna(subset=["_x"])
    return _rows(
        [
            (r, len(g), stats.mean_t([len(g)], [g._x.mean()], [g._x.std(ddof=1)]))
            for r, g in _groups(frame)
        ]
    )


def median(frame: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    frame = frame.assign(_x=values.astype(float)).dropna(subset=["_x"])
    return _rows(
        [(r, len(g), stats.median_order_stat([g._x.to_numpy()])) for r, g in _groups(frame)]
    )


def nps(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.dropna(subset=["nps"])
    items = []
    for r, g in _groups(frame):
        p, d = int((g.nps >= 9).sum()), int((g.nps <= 6).sum())
        items.append((r, len(g), stats.nps([len(g)], [p], [d])))
    return _rows(items)


def per_customer(orders: pd.DataFrame) -> pd.DataFrame:
    return orders.groupby(["customer_id", "region"], dropna=False).size().rename("c").reset_index()


def reference(data: Data, key: str, start: date, end: date) -> pd.DataFrame:
    """The reference rows of KPI ``key`` by region over local dates ``start``..``end``."""
    r = with_region(between(data.responses, "submitted_at", start, end), data)
    t = with_region(between(data.tickets, "created_at", start, end), data)
    o = with_region(between(data.orders, "ordered_at", start, end), data)
    k = with_region(between(data.complaints, "created_at", start, end), data)
    table: dict[str, Callable[[], pd.DataFrame]] = {
        "nps": lambda: nps(r),
        "csat": lambda: share(r.dropna(subset=["csat"]), r.dropna(subset=["csat"]).csat >= 4),
        "csat_mean": lambda: mean(r, r.csat),
        "ces": lambda: mean(r, r.ces),
        "first_response_hours": lambda: mean(t, hours(t, "created_at", "first_response_at")),
        "first_response_hours_median": lambda: median(
            t, hours(t, "created_at", "first_response_at")
        ),
        "resolution_hours": lambda: mean(t, hours(t, "created_at", "resolved_at")),
        "resolution_hours_median": lambda: median(t, hours(t, "created_at", "resolved_at")),
        "fcr": lambda: _fcr(t),
        "purchase_frequency": lambda: mean(per_customer(o), per_customer(o).c),
        "aov": lambda: mean(o, o.amount.astype(float)),
        "repeat_purchase_rate": lambda: share(per_customer(o), per_customer(o).c >= 2),
        "clv_historical": lambda: _clv(data, end),
        "churn_rate": lambda: _churn(data, start, end, churned=True),
        "retention_rate": lambda: _churn(data, start, end, churned=False),
        "complaint_count": lambda: _count(k),
        "complaint_rate": lambda: _rate(o, k),
        "complaint_resolution_rate": lambda: share(k, k.status == "resolved"),
        "complaint_resolution_hours": lambda: _resolution(k),
    }
    return table[key]()


def _fcr(t: pd.DataFrame) -> pd.DataFrame:
    resolved = t[t.resolved_at.notna()]
    single = resolved.contacts.fillna(1) == 1
    reopened = resolved.reopened.map(lambda v: bool(v) if v is not None and v == v else False)
    return share(resolved, single & ~reopened.astype(bool))


def _clv(data: Data, end: date) -> pd.DataFrame:
    orders = data.orders[local_dates(data.orders.ordered_at) <= end]
    orders = with_region(orders, data)
    totals = orders.groupby(["customer_id", "region"], dropna=False).amount.sum().reset_index()
    return mean(totals, totals.amount.astype(float))


def _churn(data: Data, start: date, end: date, churned: bool) -> pd.DataFrame:
    length = end - start + timedelta(days=1)
    prev = with_region(
        between(data.orders, "ordered_at", start - length, start - timedelta(1)), data
    )
    now = between(data.orders, "ordered_at", start, end)
    customers = prev[["customer_id", "region"]].drop_duplicates()
    gone = ~customers.customer_id.isin(set(now.customer_id))
    return share(customers, gone if churned else ~gone)


def _count(k: pd.DataFrame) -> pd.DataFrame:
    return _rows([(r, len(g), stats.poisson([len(g)])) for r, g in _groups(k)])


def _rate(o: pd.DataFrame, k: pd.DataFrame) -> pd.DataFrame:
    counts = {r: len(g) for r, g in _groups(k)}
    return _rows(
        [
            (r, len(g), stats.poisson([counts.get(r, 0)], exposure=[len(g)], scale=100.0))
            for r, g in _groups(o)
        ]
    )


def _resolution(k: pd.DataFrame) -> pd.DataFrame:
    done = k[(k.status == "resolved") & k.resolved_at.notna()]
    return mean(done, hours(done, "created_at", "resolved_at"))


def region(value: object) -> object:
    """Missing regions compare equal whether pandas shows them as None or NaN."""
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def close(a: object, b: object) -> bool:
    x, y = float(a), float(b)  # type: ignore[arg-type]
    return bool((np.isnan(x) and np.isnan(y)) or np.isclose(x, y, rtol=1e-9, atol=1e-9))
