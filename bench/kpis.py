"""Benchmark: every built-in KPI by region × month on the embedded store, against hand-written SQL.

Generates (numpy) 1,000,000 responses, 2,000,000 orders, 500,000 tickets, 100,000
complaints and 200,000 customers into a SQLite store (``--scale 0.1`` for a tenth), then
times the KPI engine (Ibis on its in-memory DuckDB copy of the store) cold and warm, and a
baseline measured in the same run: hand-written DuckDB SQL over the same DuckDB copy
computing the same numbers (and, once, over the attached SQLite file: the old path).
Then what one new answer and one update cost the next query. Prints the ratios and the
peak memory; ``--postgres URL`` also loads the data into PostgreSQL and times the
dashboard set there.

    python bench/kpis.py --scale 0.1
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kundepuls.config import Settings
from kundepuls.db import migrate
from kundepuls.kpis.backends import connect
from kundepuls.kpis.catalog import KPIS
from kundepuls.kpis.engine import evaluate
from kundepuls.kpis.frames import Query

TZ = ZoneInfo("Europe/Oslo")
BASE = np.datetime64("2025-01-01T00:00:00")
SPAN_S = 2 * 365 * 86400
QUERY = Query(by=("region",), grain="month")
LOCAL = "timezone('Europe/Oslo', ({c}::TIMESTAMP AT TIME ZONE 'UTC'))"


def _times(rng: np.random.Generator, n: int) -> np.ndarray:
    return BASE + rng.integers(0, SPAN_S, n).astype("timedelta64[s]")


def _maybe(rng: np.random.Generator, values: np.ndarray, share: float) -> pa.Array:
    return pa.array(values, mask=rng.random(len(values)) < share)


def generate(scale: float, seed: int = 1) -> dict[str, pa.Table]:
    """The benchmark's tables as Arrow, in the data contract's columns."""
    rng = np.random.default_rng(seed)
    n_c, n_r, n_o, n_t, n_k = (int(x * scale) for x in (2e5, 1e6, 2e6, 5e5, 1e5))
    ids = np.char.add("c", np.arange(n_c).astype(str))
    customers = pa.table({
        "customer_id": ids,
        "region": rng.choice(["Nord", "Midt", "Vest", "Sør", "Øst"], n_c),
        "segment": rng.choice(["private", "business"], n_c),
        "attributes": np.full(n_c, "{}"),
        "updated_at": np.full(n_c, BASE),
    })  # fmt: skip

    def who(n: int) -> np.ndarray:
        return ids[rng.integers(0, n_c, n)]

    created = _times(rng, n_t)
    k_created = _times(rng, n_k)
    status = rng.choice(
        ["open", "in_progress", "resolved", "rejected"], n_k, p=[0.2, 0.1, 0.6, 0.1]
    )
    k_resolved = k_created + rng.integers(3600, 600000, n_k).astype("timedelta64[s]")
    tables = {
        "customers": customers,
        "responses": pa.table({
            "response_id": np.char.add("r", np.arange(n_r).astype(str)),
            "submitted_at": _times(rng, n_r),
            "customer_id": who(n_r),
            "touchpoint": rng.choice(["delivery", "web", "store"], n_r),
            "nps": _maybe(rng, rng.integers(0, 11, n_r), 0.3),
            "csat": _maybe(rng, rng.integers(1, 6, n_r), 0.5),
            "ces": _maybe(rng, rng.integers(1, 8, n_r), 0.6),
            "attributes": np.full(n_r, "{}"),
            "updated_at": np.full(n_r, BASE),
        }),
        "orders": pa.table({
            "order_id": np.char.add("o", np.arange(n_o).astype(str)),
            "customer_id": who(n_o),
            "ordered_at": _times(rng, n_o),
            "amount": np.round(rng.gamma(2.0, 400.0, n_o), 2),
            "currency": np.full(n_o, "NOK"),
            "channel": rng.choice(["web", "store"], n_o),
            "attributes": np.full(n_o, "{}"),
            "updated_at": np.full(n_o, BASE),
        }),
        "tickets": pa.table({
            "ticket_id": np.char.add("t", np.arange(n_t).astype(str)),
            "created_at": created,
            "customer_id": who(n_t),
            "first_response_at": _maybe(
                rng, created + rng.integers(60, 200000, n_t).astype("timedelta64[s]"), 0.1),
            "resolved_at": _maybe(
                rng, created + rng.integers(600, 900000, n_t).astype("timedelta64[s]"), 0.2),
            "contacts": _maybe(rng, rng.integers(1, 4, n_t), 0.3),
            "reopened": _maybe(rng, rng.random(n_t) < 0.1, 0.3),
            "attributes": np.full(n_t, "{}"),
            "updated_at": np.full(n_t, BASE),
        }),
        "complaints": pa.table({
            "complaint_id": np.char.add("k", np.arange(n_k).astype(str)),
            "created_at": k_created,
            "category": rng.choice(["delivery", "quality", "price"], n_k),
            "customer_id": who(n_k),
            "status": status,
            "resolved_at": pa.array(k_resolved, mask=status != "resolved"),
            "attributes": np.full(n_k, "{}"),
            "updated_at": np.full(n_k, BASE),
        }),
    }  # fmt: skip
    return tables


def write_store(path: Path, tables: dict[str, pa.Table]) -> None:
    """Create the store with the migrations, then bulk-insert through DuckDB."""
    migrate(f"sqlite:///{path}")
    con = duckdb.connect()
    con.execute(f"INSTALL '{_extension()}'")
    con.execute("LOAD sqlite")
    con.execute(f"ATTACH '{path}' AS s (TYPE sqlite)")
    for name, table in tables.items():
        con.register("src", table)
        columns = ", ".join(table.column_names)
        con.execute(f"INSERT INTO s.{name} ({columns}) SELECT {columns} FROM src")
        con.unregister("src")
    con.close()


def _extension() -> Path:
    """DuckDB's SQLite reader from the ``duckdb-extension-sqlite`` wheel (no download)."""
    import duckdb_extension_sqlite

    folder = Path(duckdb_extension_sqlite.__file__).parent / "extensions"
    return folder / f"v{duckdb.__version__}" / "sqlite.duckdb_extension"


