"""The embedded backend's DuckDB copy follows every commit to the SQLite store."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ibis.backends import BaseBackend
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.db import make_engine, migrate
from kundepuls.kpis import backends
from kundepuls.kpis.catalog import KPIS
from kundepuls.kpis.engine import evaluate
from kundepuls.kpis.frames import Query
from kundepuls.kpis.mirror import Mirror
from tests.kpis.conftest import TZ
from tests.kpis.factory import insert
from tests.support import run_cli

AT = datetime(2026, 3, 3, 12, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url = f"sqlite:///{tmp_path / 'kundepuls.db'}"
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        rows = [{"response_id": f"r{i}", "submitted_at": AT, "nps": i % 11} for i in range(40)]
        insert(session, customers=[{"customer_id": "c1", "region": "Nord"}], responses=rows)
    yield url, engine
    engine.dispose()


@pytest.fixture
def kpis(store: tuple[str, Engine]) -> Iterator[BaseBackend]:
    backend = backends.connect(Settings(database_url=store[0]))
    yield backend
    backend.disconnect()
    mirror(backend).close()


def mirror(backend: BaseBackend) -> Mirror:
    copy: Mirror = backend._kundepuls_mirror
    return copy


def nps(backend: BaseBackend) -> tuple[int, float]:
    (row,) = evaluate(backend, KPIS["nps"], Query(), TZ).itertuples()
    return int(row.n), float(row.value)


def expected(scores: list[int]) -> tuple[int, float]:
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    return len(scores), 100.0 * (promoters - detractors) / len(scores)


def test_an_insert_shows_up_and_only_the_new_row_is_copied(
    store: tuple[str, Engine], kpis: BaseBackend
) -> None:
    scores = [i % 11 for i in range(40)]
    assert nps(kpis) == pytest.approx(expected(scores))
    before = mirror(kpis).copied_rows
    with Session(store[1]) as session:
        insert(session, responses=[{"response_id": "new", "submitted_at": AT, "nps": 10}])
    assert nps(kpis) == pytest.approx(expected([*scores, 10]))
    assert mirror(kpis).copied_rows - before == 1


def test_an_update_in_place_and_a_delete_show_up(
    store: tuple[str, Engine], kpis: BaseBackend
) -> None:
    scores = [i % 11 for i in range(40)]
    nps(kpis)
    with store[1].begin() as conn:
        conn.execute(text("UPDATE responses SET nps = 10 WHERE response_id = 'r0'"))
    scores[0] = 10
    assert nps(kpis) == pytest.approx(expected(scores))
    with store[1].begin() as conn:
        conn.execute(text("DELETE FROM responses WHERE response_id IN ('r1', 'r2')"))
    assert nps(kpis) == pytest.approx(expected([scores[0], *scores[3:]]))


def test_a_customer_change_moves_the_rows_to_another_region(
    store: tuple[str, Engine], kpis: BaseBackend
) -> None:
    with store[1].begin() as conn:
        conn.execute(text("UPDATE responses SET customer_id = 'c1'"))
    query = Query(by=("region",))
    assert evaluate(kpis, KPIS["nps"], query, TZ).region.tolist() == ["Nord"]
    with store[1].begin() as conn:
        conn.execute(text("UPDATE customers SET region = 'Vest'"))
    assert evaluate(kpis, KPIS["nps"], query, TZ).region.tolist() == ["Vest"]


def test_nothing_is_read_while_nothing_was_committed(kpis: BaseBackend) -> None:
    nps(kpis)
    before = mirror(kpis).copied_rows
    assert backends.sync(kpis) is False
    nps(kpis)
    assert mirror(kpis).copied_rows == before


def test_answers_written_by_another_process_show_up_at_once(
    store: tuple[str, Engine], kpis: BaseBackend, tmp_path: Path
) -> None:
    scores = [i % 11 for i in range(40)]
    nps(kpis)
    data = tmp_path / "more.csv"
    lines = [f"p{i},2026-03-04T10:00:00Z,,,,{i % 11}" for i in range(10)]
    data.write_text(
        "response_id,submitted_at,customer_id,survey,touchpoint,nps\n" + "\n".join(lines)
    )
    done = run_cli("import", "responses", str(data), env={"KUNDEPULS_DATABASE_URL": store[0]})
    assert done.returncode == 0, done.stderr
    assert nps(kpis) == pytest.approx(expected([*scores, *(i % 11 for i in range(10))]))


def _without_counters(conn: Connection) -> None:
    """Make the store one from before the counters: no table, no triggers."""
    triggers = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    for (name,) in triggers.all():
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    conn.execute(text("DROP TABLE kpi_table_versions"))


def test_a_store_without_change_counters_still_sees_inserts_and_deletes(
    store: tuple[str, Engine], kpis: BaseBackend
) -> None:
    with store[1].begin() as conn:
        _without_counters(conn)
        conn.execute(text("DELETE FROM responses WHERE response_id = 'r0'"))
    scores = [i % 11 for i in range(1, 40)]
    assert nps(kpis) == pytest.approx(expected(scores))
    with Session(store[1]) as session:
        insert(session, responses=[{"response_id": "new", "submitted_at": AT, "nps": 10}])
    assert nps(kpis) == pytest.approx(expected([*scores, 10]))


def test_new_rows_bump_no_counter_and_a_delete_with_an_insert_is_still_seen(
    store: tuple[str, Engine], kpis: BaseBackend
) -> None:
    nps(kpis)
    with store[1].connect() as conn:
        before = conn.execute(text("SELECT sum(rewrites) FROM kpi_table_versions")).scalar()
    with Session(store[1]) as session:
        insert(session, responses=[{"response_id": "new", "submitted_at": AT, "nps": 10}])
    with store[1].connect() as conn:
        after = conn.execute(text("SELECT sum(rewrites) FROM kpi_table_versions")).scalar()
    assert after == before  # imports of new rows pay for no trigger
    with store[1].begin() as conn:
        _without_counters(conn)
        conn.execute(text("DELETE FROM responses WHERE response_id = 'r0'"))
    nps(kpis)
    with store[1].begin() as conn:  # the same row count, a higher rowid
        conn.execute(text("DELETE FROM responses WHERE response_id = 'r1'"))
        conn.execute(
            text(
                "INSERT INTO responses (response_id, submitted_at, nps, attributes, updated_at) "
                "VALUES ('late', :at, 0, '{}', :at)"
            ),
            {"at": AT.replace(tzinfo=None)},
        )
    scores = [i % 11 for i in range(2, 40)]
    assert nps(kpis) == pytest.approx(expected([*scores, 10, 0]))


def test_appended_rows_keep_their_types(store: tuple[str, Engine], kpis: BaseBackend) -> None:
    """Rows appended from SQLite's own query come as text and are cast like the copy."""
    from decimal import Decimal

    def frame(key: str) -> tuple[int, float]:
        (row,) = evaluate(kpis, KPIS[key], Query(by=("region",)), TZ).itertuples()
        return int(row.n), float(row.value)

    with Session(store[1]) as session:
        insert(session, tickets=[{"ticket_id": "t0", "created_at": AT, "customer_id": "c1"}])
    frame("fcr")
    later = AT.replace(hour=15)
    with Session(store[1]) as session:
        insert(
            session,
            orders=[{"order_id": "o1", "customer_id": "c1", "ordered_at": AT,
                     "amount": Decimal("199.50")}],
            tickets=[
                {"ticket_id": "t1", "created_at": AT, "resolved_at": later, "contacts": 1,
                 "reopened": False, "customer_id": "c1"},
                {"ticket_id": "t2", "created_at": AT, "resolved_at": later, "contacts": 1,
                 "reopened": True, "customer_id": "c1"},
            ],
        )  # fmt: skip
    assert frame("aov") == (1, pytest.approx(199.5))
    assert frame("fcr") == (2, pytest.approx(50.0))
    (row,) = evaluate(kpis, KPIS["resolution_hours"], Query(), TZ).itertuples()
    assert (row.n, row.value) == (2, pytest.approx(3.0))


