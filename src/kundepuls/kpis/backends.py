"""Where KPIs are computed: the embedded store via DuckDB, PostgreSQL, or a warehouse.

- Embedded (SQLite URL): an in-process DuckDB 1.5.5 reads the SQLite file through the
  ``duckdb-extension-sqlite`` package, installed from the file inside that package, so
  nothing is ever downloaded.
- PostgreSQL URL: Ibis's postgres backend runs the KPIs in the database itself.
- Warehouse mode (``KUNDEPULS_WAREHOUSE_URL``, any Ibis connection URL, e.g.
  ``pyspark:///path/to/warehouse`` or ``clickhouse://host/db``): the same KPIs over
  tables that follow the data contract in that engine. A notebook can instead hand an
  Ibis connection to :func:`kundepuls.kpis.show` as ``backend=``.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import ibis
from ibis.backends import BaseBackend
from sqlalchemy.engine import make_url

from kundepuls.config import Settings
from kundepuls.kit.errors import KundepulsError

WAREHOUSE_ENV = "KUNDEPULS_WAREHOUSE_URL"

# One DuckDB connection serves every thread; its queries must not interleave.
LOCK = threading.RLock()


def sqlite_extension() -> Path:
    """The SQLite reader shipped in the ``duckdb-extension-sqlite`` wheel."""
    import duckdb_extension_sqlite

    folder = Path(duckdb_extension_sqlite.__file__).parent / "extensions"
    path = folder / f"v{duckdb.__version__}" / "sqlite.duckdb_extension"
    if not path.exists():
        raise KundepulsError(
            f"the DuckDB SQLite reader for DuckDB {duckdb.__version__} is not installed "
            f"(expected {path}); install duckdb-extension-sqlite=={duckdb.__version__}"
        )
    return path


def attach_sqlite(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """Attach the SQLite file read-only as the default catalog of ``con``."""
    con.execute(f"INSTALL '{sqlite_extension()}'")
    con.execute("LOAD sqlite")
    quoted = database.replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS s (TYPE sqlite, READ_ONLY)")
    con.execute("USE s")


@lru_cache(maxsize=8)
def _embedded(database: str) -> BaseBackend:
    if not Path(database).exists():
        raise KundepulsError(f"no store at {database}; run `kundepuls init` first")
    con = duckdb.connect()
    attach_sqlite(con, database)
    return ibis.duckdb.from_connection(con)


@lru_cache(maxsize=8)
def _postgres(url: str) -> BaseBackend:
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


def backend_for(settings: Settings) -> BaseBackend:
    """The Ibis backend that computes KPIs for these settings.

    Examples
    --------
    >>> from kundepuls.config import Settings
    >>> backend_for(Settings(database_url="sqlite:////nowhere/kp.db"))  # doctest: +SKIP
    """
    warehouse = os.environ.get(WAREHOUSE_ENV)
    if warehouse:
        return _warehouse(warehouse)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return _embedded(str(Path(url.database or "kundepuls.db").resolve()))
    if url.get_backend_name() == "postgresql":
        return _postgres(settings.database_url)
    raise KundepulsError(f"KPIs cannot run on {url.get_backend_name()}; use SQLite or PostgreSQL")


def table_names(backend: BaseBackend) -> set[str]:
    """The tables the backend can see (cached per call site by the engine)."""
    with LOCK:
        return set(backend.list_tables())


def forget(settings: Settings | None = None) -> None:
    """Drop cached connections (tests that delete stores call this)."""
    _embedded.cache_clear()
    _postgres.cache_clear()
    _warehouse.cache_clear()


def describe(backend: BaseBackend) -> dict[str, Any]:
    """A small description of the backend for logs and the API."""
    return {"backend": backend.name}
