"""Small, seeded data sets for KPI tests, inserted through the ORM into the fixture store.

``build(session)`` returns the same rows as pandas frames (times as aware UTC), which the
tests use to compute plain pandas references.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from kundepuls.facts.models import Complaint, Customer, Order, Response, Ticket

START = datetime(2026, 1, 1, tzinfo=UTC)
REGIONS = ("Nord", "Sør", "Vest")


@dataclass
class Data:
    customers: pd.DataFrame
    orders: pd.DataFrame
    tickets: pd.DataFrame
    complaints: pd.DataFrame
    responses: pd.DataFrame


def _at(rnd: random.Random, days: int = 180) -> datetime:
    return START + timedelta(minutes=rnd.randrange(days * 24 * 60))


def _customers(rnd: random.Random, count: int) -> list[dict[str, Any]]:
    return [
        {
            "customer_id": f"c{i}",
            "region": REGIONS[i % 3] if i % 10 else None,
            "segment": rnd.choice(["private", "business"]),
            "attributes": {"tier": "gold" if i % 4 == 0 else "basic"} if i % 5 else {},
        }
        for i in range(count)
    ]


def _responses(rnd: random.Random, count: int, customers: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(count):
        rows.append(
            {
                "response_id": f"r{i}",
                "submitted_at": _at(rnd),
                "customer_id": f"c{rnd.randrange(customers)}" if i % 9 else None,
                "survey": rnd.choice(["relationship", "transaction"]),
                "touchpoint": rnd.choice(["delivery", "web", "store"]),
                "nps": rnd.choice([None, *range(11), 9, 10, 10]),
                "csat": rnd.choice([None, 1, 2, 3, 4, 4, 5, 5]),
                "ces": rnd.choice([None, *range(1, 8)]),
                "channel": rnd.choice(["email", "sms"]),
                "attributes": {"store": rnd.choice(["Bodø", "Bergen"])} if i % 3 else {},
            }
        )
    return rows


def _orders(rnd: random.Random, count: int, customers: int) -> list[dict[str, Any]]:
    return [
        {
            "order_id": f"o{i}",
            "customer_id": f"c{rnd.randrange(customers)}",
            "ordered_at": _at(rnd),
            "amount": Decimal(rnd.randrange(5000, 200000)) / 100,
            "product_line": rnd.choice(["sko", "klær"]),
            "channel": rnd.choice(["web", "store"]),
        }
        for i in range(count)
    ]


def _tickets(rnd: random.Random, count: int, customers: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(count):
        created = _at(rnd)
        rows.append(
            {
                "ticket_id": f"t{i}",
                "created_at": created,
                "customer_id": f"c{rnd.randrange(customers)}" if i % 7 else None,
                "channel": rnd.choice(["email", "phone", "chat"]),
                "first_response_at": created + timedelta(minutes=rnd.randrange(5, 3000))
                if i % 6
                else None,
                "resolved_at": created + timedelta(minutes=rnd.randrange(60, 9000))
                if i % 4
                else None,
                "contacts": rnd.choice([None, 1, 1, 2, 3]),
                "reopened": rnd.choice([None, False, False, True]),
                "team": rnd.choice(["A", "B"]),
            }
        )
    return rows


def _complaints(rnd: random.Random, count: int, customers: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(count):
        created = _at(rnd)
        status = rnd.choice(["open", "in_progress", "resolved", "resolved", "rejected"])
        rows.append(
            {
                "complaint_id": f"k{i}",
                "created_at": created,
                "category": rnd.choice(["delivery", "quality"]),
                "customer_id": f"c{rnd.randrange(customers)}",
                "severity": rnd.choice(["low", "high"]),
                "status": status,
                "resolved_at": created + timedelta(hours=rnd.randrange(1, 300))
                if status in ("resolved", "rejected")
                else None,
            }
        )
    return rows


def build(session: Session, seed: int = 7, scale: int = 1) -> Data:
    """Insert a seeded data set and return it as frames."""
    rows = generate(seed, scale)
    insert(session, customers=rows["customers"])
    insert(session, **{k: v for k, v in rows.items() if k != "customers"})
    return Data(*(pd.DataFrame(rows[k]) for k in MODELS))


def generate(seed: int = 7, scale: int = 1) -> dict[str, list[dict[str, Any]]]:
    """The seeded rows of every kind, without inserting them."""
    rnd = random.Random(seed)
    n_customers = 40 * scale
    customers = _customers(rnd, n_customers)
    responses = _responses(rnd, 300 * scale, n_customers)
    orders = _orders(rnd, 260 * scale, n_customers)
    tickets = _tickets(rnd, 160 * scale, n_customers)
    complaints = _complaints(rnd, 70 * scale, n_customers)
    return {
        "customers": customers,
        "orders": orders,
        "tickets": tickets,
        "complaints": complaints,
        "responses": responses,
    }


MODELS = {
    "customers": Customer,
    "orders": Order,
    "tickets": Ticket,
    "complaints": Complaint,
    "responses": Response,
}


def insert(session: Session, **rows: list[dict[str, Any]]) -> None:
    """Insert rows of the given kinds through the ORM and commit."""
    for kind, items in rows.items():
        session.add_all(MODELS[kind](**item) for item in items)
        session.flush()
    session.commit()
