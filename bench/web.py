"""Benchmark: server time of the overview and of a KPI detail request, cold and warm.

Generates the KPI benchmark's data (``bench/kpis.py``, ``--scale 0.02`` by default: about
20,000 responses, 40,000 orders, 10,000 tickets) into a SQLite store, serves kundepuls on
loopback (uvicorn in this process) and times, over real HTTP, with a signed-in session:

- the first overview after the server started (the engine copies the store once);
- the overview ``/`` (10 default tiles): *cold* (the tile cache and the engine's
  remembered answers emptied before each request: every KPI evaluated), *warm* (the
  same request again), and *after one new answer* (only the response KPIs are evaluated
  again);
- the KPI detail ``/api/v1/kpis/nps?by=region`` and its page ``/kpis/nps?by=region``
  (trend, breakdown, heat map, comparison): *cold* (the engine's remembered answers
  emptied) and *warm*.

The baseline, measured in the same run on the same engine connection, is the KPI
engine's own time for the same numbers, computed afresh (three evaluations per tile: the
period, the one before and the sparkline; one for the detail). Printed: p50 and p95 in
ms and their ratios to the baseline. Goal: overview p95 under 300 ms warm.

    python bench/web.py --scale 0.1
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kpis import generate, write_store
from kundepuls.accounts import service as accounts
from kundepuls.accounts import tokens
from kundepuls.app import create_app
from kundepuls.config import Settings
from kundepuls.dashboard import cache, periods, service
from kundepuls.db import make_engine, session_scope
from kundepuls.facts.models import Response
from kundepuls.kpis import backends
from kundepuls.kpis.catalog import KPIS
from kundepuls.kpis.engine import evaluate, sufficient
from kundepuls.kpis.frames import Query

PASSWORD = "benchmark-password-2026"
GOAL_MS = 300.0


def percentiles(runs: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    ordered = sorted(runs)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(
    call: Callable[[], object], repeat: int, before: Callable[[], None] | None = None
) -> list[float]:
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        call()
        runs.append(time.perf_counter() - start)
    return runs


def engine_time(settings: Settings, period: periods.Period, repeat: int) -> tuple[float, float]:
    """The engine's own median time for the overview's numbers and for the detail's."""
    backend = backends.backend_for(settings)
    tz = settings.tz
    queries = [
        Query(start=period.start, end=period.end),
        Query(start=period.previous[0], end=period.previous[1]),
        Query(grain=period.grain, start=period.spark_start, end=period.end),
    ]

    def overview() -> None:
        for key in service.DEFAULT_TILES:
            for query in queries:
                sufficient(backend, KPIS[key], query, tz)

    def detail() -> None:
        evaluate(backend, KPIS["nps"], Query(by=("region",)), tz)

    fresh = forget_answers(settings)
    return (statistics.median(timed(overview, repeat, fresh)),
            statistics.median(timed(detail, repeat, fresh)))  # fmt: skip


def forget_answers(settings: Settings) -> Callable[[], None]:
    """Empty the engine's remembered answers (its store copy stays): a fresh computation."""
    backend = backends.backend_for(settings)

    def forget() -> None:
        memory = getattr(backend, "_kundepuls_results", None)
        if memory is not None:
            memory.clear()

    return forget


def start_server(url: str) -> tuple[uvicorn.Server, threading.Thread, str]:
    app = create_app(Settings(database_url=url))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


def add_answer(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Response(response_id=f"b-{uuid.uuid4().hex}", submitted_at=datetime.now(UTC),
                             nps=9, csat=4, ces=6))  # fmt: skip


def report(name: str, runs: list[float], baseline: float) -> float:
    p50, p95 = percentiles(runs)
    print(f"{name:42} {p50:9.1f} {p95:9.1f} {p50 / (baseline * 1000):9.2f}")
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--repeat", type=int, default=20, help="warm requests per measure")
    parser.add_argument("--cold", type=int, default=5, help="cold requests per measure")
    args = parser.parse_args()
    tables = generate(args.scale)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        write_store(path, tables)
        url = f"sqlite:///{path}"
        print(f"store: { {k: t.num_rows for k, t in tables.items()} }")
        engine = make_engine(url)
        with session_scope(engine) as session:
            user = accounts.create_user(session, "bench@kundepuls.no", "owner", PASSWORD)
            _row, token = tokens.create_token(session, user, "bench", "read")
        settings = Settings(database_url=url)
        period = periods.resolve(None, None, None, datetime.now(settings.tz).date())
        server, thread, base = start_server(url)
        try:
            run(args, base, token, engine, settings, period)
        finally:
            server.should_exit = True
            thread.join(20)
            engine.dispose()


def run(args: argparse.Namespace, base: str, token: str, engine: Engine, settings: Settings,
        period: periods.Period) -> None:  # fmt: skip
    with httpx.Client(base_url=base, timeout=300) as client:
        client.post("/login", data={"email": "bench@kundepuls.no", "password": PASSWORD})

        def overview() -> None:
            assert client.get("/").status_code == 200

        def detail() -> None:
            answer = client.get("/api/v1/kpis/nps", params={"by": "region"},
                                headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            assert answer.status_code == 200

        first = timed(overview, 1)  # connections, the engine's copy of the store, templates
        print(f"first overview after the server started: {first[0] * 1000:.0f} ms")
        engine_overview, engine_detail = engine_time(settings, period, max(3, args.cold))
        print(f"engine baseline: overview {engine_overview * 1000:.1f} ms "
              f"({len(service.DEFAULT_TILES)} KPIs × 3 evaluations), "
              f"detail {engine_detail * 1000:.1f} ms")  # fmt: skip
        print(f"{'request':42} {'p50 ms':>9} {'p95 ms':>9} {'p50/eng':>9}")
        fresh = forget_answers(settings)

        def cold() -> None:
            cache.forget()
            fresh()

        report("overview cold (every KPI evaluated)", timed(overview, args.cold, cold),
               engine_overview)  # fmt: skip
        overview()
        warm = report("overview warm", timed(overview, args.repeat), engine_overview)
        report("overview after one new answer", timed(overview, args.cold,
               lambda: add_answer(engine)), engine_overview)  # fmt: skip
        report(
            "tiles fragment (live refresh) warm",
            timed(lambda: client.get("/overview/tiles"), args.repeat),
            engine_overview,
        )
        report("KPI detail cold (computed afresh)", timed(detail, args.cold, fresh),
               engine_detail)  # fmt: skip
        detail()
        report("KPI detail warm", timed(detail, args.repeat), engine_detail)

        def page() -> None:
            assert client.get("/kpis/nps", params={"by": "region"}).status_code == 200

        # The page adds a trend, a weekday × hour heat map and a comparison to the breakdown,
        # so its ratio is to the one breakdown's evaluation, not to all it computes.
        report("KPI detail page cold", timed(page, args.cold, fresh), engine_detail)
        page()
        report("KPI detail page warm", timed(page, args.repeat), engine_detail)
        verdict = "met" if warm < GOAL_MS else "NOT met"
        print(f"goal: overview p95 warm < {GOAL_MS:.0f} ms: {verdict} ({warm:.1f} ms)")


if __name__ == "__main__":
    main()
