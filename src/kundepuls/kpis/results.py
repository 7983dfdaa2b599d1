"""From sufficient statistics per group to the rows users see.

Intervals come from :mod:`kundepuls.stats`; every period of the range and every group seen
gets a row, so an empty period reads as ``n = 0`` with no value rather than a gap.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kundepuls import stats
from kundepuls.kpis import catalog as cat
from kundepuls.kpis import periods as per
from kundepuls.kpis.dimensions import WEEKDAYS
from kundepuls.kpis.frames import MISSING, PERIOD, Query

LEVEL = 0.95
COLUMNS = ("kpi", "value", "n", "ci_low", "ci_high", "low_sample")

EMPTY_STATS: dict[str, pd.DataFrame] = {
    "nps": pd.DataFrame(columns=["n", "promoters", "detractors"]),
    "wilson": pd.DataFrame(columns=["n", "successes"]),
    "mean_t": pd.DataFrame(columns=["n", "mean", "sd"]),
    "median": pd.DataFrame(columns=["n", "values"]),
    "poisson": pd.DataFrame(columns=["n"]),
    "rate": pd.DataFrame(columns=["n", "count"]),
}


def _num(frame: pd.DataFrame, column: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    return pd.to_numeric(frame[column], errors="coerce").fillna(0).to_numpy(dtype="float64")


def scale_of(kpi: cat.Kpi) -> float:
    """The multiplier of a rate KPI (per 100 orders: 100)."""
    return kpi.stat.scale if isinstance(kpi.stat, cat.Rate) else 100.0


def intervals(method: str, frame: pd.DataFrame, scale: float = 100.0) -> stats.Interval:
    """The value and 95 % interval of each row of sufficient statistics."""
    n = _num(frame, "n")
    if method == "nps":
        return stats.nps(n, _num(frame, "promoters"), _num(frame, "detractors"), level=LEVEL)
    if method == "wilson":
        return stats.wilson(n, _num(frame, "successes"), scale=100, level=LEVEL)
    if method == "mean_t":
        mean = pd.to_numeric(frame["mean"], errors="coerce").to_numpy(dtype="float64")
        sd = pd.to_numeric(frame["sd"], errors="coerce").to_numpy(dtype="float64")
        return stats.mean_t(n, mean, sd, level=LEVEL)
    if method == "median":
        groups = [np.asarray(v, dtype="float64") for v in frame["values"]]
        return stats.median_order_stat(groups, level=LEVEL)
    if method == "poisson":
        return stats.poisson(n, level=LEVEL)
    if method == "rate":
        return stats.poisson(_num(frame, "count"), exposure=n, scale=scale, level=LEVEL)
    raise ValueError(f"unknown interval method {method!r}")


def _fill(stats_frame: pd.DataFrame, query: Query, first: date | None, last: date | None,
          method: str) -> pd.DataFrame:  # fmt: skip
    """Add a row with n = 0 for every period × group that has no data."""
    keys = [f"_k{i}" for i in range(len(query.by))]
    frame = stats_frame.copy()
    for key in keys:
        if key not in frame.columns:
            frame[key] = pd.Series(dtype="object")
    if keys and not frame.empty:
        combos = list(frame[keys].drop_duplicates().itertuples(index=False, name=None))
    else:
        combos = [tuple(MISSING for _ in keys)]
    if query.grain is not None:
        if first is None or last is None:
            return frame.assign(**{PERIOD: pd.Series(dtype="str")})
        starts = [s.isoformat() for s in per.periods(first, last, query.grain)]
        if PERIOD in frame.columns:  # rows newer than the bounds the engine knew of
            seen = {str(p) for p in frame[PERIOD].dropna()}
            starts = sorted(set(starts) | seen)
        index = [(*combo, start) for combo, start in itertools.product(combos, starts)]
        columns = [*keys, PERIOD]
    else:
        index, columns = combos, keys
    if not columns:
        return frame if not frame.empty else _zero_row(method)
    full = pd.DataFrame(index, columns=columns)
    if PERIOD in frame.columns:
        frame[PERIOD] = frame[PERIOD].astype("str")
    merged = full.merge(frame, on=columns, how="left")
    merged["n"] = pd.to_numeric(merged["n"], errors="coerce").fillna(0).astype("int64")
    if method == "median":
        arrays = [v if isinstance(v, np.ndarray) else np.array([]) for v in merged["values"]]
        merged["values"] = pd.Series(arrays, index=merged.index, dtype="object")
    return merged


def _zero_row(method: str) -> pd.DataFrame:
    row: dict[str, list[Any]] = {column: [0] for column in EMPTY_STATS[method].columns}
    if method == "mean_t":
        row.update(mean=[np.nan], sd=[np.nan])
    if method == "median":
        row["values"] = [np.array([])]
    return pd.DataFrame(row)


def _dimension_value(name: str, raw: Any) -> Any:
    if raw is None or raw == MISSING or (isinstance(raw, float) and np.isnan(raw)):
        return None
    text = str(raw)
    if name == "weekday":
        return WEEKDAYS[int(text)]
    if name == "weekend":
        return text.lower() in ("true", "1")
    if name == "hour":
        return int(text)
    return text


def filled(
    kpi: cat.Kpi, query: Query, stats_frame: pd.DataFrame, first: date | None, last: date | None
) -> pd.DataFrame:
    """Sufficient statistics with a row for every period × group, keyed by dimension name."""
    frame = _fill(stats_frame, query, first, last, kpi.method)
    keys = [f"_k{i}" for i in range(len(query.by))]
    order = [PERIOD, *keys] if query.grain is not None else keys
    frame = frame.sort_values(order or ["n"]).reset_index(drop=True)
    for i, name in enumerate(query.by):
        values = [_dimension_value(name, v) for v in frame[f"_k{i}"]]
        frame[name] = pd.Series(values, index=frame.index, dtype="object")
    if query.grain is not None:
        frame["period_start"] = frame[PERIOD].astype("str")
    return frame.drop(columns=[c for c in (*keys, PERIOD) if c in frame.columns])


def finish(
    kpi: cat.Kpi,
    query: Query,
    stats_frame: pd.DataFrame,
    first: date | None,
    last: date | None,
    min_n: int,
) -> pd.DataFrame:
    """The output rows: kpi, one column per dimension, period_start, value, n, ci, flag."""
    frame = filled(kpi, query, stats_frame, first, last)
    result = intervals(kpi.method, frame, scale_of(kpi)) if len(frame) else None
    n = frame["n"].to_numpy(dtype="int64")
    out = pd.DataFrame({"kpi": [kpi.key] * len(frame)})
    for name in (*query.by, *(("period_start",) if query.grain is not None else ())):
        out[name] = pd.Series(frame[name].to_numpy(), dtype="object")
    empty = np.full(len(frame), np.nan)
    out["value"] = _clean(result.value) if result is not None else empty
    out["n"] = n
    out["ci_low"] = _clean(result.low) if result is not None else empty
    out["ci_high"] = _clean(result.high) if result is not None else empty
    out.loc[out["n"] == 0, ["value", "ci_low", "ci_high"]] = np.nan
    out["low_sample"] = np.asarray(stats.low_sample(n, min_n), dtype=bool)
    return out


def _clean(values: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.asarray(values, dtype="float64").reshape(-1)
