"""A small synthetic shop in the store: customers, orders, answers, tickets, complaints.

Purchases follow the BG/NBD story. A share of customers has a bad experience (a slow
ticket, an unresolved complaint and a detractor answer) and, when ``experience_drives_churn``
is set, stops buying right after it.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import insert
from sqlalchemy.orm import Session

from kundepuls.facts.models import Complaint, Customer, Order, Response, Ticket

END = datetime(2026, 6, 30, 12, tzinfo=UTC)
SPAN_DAYS = 720


@dataclass
class Shop:
    end: datetime
    bad_experience: set[str] = field(default_factory=set)
    customers: list[str] = field(default_factory=list)


def seed_shop(
    session: Session,
    *,
    n: int = 300,
    seed: int = 0,
    bad_share: float = 0.15,
    experience_drives_churn: bool = True,
    recent_incidents: int = 0,
    end: datetime = END,
) -> Shop:
    """Seed ``n`` customers; the first ``recent_incidents`` are loyal, high-spending
    customers whose experience went bad 20–60 days before the end."""
    rng = np.random.default_rng(seed)
    start = end - timedelta(days=SPAN_DAYS)
    shop = Shop(end=end)
    rows: dict[str, list[dict[str, object]]] = {"c": [], "o": [], "r": [], "t": [], "k": []}
    for i in range(n):
        cid = f"C{i:04d}"
        shop.customers.append(cid)
        rows["c"].append({"customer_id": cid, "name": f"Kunde {i}", "attributes": {}})
        first = rng.uniform(0, SPAN_DAYS * 0.6)
        rate, drop, mean_spend = rng.gamma(3, 1 / 90), rng.beta(1, 8), rng.gamma(4, 150)
        bad_at = first + rng.uniform(60, 300) if rng.random() < bad_share else None
        if i < recent_incidents:
            first, rate, drop, mean_spend = rng.uniform(0, 100), 1 / 15, 0.0, 2000.0
            bad_at = SPAN_DAYS - rng.uniform(20, 60)
        now = first
        k = 0
        while now < SPAN_DAYS:
            if bad_at is not None and experience_drives_churn and now > bad_at:
                break
            at = start + timedelta(days=float(now))
            amount = round(float(rng.gamma(5, mean_spend / 5)), 2)
            rows["o"].append(
                {
                    "order_id": f"{cid}-{k}",
                    "customer_id": cid,
                    "ordered_at": at,
                    "amount": amount,
                    "currency": "NOK",
                    "attributes": {},
                }
            )
            k += 1
            if k > 1 and rng.random() < drop:
                break
            now += rng.exponential(1 / rate)
        _experience(rows, rng, cid, start, first, bad_at, shop)
    session.execute(insert(Customer), rows["c"])
    for model, key in ((Order, "o"), (Response, "r"), (Ticket, "t"), (Complaint, "k")):
        if rows[key]:
            session.execute(insert(model), rows[key])
    session.commit()
    return shop


def _experience(rows, rng, cid, start, first, bad_at, shop):  # type: ignore[no-untyped-def]
    """Tickets, answers and complaints; the bad ones cluster at ``bad_at``."""
    when = start + timedelta(days=float(first + rng.uniform(5, 60)))
    if when < shop.end and rng.random() < 0.6:
        rows["r"].append(
            {
                "response_id": f"R{cid}a",
                "customer_id": cid,
                "submitted_at": when,
                "nps": int(rng.choice([7, 8, 9, 10])),
                "csat": int(rng.choice([4, 5])),
                "attributes": {},
            }
        )
        rows["t"].append(
            {
                "ticket_id": f"T{cid}a",
                "customer_id": cid,
                "created_at": when,
                "first_response_at": when + timedelta(hours=float(rng.uniform(1, 8))),
                "resolved_at": when + timedelta(hours=20),
                "attributes": {},
            }
        )
    if bad_at is None:
        return
    bad = start + timedelta(days=float(bad_at))
    if bad >= shop.end - timedelta(days=3):
        return
    shop.bad_experience.add(cid)
    rows["t"].append(
        {
            "ticket_id": f"T{cid}b",
            "customer_id": cid,
            "created_at": bad,
            "first_response_at": bad + timedelta(hours=float(rng.uniform(72, 200))),
            "attributes": {},
        }
    )
    rows["k"].append(
        {
            "complaint_id": f"K{cid}",
            "customer_id": cid,
            "category": "delivery",
            "created_at": bad + timedelta(days=1),
            "status": "open",
            "attributes": {},
        }
    )
    rows["r"].append(
        {
            "response_id": f"R{cid}b",
            "customer_id": cid,
            "nps": int(rng.integers(0, 5)),
            "csat": int(rng.choice([1, 2])),
            "submitted_at": bad + timedelta(days=2),
            "attributes": {},
        }
    )
