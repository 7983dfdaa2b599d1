"""Use cases of the dashboard: the overview's tiles, the tile choice and the targets.

A tile's numbers come from the KPI engine, three evaluations per KPI and no more: the
period (value, interval, n, low-sample flag; the target status is the engine's
:func:`kundepuls.stats.target_status`), the period before (the change and its p-value,
:mod:`kundepuls.kpis.differences`, as ``kpi compare`` does) and the sparkline (the
grain's last 12 periods). They are cached by the change marker of the tables they read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls import stats
from kundepuls.config import Settings
from kundepuls.dashboard import cache, repository
from kundepuls.dashboard.periods import Period
from kundepuls.kit.errors import KundepulsError
from kundepuls.kpis import catalog as cat
from kundepuls.kpis import differences as cmp
from kundepuls.kpis import service as kpis
from kundepuls.kpis.backends import backend_for
from kundepuls.kpis.engine import sufficient
from kundepuls.kpis.frames import Query
from kundepuls.kpis.results import filled, finish, scale_of

DEFAULT_TILES = (
    "nps",
    "csat",
    "ces",
    "first_response_hours",
    "resolution_hours",
    "fcr",
    "complaint_rate",
    "aov",
    "repeat_purchase_rate",
    "churn_rate",
)
ALWAYS = ("kpi_targets", "kpi_definitions")


@dataclass(frozen=True)
class Point:
    """One sparkline period."""

    start: date
    value: float
    low: float
    high: float
    n: int
    low_sample: bool


@dataclass(frozen=True)
class Change:
    """This period minus the one before, with its 95 % interval and p-value."""

    diff: float
    low: float
    high: float
    p_value: float

    @property
    def significant(self) -> bool:
        return bool(self.p_value < 0.05)


@dataclass(frozen=True)
class Numbers:
    """Everything a tile shows, computed once per KPI, period and store state."""

    key: str
    value: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    n: int = 0
    low_sample: bool = True
    target: float | None = None
    target_status: str = stats.NO_DATA
    change: Change | None = None
    spark: tuple[Point, ...] = ()
    problem: str | None = None


@dataclass
class Tile:
    """A tile: the KPI's declaration and its numbers."""

    kpi: cat.Kpi
    numbers: Numbers

    @property
    def key(self) -> str:
        return self.kpi.key


@dataclass
class Overview:
    period: Period
    tiles: list[Tile]
    marker: str
    min_sample: int
    state: State = field(repr=False)


@dataclass(frozen=True)
class State:
    """What one request reads once: the KPIs and targets, the marker, the chosen tiles."""

    registry: kpis.Registry
    marker: dict[str, str]
    keys: list[str]


def state_of(session: Session, settings: Settings, engine: Engine) -> State:
    """The registry, the store's change marker and the overview's KPI keys."""
    registry = kpis.registry(session, settings)
    return State(registry, repository.marker(engine), chosen(session, registry))


def tables_of(kpi: cat.Kpi) -> tuple[str, ...]:
    """The tables whose rows a KPI's numbers depend on."""
    extra = (kpi.stat.numerator,) if isinstance(kpi.stat, cat.Rate) else ()
    return (kpi.table, *extra, *ALWAYS)


def marker_text(marker: dict[str, str]) -> str:
    """A short text that changes whenever any marked table changes (for the client)."""
    import hashlib

    joined = ";".join(f"{k}={v}" for k, v in sorted(marker.items()))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def chosen(session: Session, registry: kpis.Registry) -> list[str]:
    """The overview's KPI keys in order: the stored choice, or the defaults."""
    keys = repository.tiles(session) or list(DEFAULT_TILES)
    return [key for key in keys if key in registry.kpis]


