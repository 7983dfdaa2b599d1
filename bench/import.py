"""Import speed and memory of ``kundepuls import orders`` against raw sqlite3.

Generates N order rows (and N/10 customers) as CSV, imports them into a fresh embedded
store with kundepuls, and as the baseline inserts the same CSV rows with the standard
library's ``sqlite3`` ``executemany`` into a store of the same shape (same migrations, so
the same columns, keys and indexes; no validation). Each run is a child process, so its
peak memory (max RSS) is its own; running at N/4 and N shows whether memory grows with
the file.

    python bench/import.py                  # 500,000 rows (and 125,000): ~2 minutes
    python bench/import.py --rows 1000000   # the goal's size (and 250,000): ~4 minutes

(Times on a shared 2-core machine; ``make bench`` runs the default.)
"""

import argparse
import csv
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
HEADER = ["order_id", "customer_id", "ordered_at", "amount", "currency", "product_line", "channel"]


def generate(folder: Path, rows: int) -> tuple[Path, Path]:
    rnd = random.Random(7)
    customers = max(rows // 10, 1)
    start = datetime(2024, 1, 1)
    customer_file, order_file = folder / "customers.csv", folder / "orders.csv"
    with customer_file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "email", "region", "segment"])
        for i in range(customers):
            writer.writerow(
                [f"C{i:07d}", f"k{i}@example.no", rnd.choice(["Oslo", "Viken"]), "privat"]
            )
    with order_file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            moment = start + timedelta(seconds=rnd.randrange(2 * 365 * 86400))
            writer.writerow(
                [
                    f"O{i:08d}",
                    f"C{rnd.randrange(customers):07d}",
                    moment.isoformat(" "),
                    f"{rnd.uniform(-100, 4000):.2f}",
                    "NOK",
                    rnd.choice(["klær", "sko", "sport"]),
                    rnd.choice(["nett", "butikk"]),
                ]
            )
    return customer_file, order_file


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_kundepuls(db: Path, customers: Path, orders: Path) -> dict[str, float]:
    from kundepuls.db import make_engine, migrate, session_scope
    from kundepuls.ingest.service import import_file

    url = f"sqlite:///{db}"
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        import_file(session, "customers", customers)
    started, cpu = time.perf_counter(), time.process_time()
    with session_scope(engine) as session:
        report = import_file(session, "orders", orders)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.inserted == report.rows, report
    return {"seconds": seconds, "cpu": cpu, "rows": report.rows, "peak_mb": _peak_mb()}


def child_baseline(db: Path, customers: Path, orders: Path) -> dict[str, float]:
    from kundepuls.db import migrate

    migrate(f"sqlite:///{db}")  # the same tables, keys and indexes as kundepuls uses
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    now = datetime.now().isoformat(" ")
    with customers.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        conn.executemany(
            "INSERT INTO customers (customer_id, email, region, segment, attributes, updated_at)"
            " VALUES (?, ?, ?, ?, '{}', ?)",
            ([*row, now] for row in reader),
        )
    conn.commit()
    started, cpu = time.perf_counter(), time.process_time()
    with orders.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        cursor = conn.executemany(
            "INSERT INTO orders (order_id, customer_id, ordered_at, amount, currency,"
            " product_line, channel, attributes, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?)",
            ([*row, now] for row in reader),
        )
    conn.commit()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": cursor.rowcount, "peak_mb": _peak_mb()}


def run_child(which: str, folder: Path) -> dict[str, float]:
    db = folder / f"{which}.db"
    for stale in folder.glob(f"{which}.db*"):
        stale.unlink()
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, str(folder)],
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    db.unlink(missing_ok=True)
    result: dict[str, float] = json.loads(out.splitlines()[-1])
    return result


def measure(rows: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="kp-bench-") as tmp:
        folder = Path(tmp)
        generate(folder, rows)
        size = (folder / "orders.csv").stat().st_size / 1e6
        print(f"\n{rows:,} orders ({size:.0f} MB CSV), {max(rows // 10, 1):,} customers")
        result = {w: run_child(w, folder) for w in ("baseline", "kundepuls")}
    for which, r in result.items():
        print(
            f"  {which:10} {r['rows'] / r['seconds']:>10,.0f} rows/s  {r['seconds']:7.1f} s"
            f" (CPU {r['cpu']:6.1f} s)  peak memory {r['peak_mb']:6.0f} MB"
        )
    ratio = result["baseline"]["seconds"] / result["kundepuls"]["seconds"]
    cpu_ratio = result["baseline"]["cpu"] / result["kundepuls"]["cpu"]
    # The machine may be shared: the CPU-time ratio is the steadier of the two.
    print(
        f"  ratio kundepuls / raw sqlite3 executemany: {ratio:.2f} wall clock, "
        f"{cpu_ratio:.2f} CPU time (goal >= 0.5)"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        which, folder = args.child[0], Path(args.child[1])
        run = child_kundepuls if which == "kundepuls" else child_baseline
        print(
            json.dumps(run(folder / f"{which}.db", folder / "customers.csv", folder / "orders.csv"))
        )
        return
    small = measure(max(args.rows // 4, 1))
    large = measure(args.rows)
    growth = large["kundepuls"]["peak_mb"] / small["kundepuls"]["peak_mb"]
    print(
        f"\nkundepuls peak memory at {args.rows:,} rows / at {args.rows // 4:,} rows: "
        f"{growth:.2f} (1.00 = flat)"
    )


if __name__ == "__main__":
    main()
