"""A small demo store with predictions for the customers-page tests, and one planted comment
that carries an email address, a phone number and the customer's own name."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kundepuls.db import make_engine, session_scope
from kundepuls.demo.service import build_demo
from kundepuls.facts.models import Customer, Order, Response
from kundepuls.predict.refresh import refresh_all

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 6, tzinfo=UTC)
TZ = ZoneInfo("Europe/Oslo")
CUSTOMERS = 200  # small and quick; still enough repeat buyers and churners for every model
EMAIL = "kari.planted@example.com"
PHONE = "912 34 567"


@dataclass
class Store:
    url: str
    customer_id: str  # the customer with the planted comment
    name: str


def build_store(url: str, *, predictions: bool = True) -> Store:
    """The demo with ``CUSTOMERS`` customers in the (migrated, empty) store at ``url``."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        build_demo(session, today=TODAY, customers=CUSTOMERS)
        session.flush()
        buyer = session.scalar(select(Order.customer_id).order_by(Order.amount.desc()).limit(1))
        customer = session.get(Customer, buyer)
        assert customer is not None
        assert customer.name
        first = customer.name.split()[0]
        session.add(
            Response(
                response_id="planted-comment",
                customer_id=customer.customer_id,
                submitted_at=NOW - timedelta(days=3),
                survey="etter-kjop",
                csat=2,
                comment=f"Hei, {first} her. Ring meg på {PHONE} eller skriv til {EMAIL}, "
                "pakken kom aldri.",
                attributes={},
            )
        )
        session.flush()
        if predictions:
            refresh_all(session, tz=TZ, now=NOW)
        store = Store(url, customer.customer_id, customer.name)
    engine.dispose()
    return store
