"""Where KPIs are computed: the embedded store via DuckDB, PostgreSQL, or a warehouse.

- Embedded (SQLite URL): an in-process DuckDB 1.5.5 computes over a columnar copy of the
  KPI tables in memory that follows every commit to the store (see
  :mod:`kundepuls.kpis.mirror`).
- PostgreSQL URL: Ibis's postgres backend runs the KPIs in the database itself.
- Warehouse mode (``KUNDEPULS_WAREHOUSE_URL``, any Ibis connection URL, e.g.
  ``pyspark:///path/to/warehouse`` or ``clickhouse://host/db``): the same KPIs over
  tables that follow the data contract in that engine. A notebook can instead hand an
  Ibis connection to :func:`kundepuls.kpis.show` as ``backend=``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pandas as pd
from ibis.backends import BaseBackend
from sqlalchemy.engine import make_url

from kundepuls.config import Settings
from kundepuls.kit.errors import KundepulsError
from kundepuls.kpis.mirror import Mirror

WAREHOUSE_ENV = "KUNDEPULS_WAREHOUSE_URL"

# One DuckDB connection serves every thread; its queries must not interleave.
LOCK = threading.RLock()


def embedded(database: str) -> BaseBackend:
    """A new DuckDB connection with an up-to-date copy of the SQLite store at ``database``."""
    if not Path(database).exists():
        raise KundepulsError(f"no store at {database}; run `kundepuls init` first")
    con = duckdb.connect()
    copy = Mirror(con, database)
    copy.sync()
    backend = ibis.duckdb.from_connection(con)
    backend._kundepuls_mirror = copy
    return backend


def sync(backend: BaseBackend) -> bool:
    """Bring the backend's copy of the store up to date (a no-op off the embedded store).

    Costs one ``PRAGMA data_version`` when nothing was committed since the last call.
    """
    copy: Mirror | None = getattr(backend, "_kundepuls_mirror", None)
    if copy is None:
        return False
    with LOCK:
        if copy.sync():
            backend._kundepuls_cache = None  # bounds and schemas may have changed
            return True
        return False


def versions(backend: BaseBackend, names: Iterable[str]) -> tuple[object, ...] | None:
    """What the backend's copy holds of ``names`` right now, after bringing it up to date.

    Equal tuples mean equal data, so results computed from these tables can be reused;
    None off the embedded store, where no copy tells cheaply whether data changed.
    """
    copy: Mirror | None = getattr(backend, "_kundepuls_mirror", None)
    if copy is None:
        return None
    with LOCK:
        sync(backend)
        return tuple(copy.states.get(name) for name in sorted(names))


def postgres(url: str) -> BaseBackend:
    """A new Ibis connection to the PostgreSQL store at ``url``."""
    parsed = make_url(url)
    return ibis.postgres.connect(
        host=parsed.host or "localhost",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
    )


@lru_cache(maxsize=4)
def _warehouse(url: str) -> BaseBackend:
    try:
        backend: BaseBackend = ibis.connect(url)
    except Exception as error:  # any driver error: the user must fix the URL or server
        raise KundepulsError(f"cannot connect to the warehouse {WAREHOUSE_ENV}: {error}") from None
    return backend


def connect(settings: Settings) -> BaseBackend:
    """A new connection to the engine that computes KPIs for these settings."""
    warehouse = os.environ.get(WAREHOUSE_ENV)
    if warehouse:
        return _warehouse(warehouse)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return embedded(str(Path(url.database or "kundepuls.db").resolve()))
    if url.get_backend_name() == "postgresql":
        return postgres(settings.database_url)
    raise KundepulsError(f"KPIs cannot run on {url.get_backend_name()}; use SQLite or PostgreSQL")


_SHARED: dict[tuple[str, str | None], BaseBackend] = {}


def backend_for(settings: Settings) -> BaseBackend:
    """The process's shared Ibis backend that computes KPIs for these settings.

    Examples
    --------
    >>> from kundepuls.config import Settings
    >>> backend_for(Settings(database_url="sqlite:////nowhere/kp.db"))  # doctest: +SKIP
    """
    key = (settings.database_url, os.environ.get(WAREHOUSE_ENV))
    with LOCK:
        if key not in _SHARED:
            _SHARED[key] = connect(settings)
        return _SHARED[key]


def run(expr: Any) -> pd.DataFrame:
    """Execute a table expression into pandas (through Arrow, the same on every backend)."""
    with LOCK:
        return expr.to_pyarrow().to_pandas()  # type: ignore[no-any-return]


def scalar(expr: Any) -> Any:
    """Execute a scalar expression into a Python value."""
    with LOCK:
        return expr.to_pyarrow().as_py()


# Listing tables and reading their schemas costs a query each; KPIs ask for both many
# times a second on a dashboard, while tables and columns change rarely.
TABLE_TTL = 30.0


def backend_cache(backend: BaseBackend) -> dict[str, Any]:
    """A per-connection cache that is emptied every ``TABLE_TTL`` seconds."""
    return _cache(backend)


def _cache(backend: BaseBackend) -> dict[str, Any]:
    cache: dict[str, Any] | None = getattr(backend, "_kundepuls_cache", None)
    if cache is None or time.monotonic() - cache["at"] > TABLE_TTL:
        cache = {"at": time.monotonic(), "names": None, "tables": {}}
        backend._kundepuls_cache = cache
    return cache


def table_names(backend: BaseBackend, refresh: bool = False) -> set[str]:
    """The tables the backend can see (remembered for a few seconds).

    Every KPI asks for them first, so a commit to the store since the last query is
    copied here, once per KPI, before the query reads anything.
    """
    with LOCK:
        sync(backend)
        cache = _cache(backend)
        if cache["names"] is None or refresh:
            cache["names"] = set(backend.list_tables())
        return set(cache["names"])


def table(backend: BaseBackend, name: str) -> Any:
    """The Ibis table ``name`` (its schema remembered for a few seconds)."""
    with LOCK:
        tables = _cache(backend)["tables"]
        if name not in tables:
            tables[name] = backend.table(name)
        return tables[name]


def forget() -> None:
    """Close and drop the shared connections (tests that drop stores call this)."""
    with LOCK:
        for backend in _SHARED.values():
            backend.disconnect()
            copy: Mirror | None = getattr(backend, "_kundepuls_mirror", None)
            if copy is not None:
                copy.close()
        _SHARED.clear()


def describe(backend: BaseBackend) -> dict[str, Any]:
    """A small description of the backend for logs and the API."""
    return {"backend": backend.name}
