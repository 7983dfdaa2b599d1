"""The job runner: embedded SQLite queue by default, Redis when configured, worker threads."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from huey import RedisHuey, SqliteHuey
from sqlalchemy.orm import Session

from kundepuls.cases.models import Case
from kundepuls.config import Settings
from kundepuls.facts.models import Customer, Response
from kundepuls.jobs import BackgroundWorker, make_huey, queue_path, run_once, schedule
from kundepuls.kit.errors import UsageError
from kundepuls.text.models import CommentAnalysis
from tests.support import run_cli


def _settings(tmp_path: Path, **changes: str) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'kundepuls.db'}", **changes)  # type: ignore[arg-type]


def test_embedded_queue_lives_beside_the_store(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert queue_path(settings) == tmp_path / "kundepuls.db.jobs"
    huey = make_huey(settings, name=f"t{uuid.uuid4().hex[:8]}")
    assert isinstance(huey, SqliteHuey)
    names = {task.__name__ for task in huey._registry._periodic_tasks}
    assert names == set(schedule())


def test_redis_broker_when_configured(tmp_path: Path) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    huey = make_huey(
        _settings(tmp_path, broker_url="redis://127.0.0.1:6379/0"),
        name=f"kp-test-{uuid.uuid4().hex}",
    )
    assert isinstance(huey, RedisHuey)

    @huey.task()
    def double(n: int) -> int:
        return 2 * n

    try:
        double(21)
        assert huey.pending_count() == 1
    finally:
        huey.flush()
    with pytest.raises(UsageError, match="KUNDEPULS_BROKER_URL"):
        make_huey(_settings(tmp_path, broker_url="amqp://guest@127.0.0.1//"))


def test_a_queued_job_survives_a_restart_and_runs_in_the_background_worker(
    tmp_path: Path,
) -> None:
    name = f"t{uuid.uuid4().hex[:8]}"
    before = make_huey(_settings(tmp_path), name=name)

    @before.task(name="add")
    def add_before(a: int, b: int) -> int:
        return a + b

    queued = add_before(2, 3)
    before.storage.close()  # the process that queued it is gone

    after = make_huey(_settings(tmp_path), name=name)

    @after.task(name="add")
    def add_after(a: int, b: int) -> int:
        return a + b

    worker = BackgroundWorker(after)
    worker.start()
    try:
        assert after.result(queued.id, blocking=True, timeout=15) == 5
    finally:
        worker.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_jobs_run_once_from_the_command_line(database_url: str) -> None:
    result = run_cli("jobs", "run", "--once", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "surveys.scan_triggers: invited 0" in result.stdout
    assert "surveys.send_outbox: sent 0" in result.stdout


def test_one_pass_of_the_schedule_analyses_comments_and_opens_cases(
    database_url: str, session: Session
) -> None:
    session.add(Customer(customer_id="c1", name="Kari Nordmann"))
    session.add(
        Response(
            response_id="r1",
            customer_id="c1",
            submitted_at=datetime.now(UTC) - timedelta(hours=2),
            nps=3,
            comment="Pakken kom aldri, og ingen svarte på e-post til kari@example.org",
        )
    )
    session.commit()
    results = run_once()
    assert results["cases.open_cases"] == "1"
    assert results["text.analyze_new_comments"] == "1"
    analysis = session.get(CommentAnalysis, "r1")
    assert analysis is not None
    assert analysis.sentiment == "negative"
    case = session.scalars(sa.select(Case)).one()
    assert case.customer_id == "c1"
    assert run_once()["cases.open_cases"] == "0", "a second pass opens nothing again"
