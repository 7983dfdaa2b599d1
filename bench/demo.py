"""How long ``kundepuls demo`` takes to build the default data set, and what writing costs.

Prints the time to generate the data set, the time to write it into a fresh SQLite store
(SQLAlchemy Core, one transaction), and the ratio of that write to a baseline measured in
the same run: raw ``sqlite3`` ``executemany`` of the same rows into tables of the same shape.
"""

import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from kundepuls.db import make_engine, migrate, session_scope
from kundepuls.demo.generate import KINDS, generate
from kundepuls.demo.service import build_demo, records

TODAY = date(2026, 12, 1)


def main() -> None:
    started = time.perf_counter()
    data = generate(today=TODAY)
    generated = time.perf_counter() - started
    rows = {kind: records(data.frames[kind]) for kind in KINDS}
    total = sum(len(r) for r in rows.values())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'store.db'}"
        migrate(url)
        engine = make_engine(url)
        started = time.perf_counter()
        with session_scope(engine) as session:
            build_demo(session, today=TODAY)
        built = time.perf_counter() - started
        engine.dispose()
        baseline = _raw_sqlite(Path(tmp) / "raw.db", rows)
    print(f"rows: {total:,} ({', '.join(f'{k} {len(v):,}' for k, v in rows.items())})")
    print(f"generate: {generated:.2f} s")
    print(f"generate + write (build_demo): {built:.2f} s; write alone ≈ {built - generated:.2f} s")
    print(f"baseline raw sqlite3 executemany of the same rows: {baseline:.2f} s")
    print(f"ratio write / baseline: {(built - generated) / baseline:.1f}")


def _raw_sqlite(path: Path, rows: dict[str, list[dict[str, object]]]) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    prepared = {}
    for kind, kind_rows in rows.items():
        columns = list(kind_rows[0])
        conn.execute(f"CREATE TABLE {kind} ({', '.join(columns)})")
        prepared[kind] = (
            f"INSERT INTO {kind} VALUES ({', '.join('?' for _ in columns)})",
            [tuple(str(v) if v is not None else None for v in row.values()) for row in kind_rows],
        )
    started = time.perf_counter()
    with conn:
        for sql, values in prepared.values():
            conn.executemany(sql, values)
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


if __name__ == "__main__":
    main()