def test_kpis_reads_and_writes_share_the_store_in_one_process(
    store: tuple[str, Engine], kpis: BaseBackend
) -> None:
    """A server computes KPIs while its other threads read and write the same SQLite file.

    The copy reads through Python's own SQLite; DuckDB's second SQLite in the same process
    once broke the WAL index under SQLAlchemy's connections (disk I/O errors, bus errors).
    """
    import threading
    import time
    import uuid

    from sqlalchemy import text as sql

    from kundepuls.db import session_scope
    from kundepuls.facts.models import Response

    errors: list[str] = []
    stop = time.monotonic() + 6

    def guarded(work: Callable[[], None]) -> Callable[[], None]:
        def loop() -> None:
            while time.monotonic() < stop:
                try:
                    work()
                except Exception as error:  # every failure is the finding
                    errors.append(repr(error))

        return loop

    def write() -> None:
        with session_scope(store[1]) as session:
            session.add(Response(response_id=uuid.uuid4().hex, submitted_at=AT, nps=9))
        time.sleep(0.02)

    def read() -> None:
        with store[1].connect() as conn:
            conn.execute(sql("SELECT count(*) FROM responses")).scalar()

    def compute() -> None:
        nps(kpis)
        backends.sync(kpis)

    threads = [threading.Thread(target=guarded(w)) for w in (write, read, read, compute)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store[1].connect() as conn:
        total = conn.execute(sql("SELECT count(*) FROM responses")).scalar()
    assert nps(kpis)[0] == total