def overview(
    session: Session,
    settings: Settings,
    engine: Engine,
    period: Period,
    backend: BaseBackend | None = None,
    state: State | None = None,
) -> Overview:
    """The overview's tiles for ``period`` (numbers cached by the store's marker)."""
    state = state or state_of(session, settings, engine)
    registry, marker = state.registry, state.marker
    backend = backend or backend_for(settings)
    tiles = []
    for key in state.keys:
        kpi = registry.kpis[key]
        target = next((t.value for t in registry.targets if t.kpi == key and not t.where), None)
        key_parts = stamp(settings, kpi, period, marker)
        numbers = cache.cached(
            ("tile", *key_parts, target),
            lambda k=kpi, t=target: numbers_of(backend, settings, k, period, t),  # type: ignore[misc]
        )
        tiles.append(Tile(kpi, numbers))
    return Overview(period, tiles, marker_text(marker), settings.min_sample, state)


def stamp(
    settings: Settings, kpi: cat.Kpi, period: Period, marker: dict[str, str], *more: str
) -> tuple[Any, ...]:
    file_stamp = None
    if settings.kpi_file is not None and settings.kpi_file.exists():
        file_stamp = settings.kpi_file.stat().st_mtime_ns
    parts = tuple(marker.get(t, "") for t in (*tables_of(kpi), *more))
    return (settings.database_url, settings.timezone, settings.min_sample, file_stamp,
            kpi.key, period.start, period.end, period.previous, period.grain, parts)  # fmt: skip


def numbers_of(
    backend: BaseBackend, settings: Settings, kpi: cat.Kpi, period: Period, target: float | None
) -> Numbers:
    """Compute one tile's numbers with three engine evaluations."""
    tz, min_n = settings.tz, settings.min_sample
    now_query = Query(start=period.start, end=period.end)
    try:
        now_stats, first, last = sufficient(backend, kpi, now_query, tz)
        row = finish(kpi, now_query, now_stats, first, last, min_n).iloc[0]
        change = _change(backend, settings, kpi, period, now_query, (now_stats, first, last))
        spark_query = Query(grain=period.grain, start=period.spark_start, end=period.end)
        spark = finish(kpi, spark_query, *sufficient(backend, kpi, spark_query, tz), min_n)
    except KundepulsError as error:
        return Numbers(kpi.key, problem=str(error))
    value, low, high = float(row["value"]), float(row["ci_low"]), float(row["ci_high"])
    status = stats.target_status(
        [value], [low], [high], [np.nan if target is None else target], kpi.higher_is_better
    )[0]
    return Numbers(
        kpi.key,
        value=value,
        ci_low=low,
        ci_high=high,
        n=int(row["n"]),
        low_sample=bool(row["low_sample"]),
        target=target,
        target_status=str(status),
        change=change,
        spark=tuple(_points(spark)),
    )


def _change(
    backend: BaseBackend,
    settings: Settings,
    kpi: cat.Kpi,
    period: Period,
    now_query: Query,
    now: tuple[pd.DataFrame, date | None, date | None],
) -> Change | None:
    if kpi.method == "median":  # the engine compares means only; the tile shows none
        return None
    before_query = Query(start=period.previous[0], end=period.previous[1])
    before = sufficient(backend, kpi, before_query, settings.tz)
    a, b = filled(kpi, now_query, *now), filled(kpi, before_query, *before)
    diff = cmp.difference(kpi.method, a, b, scale_of(kpi))
    return Change(
        diff=float(np.asarray(diff.diff)[0]),
        low=float(np.asarray(diff.low)[0]),
        high=float(np.asarray(diff.high)[0]),
        p_value=float(np.asarray(diff.p_value)[0]),
    )


def _points(frame: pd.DataFrame) -> list[Point]:
    return [
        Point(
            start=date.fromisoformat(str(r["period_start"])),
            value=float(r["value"]),
            low=float(r["ci_low"]),
            high=float(r["ci_high"]),
            n=int(r["n"]),
            low_sample=bool(r["low_sample"]),
        )
        for _, r in frame.iterrows()
    ]
