"""The store is created by migrations on both backends and keeps times in UTC."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.db import migrate
from kundepuls.facts.models import FACT_MODELS, Customer, Order, Response
from tests.support import run_cli


def test_migrations_create_every_table_and_are_idempotent(
    engine: Engine, database_url: str
) -> None:
    migrate(database_url)  # a second run changes nothing and does not fail
    tables = set(sa.inspect(engine).get_table_names())
    assert set(FACT_MODELS) | {"import_batches"} <= tables


def test_times_round_trip_as_utc(session: Session) -> None:
    oslo = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Oslo"))  # just after DST starts
    session.add(Customer(customer_id="c1", attributes={"kundeklubb": "ja"}))
    session.add(Order(order_id="o1", customer_id="c1", ordered_at=oslo, amount=Decimal("199.50")))
    session.commit()
    order = session.get(Order, "o1")
    assert order is not None
    assert order.ordered_at == oslo
    assert order.ordered_at.tzinfo is UTC
    assert order.amount == Decimal("199.50")
    customer = session.get(Customer, "c1")
    assert customer is not None
    assert customer.attributes == {"kundeklubb": "ja"}


def test_score_ranges_are_enforced_by_the_database(session: Session) -> None:
    session.add(Response(response_id="r1", submitted_at=datetime.now(UTC), nps=11))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_init_creates_the_store_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kp.db'}"
    result = run_cli("init", env={"KUNDEPULS_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert "Store ready" in result.stdout
    assert (tmp_path / "kp.db").exists()


def test_a_bad_setting_is_one_clear_line_without_traceback(tmp_path: Path) -> None:
    result = run_cli("init", env={"KUNDEPULS_TIMEZONE": "Mars/Olympus"}, cwd=tmp_path)
    assert result.returncode == 1
    assert "KUNDEPULS_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr
