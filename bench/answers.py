"""Benchmark: survey answers per second through the public pages, against a bare insert.

A server (uvicorn, one process, 127.0.0.1) serves the real app plus a bare endpoint that
does the same single-row insert into ``responses`` of the same SQLite file. A load loop in
this (second) process sends a bounded number of one-click answers (``/s/{token}/score/{n}``,
each a committed answer) and the same number of bare inserts, with the same concurrency
and kept-alive connections, and stops by itself (bounded count and time). The two run in
interleaved rounds of equal size (which goes first alternates), so that a busy machine
slows both alike; it prints answers/s and p95 latency of both, the ratio of each round and
their median (the figure to judge), and checks that every accepted answer is in the store.

    python bench/answers.py [--answers 1200] [--rounds 6] [--concurrency 8] [--seconds 120]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kundepuls.config import Settings  # noqa: E402
from kundepuls.db import make_engine, migrate, session_scope  # noqa: E402
from kundepuls.facts.models import Response  # noqa: E402
from kundepuls.surveys.definitions import parse_definition  # noqa: E402
from kundepuls.surveys.distribution import invite  # noqa: E402
from kundepuls.surveys.service import save_survey  # noqa: E402

SURVEY = {"key": "bench", "questions": [{"id": "nps", "type": "nps", "follow_up": True}]}


WARM = 40  # untimed answers and bare inserts that warm both paths first


def serve(url: str, port: int) -> None:
    """The server process: the app plus the bare baseline endpoint."""
    import uvicorn
    from fastapi import Request

    from kundepuls.app import create_app
    from kundepuls.kit.security import RateLimiter

    settings = Settings(database_url=url, secret_key="bench")
    app = create_app(settings)
    app.state.survey_limiter = RateLimiter(rate=1e12, per=1)
    engine = make_engine(url)
    insert = sa.insert(Response)

    def bare(n: int, request: Request) -> dict[str, str]:
        row_id = f"bare-{uuid.uuid4().hex}"
        with engine.begin() as conn:
            conn.execute(
                insert,
                {
                    "response_id": row_id,
                    "submitted_at": datetime.now(UTC),
                    "nps": n,
                    "survey": "bare",
                    "attributes": {},
                    "updated_at": datetime.now(UTC),
                },
            )
        return {"response_id": row_id}

    app.add_api_route("/bench/bare/{n}", bare, methods=["POST"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def prepare(url: str, count: int) -> dict[str, str]:
    """A store with one survey and ``count`` open invitations; token → invitation id."""
    migrate(url)
    settings = Settings(database_url=url, secret_key="bench")
    engine = make_engine(url)
    tokens: dict[str, str] = {}
    with session_scope(engine) as session:
        survey, _ = save_survey(session, parse_definition(SURVEY))
        now = datetime.now(UTC)
        for _ in range(count):
            made = invite(session, survey, None, settings=settings, now=now, channel="link")
            assert made.token is not None
            tokens[made.token] = made.invitation.invitation_id
    engine.dispose()
    return tokens


class Totals:
    """Requests, time and latencies summed over rounds."""

    def __init__(self) -> None:
        self.accepted: list[str] = []
        self.failed = 0
        self.elapsed = 0.0
        self.latencies: list[float] = []

    def add(self, run: dict[str, Any]) -> None:
        self.accepted += run["accepted"]
        self.failed += run["failed"]
        self.elapsed += run["elapsed"]
        self.latencies += run["latencies"]

    def run(self) -> dict[str, Any]:
        """These totals in the form ``load`` returns, to add them to others."""
        return {
            "accepted": self.accepted,
            "failed": self.failed,
            "elapsed": self.elapsed,
            "latencies": self.latencies,
        }

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        return {
            "done": len(self.accepted),
            "failed": self.failed,
            "per_second": len(self.accepted) / self.elapsed if self.elapsed else 0.0,
            "p50_ms": 1000 * statistics.median(lat) if lat else 0.0,
            "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))] if lat else 0.0,
            "accepted": self.accepted,
        }


def load(
    clients: list[httpx.Client], paths: list[tuple[str, str]], seconds: float
) -> dict[str, Any]:
    """Send every request (method, path), one thread per (kept-alive) client; time-bounded."""
    latencies: list[float] = []
    accepted: list[str] = []
    failed: list[str] = []
    lock = threading.Lock()
    todo = iter(paths)
    deadline = time.monotonic() + seconds

    def worker(client: httpx.Client) -> None:
        while time.monotonic() < deadline:
            with lock:
                item = next(todo, None)
            if item is None:
                return
            method, path = item
            started = time.perf_counter()
            reply = client.request(method, path)
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                (accepted if reply.status_code == 200 else failed).append(path)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "accepted": accepted,
        "failed": len(failed),
        "elapsed": elapsed,
        "latencies": latencies,
    }


def run_rounds(
    clients: list[httpx.Client],
    bare: list[tuple[str, str]],
    answers: list[tuple[str, str]],
    args: argparse.Namespace,
) -> tuple[Totals, Totals, list[float]]:
    """Interleaved rounds of equal size; the ratio (answers/s over bare/s) of each round.

    A round runs half its bare inserts, its answers in two halves, then the other half of
    its bare inserts (ABBA), so that whatever favours going first or last cancels out.
    """
    baseline, measured, ratios = Totals(), Totals(), []
    rounds = max(min(args.rounds, len(answers) // 2), 1)
    half = len(answers) // rounds // 2
    budget = args.seconds / rounds / 4
    for number in range(rounds):
        start = 2 * number * half
        base, done = Totals(), Totals()
        base.add(load(clients, bare[start : start + half], budget))
        done.add(load(clients, answers[start : start + half], budget))
        done.add(load(clients, answers[start + half : start + 2 * half], budget))
        base.add(load(clients, bare[start + half : start + 2 * half], budget))
        base_rate = base.summary()["per_second"]
        ratios.append(done.summary()["per_second"] / base_rate if base_rate else 0.0)
        baseline.add(base.run())
        measured.add(done.run())
    return baseline, measured, ratios


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server process ended before it was up")
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the server did not come up within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1200)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return

    workdir = Path(tempfile.mkdtemp(prefix="kundepuls-bench-"))
    url = f"sqlite:///{workdir / 'kundepuls.db'}"
    tokens = prepare(url, args.answers + WARM)
    port = 8700 + os.getpid() % 500
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port)],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        wait_until_up(base, server)
        clients = [httpx.Client(base_url=base, timeout=30) for _ in range(args.concurrency)]
        # Warm both paths (connections, pools, templates, the parsed survey) before timing.
        every = [("GET", f"/s/{t}/score/{i % 11}") for i, t in enumerate(tokens)]
        load(clients, [("POST", f"/bench/bare/{i % 11}") for i in range(WARM)], 10)
        load(clients, every[:WARM], 10)
        answers = every[WARM:]
        bare = [("POST", f"/bench/bare/{i % 11}") for i in range(len(answers))]
        baseline, measured, ratios = run_rounds(clients, bare, answers, args)
        for client in clients:
            client.close()
    finally:
        server.terminate()
        server.wait(30)

    baseline_run, measured_run = baseline.summary(), measured.summary()
    engine = make_engine(url)
    with engine.connect() as conn:
        stored = set(
            conn.scalars(sa.select(Response.response_id).where(Response.survey == "bench"))
        )
    engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)
    expected = {"kp-" + tokens[path.split("/")[2]] for path in measured_run["accepted"]}
    missing = expected - stored
    ratio = statistics.median(ratios)
    print(
        f"requests: {measured_run['done'] + measured_run['failed']} answers, "
        f"{baseline_run['done'] + baseline_run['failed']} bare inserts, "
        f"{len(ratios)} rounds, concurrency {args.concurrency}, keep-alive"
    )
    for name, run in (("bare insert (baseline)", baseline_run), ("survey answer", measured_run)):
        print(
            f"{name:<24} {run['per_second']:8.1f}/s  p50 {run['p50_ms']:6.1f} ms  "
            f"p95 {run['p95_ms']:6.1f} ms  accepted {run['done']}  failed {run['failed']}"
        )
    print("ratio per round: " + " ".join(f"{r:.2f}" for r in ratios))
    print(f"median ratio answers/baseline: {ratio:.2f} (goal ≥ 0.50)")
    print(f"accepted answers in the store: {len(expected) - len(missing)}/{len(expected)}")
    if missing or measured_run["failed"]:
        raise SystemExit(
            f"{len(missing)} accepted answers missing, {measured_run['failed']} failed"
        )


if __name__ == "__main__":
    main()
