"""Building the demo into a store, on SQLite and on PostgreSQL."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kundepuls.demo.service import build_demo
from kundepuls.facts import service as facts_service
from kundepuls.facts.models import Customer, ImportBatch, Order
from kundepuls.kit.errors import KundepulsError

TODAY = date(2026, 12, 1)


def test_the_demo_is_written_whole_and_recorded_as_imports(session: Session) -> None:
    build = build_demo(session, seed=3, today=TODAY, customers=150)
    session.commit()
    summary = facts_service.store_summary(session)
    assert {k.kind: k.rows for k in summary.kinds} == build.counts
    assert summary.total_rows == sum(build.counts.values())
    assert {b.kind: b.inserted for b in summary.imports} == build.counts
    assert all(b.status == "done" and b.started_by == "kundepuls demo" for b in summary.imports)
    orders = next(k for k in summary.kinds if k.kind == "orders")
    assert orders.first is not None
    assert orders.last is not None
    assert orders.first.date() >= build.planted.start.replace(day=1)
    assert orders.last.date() <= TODAY
    batches = session.scalars(sa.select(ImportBatch.id)).all()
    unlinked = session.scalar(sa.select(sa.func.count()).where(Order.batch_id.not_in(batches)))
    assert unlinked == 0
    customer = session.get(Customer, "K-00001")
    assert customer is not None
    assert customer.attributes["kundeklubb"] in {"ja", "nei"}
    refund = session.scalars(sa.select(Order).where(Order.amount < 0).limit(1)).first()
    assert refund is not None
    assert refund.attributes["type"] == "refusjon"


def test_the_demo_refuses_a_store_that_holds_data(session: Session) -> None:
    session.add(Customer(customer_id="mine"))
    session.flush()
    with pytest.raises(KundepulsError, match="already holds data"):
        build_demo(session, seed=3, today=TODAY, customers=50)


def test_an_empty_store_has_an_empty_summary(session: Session) -> None:
    summary = facts_service.store_summary(session)
    assert summary.total_rows == 0
    assert all(k.rows == 0 and k.first is None for k in summary.kinds)
    assert summary.imports == []


def test_a_tiny_demo_with_an_empty_kind_is_written(session: Session) -> None:
    build = build_demo(session, seed=0, today=TODAY, customers=10)
    assert build.counts["complaints"] == 0  # seed 0 at this size draws no complaint
    summary = facts_service.store_summary(session)
    assert {k.kind: k.rows for k in summary.kinds} == build.counts