def attach_sqlite(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """The old path, for comparison: DuckDB reading the SQLite file through its reader.

    Only in this benchmark: beside Python's SQLite in a server it breaks the WAL index.
    """
    con.execute(f"INSTALL '{_extension()}'")
    con.execute("LOAD sqlite")
    quoted = database.replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS s (TYPE sqlite, READ_ONLY)")
    con.execute("USE s")


def _local(column: str) -> str:
    return LOCAL.format(c=column)


def baseline_sql() -> dict[str, str]:
    """Hand-written DuckDB SQL per KPI, by region × local month, same numbers as the engine."""
    month = "date_trunc('month', " + _local("{t}") + ")::DATE"
    fact = (
        "SELECT c.region, " + month + " AS m, f.* FROM {table} f "
        "LEFT JOIN customers c ON c.customer_id = f.customer_id"
    )

    def q(table: str, t: str, select: str, where: str = "TRUE") -> str:
        return (f"SELECT region, m, {select} FROM ({fact.format(table=table, t='f.' + t)}) "
                f"WHERE {where} GROUP BY ALL")  # fmt: skip

    hours = "(epoch({b}) - epoch({a})) / 3600.0"
    mean = "count({x}) AS n, avg({x}) AS mean, stddev_samp({x}) AS sd"
    frh = hours.format(a="created_at", b="first_response_at")
    rh = hours.format(a="created_at", b="resolved_at")
    per_customer = (f"SELECT region, m, customer_id, count(*) AS k FROM "
                    f"({fact.format(table='orders', t='f.ordered_at')}) GROUP BY ALL")  # fmt: skip
    active = f"SELECT DISTINCT region, m, customer_id FROM ({per_customer})"
    return {
        "nps": q("responses", "submitted_at",
                 "count(*) n, count(*) FILTER (nps >= 9) p, count(*) FILTER (nps <= 6) d",
                 "nps IS NOT NULL"),
        "csat": q("responses", "submitted_at", "count(*) n, count(*) FILTER (csat >= 4) s",
                  "csat IS NOT NULL"),
        "csat_mean": q("responses", "submitted_at", mean.format(x="csat")),
        "ces": q("responses", "submitted_at", mean.format(x="ces")),
        "first_response_hours": q("tickets", "created_at", mean.format(x=frh)),
        "first_response_hours_median": q("tickets", "created_at",
                                         f"count({frh}) n, median({frh}) med"),
        "resolution_hours": q("tickets", "created_at", mean.format(x=rh)),
        "resolution_hours_median": q("tickets", "created_at", f"count({rh}) n, median({rh})"),
        "fcr": q("tickets", "created_at",
                 "count(*) n, count(*) FILTER (coalesce(contacts, 1) = 1 AND "
                 "NOT coalesce(reopened::BOOLEAN, FALSE)) s", "resolved_at IS NOT NULL"),
        "purchase_frequency": f"SELECT region, m, {mean.format(x='k')} FROM ({per_customer}) "
                              "GROUP BY ALL",
        "aov": q("orders", "ordered_at", mean.format(x="amount")),
        "repeat_purchase_rate": f"SELECT region, m, count(*) n, count(*) FILTER (k >= 2) s "
                                f"FROM ({per_customer}) GROUP BY ALL",
        "clv_historical": f"WITH s AS (SELECT region, m, customer_id, sum(amount) v FROM "
                          f"({fact.format(table='orders', t='f.ordered_at')}) GROUP BY ALL), "
                          "e AS (SELECT DISTINCT m AS e FROM s), "
                          "t AS (SELECT region, e, customer_id, sum(v) x FROM s "
                          "JOIN e ON s.m <= e.e GROUP BY ALL) SELECT region, e, "
                          + mean.format(x="x") + " FROM t GROUP BY ALL",
        "churn_rate": f"WITH a AS ({active}) SELECT p.region, p.m + INTERVAL 1 MONTH AS m, "
                      "count(*) n, count(*) FILTER (c.customer_id IS NULL) s FROM a p "
                      "LEFT JOIN a c ON c.customer_id = p.customer_id AND c.region "
                      "IS NOT DISTINCT FROM p.region AND c.m = p.m + INTERVAL 1 MONTH GROUP BY ALL",
        "retention_rate": f"WITH a AS ({active}) SELECT p.region, p.m + INTERVAL 1 MONTH AS m, "
                          "count(*) n, count(c.customer_id) s FROM a p LEFT JOIN a c ON "
                          "c.customer_id = p.customer_id AND c.region IS NOT DISTINCT FROM "
                          "p.region AND c.m = p.m + INTERVAL 1 MONTH GROUP BY ALL",
        "complaint_count": q("complaints", "created_at", "count(*) n"),
        "complaint_rate": "SELECT o.region, o.m, o.n, coalesce(k.c, 0) FROM ("
                          + q("orders", "ordered_at", "count(*) n") + ") o LEFT JOIN ("
                          + q("complaints", "created_at", "count(*) c") + ") k ON "
                          "k.region IS NOT DISTINCT FROM o.region AND k.m = o.m",
        "complaint_resolution_rate": q("complaints", "created_at",
                                       "count(*) n, count(*) FILTER (status = 'resolved') s"),
        "complaint_resolution_hours": q("complaints", "created_at", mean.format(x=rh),
                                        "status = 'resolved' AND resolved_at IS NOT NULL"),
    }  # fmt: skip


def timed(fn: object, repeat: int) -> tuple[float, float]:
    """(first run, median of the next ``repeat`` runs) in seconds."""
    runs = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        runs.append(time.perf_counter() - start)
    return runs[0], statistics.median(runs[1:] or runs)


def bench_store(path: Path, repeat: int, attach: bool) -> None:
    settings = Settings(database_url=f"sqlite:///{path}")
    start = time.perf_counter()
    backend = connect(settings)  # the cold load: every KPI table copied into DuckDB
    print(f"cold load of the DuckDB copy: {time.perf_counter() - start:.2f} s")
    copy = backend.con
    con = duckdb.connect()
    attach_sqlite(con, str(path))
    sql = baseline_sql()
    keys = [k for k in KPIS if k != "response_rate"]
    print(
        f"{'kpi':30} {'cold s':>8} {'fresh s':>8} {'sql s':>8} {'ratio':>6} "
        f"{'again s':>8} {'attach s':>8}"
    )
    totals = dict.fromkeys(("fresh", "sql", "again", "attach"), 0.0)

    def forget_results() -> None:
        backend._kundepuls_results = None

    for key in keys:

        def compute(k: str = key) -> None:
            forget_results()
            evaluate(backend, KPIS[k], QUERY, TZ)

        cold, fresh = timed(compute, repeat)
        _c, again = timed(lambda k=key: evaluate(backend, KPIS[k], QUERY, TZ), repeat)
        _c, base = timed(lambda k=key: copy.execute(sql[k]).to_arrow_table(), repeat)
        old = timed(lambda k=key: con.execute(sql[k]).to_arrow_table(), 0)[0] if attach else 0.0
        for name, value in (("fresh", fresh), ("sql", base), ("again", again), ("attach", old)):
            totals[name] += value
        print(
            f"{key:30} {cold:8.3f} {fresh:8.3f} {base:8.3f} {fresh / base:6.2f} "
            f"{again:8.3f} {old:8.3f}"
        )

    def dashboard(remembered: bool) -> None:
        if not remembered:
            forget_results()
        for k in KPIS:
            evaluate(backend, KPIS[k], QUERY, TZ)

    _c, fresh = timed(lambda: dashboard(False), repeat)
    _c, again = timed(lambda: dashboard(True), repeat)
    print(
        f"{'whole set (engine)':30} {'':8} {fresh:8.3f} {totals['sql']:8.3f} "
        f"{fresh / totals['sql']:6.2f} {again:8.3f} {totals['attach']:8.3f}"
    )
    print(
        "fresh: computed from the DuckDB copy; again: the same question between two commits "
        "(remembered until a table it reads changes); attach: DuckDB reading SQLite directly"
    )
    refresh(path, backend)
    backend.disconnect()


def refresh(path: Path, backend: object) -> None:
    """What one committed answer, one update in place and no change cost the next NPS query."""
    import sqlite3

    def nps() -> float:
        start = time.perf_counter()
        evaluate(backend, KPIS["nps"], QUERY, TZ)
        return time.perf_counter() - start

    lite = sqlite3.connect(path)
    print(f"nps, nothing committed:       {nps():.3f} s")
    with lite:
        lite.execute(
            "INSERT INTO responses (response_id, submitted_at, nps, attributes, updated_at) "
            "VALUES ('bench-new', '2025-06-01 10:00:00.000000', 10, '{}', '2025-06-01 10:00:00')"
        )
    print(f"nps after one new answer:     {nps():.3f} s (appends one row)")
    with lite:
        lite.execute("UPDATE responses SET nps = 0 WHERE response_id = 'bench-new'")
    print(f"nps after one update:         {nps():.3f} s (copies responses again)")
    lite.close()


def bench_postgres(url: str, tables: dict[str, pa.Table], repeat: int) -> None:
    import sqlalchemy as sa

    migrate(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        for name, table in tables.items():
            # Arrow's nullable integers stay integers (pandas would make them floats).
            frame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
            with raw.cursor().copy(f"COPY {name} ({', '.join(frame.columns)}) FROM STDIN") as cp:
                for row in frame.itertuples(index=False, name=None):
                    cp.write_row([None if v is pd.NA or v != v else v for v in row])
    engine.dispose()
    backend = connect(Settings(database_url=url))

    def dashboard() -> None:
        for k in KPIS:
            evaluate(backend, KPIS[k], QUERY, TZ)

    cold, warm = timed(dashboard, repeat)
    print(f"{'whole set on PostgreSQL':30} {cold:8.3f} {warm:8.3f}")
    backend.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL URL of an empty database")
    parser.add_argument(
        "--no-attach", action="store_true", help="skip the old SQL-over-attached-SQLite figures"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        # The data are generated and written in a child process, so the peak memory printed
        # below is the KPI engine's (its DuckDB copy included), not the generator's.
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            rows = pool.apply(_build, (path, args.scale))
        print(f"store: {rows} written in {time.perf_counter() - start:.1f} s")
        bench_store(path, args.repeat, not args.no_attach)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of the KPI engine's process: {peak:.0f} MB")
    if args.postgres:
        bench_postgres(args.postgres, generate(args.scale), args.repeat)


def _build(path: Path, scale: float) -> dict[str, int]:
    tables = generate(scale)
    write_store(path, tables)
    return {k: t.num_rows for k, t in tables.items()}


if __name__ == "__main__":
    main()
