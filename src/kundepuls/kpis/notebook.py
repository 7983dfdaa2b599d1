"""The Python API for notebooks: the same KPIs as ``kundepuls kpi``, as pandas DataFrames."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pandas as pd
from ibis.backends import BaseBackend
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kundepuls.config import Settings, get_settings
from kundepuls.db import engine_for, session_scope
from kundepuls.kpis import service

Where = Mapping[str, str] | Sequence[str] | None


@contextmanager
def store_session(settings: Settings) -> Iterator[Session | None]:
    """A session on the store (custom KPIs, targets), or None where there is no store."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        yield None  # no store here (e.g. only a warehouse): built-in KPIs only
        return
    with session_scope(engine_for(settings.database_url)) as session:
        yield session


def _where(where: Where) -> list[str]:
    if where is None:
        return []
    if isinstance(where, Mapping):
        return [f"{k}={v}" for k, v in where.items()]
    return list(where)


def show(
    key: str,
    by: Sequence[str] = (),
    grain: str | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    where: Where = None,
    backend: BaseBackend | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """One KPI as a DataFrame: kpi, the ``by`` columns, period_start, value, n, ci, flag.

    ``start``/``end`` are local dates (``end`` inclusive); ``backend`` is any Ibis
    connection holding tables of the data contract (warehouse mode).

    Examples
    --------
    >>> from kundepuls import kpis
    >>> kpis.show("nps", by=["region"], grain="month")  # doctest: +SKIP
    """
    settings = settings or get_settings()
    query = service.make_query(list(by), grain, start, end, _where(where))
    with store_session(settings) as session:
        return service.show(session, settings, key, query, backend)


def compare(
    key: str,
    by: Sequence[str] = (),
    start: str | date | None = None,
    end: str | date | None = None,
    where: Where = None,
    against: str | None = None,
    previous: tuple[date, date] | None = None,
    backend: BaseBackend | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Period over period, or each ``by`` segment vs the rest, with p- and q-values.

    Examples
    --------
    >>> kpis.compare("csat", by=["region"], start="2026-01-01", end="2026-03-31")  # doctest: +SKIP
    """
    settings = settings or get_settings()
    query = service.make_query(list(by), None, start, end, _where(where))
    with store_session(settings) as session:
        return service.compare(session, settings, key, query, against, previous, backend)


def list_kpis(settings: Settings | None = None) -> pd.DataFrame:
    """Every KPI (built-in and custom) with its labels, unit, direction and target."""
    settings = settings or get_settings()
    with store_session(settings) as session:
        return pd.DataFrame(service.list_kpis(session, settings))
