"""A clean store for the data-quality tests: steady collection, complete rows, honest times.

Every planted problem in the tests starts from this store, so a finding can only come from
what the test planted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import insert
from sqlalchemy.orm import Session

from kundepuls.facts.models import Complaint, Customer, Order, Response, Ticket
from kundepuls.surveys.models import Invitation

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
DAYS = 90
CUSTOMERS = 300
SURVEYS = {"etter-kjop": "purchase", "support": "support"}
CHANNELS = ("email", "sms")


def _customers() -> list[dict[str, object]]:
    return [
        {"customer_id": f"c{i}", "region": ("Nord", "Sør", "Vest")[i % 3],
         "segment": ("privat", "bedrift")[i % 2], "attributes": {}}
        for i in range(CUSTOMERS)
    ]  # fmt: skip


def _responses(rng: np.random.Generator) -> list[dict[str, object]]:
    rows, i = [], 0
    for day in range(DAYS, 0, -1):
        start = NOW - timedelta(days=day)
        for slot, (survey, channel) in enumerate(
            (s, c) for s in SURVEYS for c in CHANNELS for _ in range(4)
        ):
            rows.append({
                "response_id": f"r{i}", "submitted_at": start + timedelta(minutes=50 * slot),
                "customer_id": f"c{i % CUSTOMERS}", "survey": survey,
                "touchpoint": SURVEYS[survey], "channel": channel,
                "nps": int(rng.integers(0, 11)), "csat": int(rng.integers(1, 6)),
                "ces": int(rng.integers(1, 8)), "comment": None, "attributes": {},
            })  # fmt: skip
            i += 1
    return rows


def _tickets() -> list[dict[str, object]]:
    rows = []
    for k in range(DAYS * 8):
        at = NOW - timedelta(days=DAYS) + timedelta(hours=3 * k)
        rows.append({
            "ticket_id": f"t{k}", "created_at": at, "customer_id": f"c{k % CUSTOMERS}",
            "channel": ("email", "chat")[k % 2], "team": ("A", "B")[k % 2],
            "first_response_at": at + timedelta(hours=2), "resolved_at": at + timedelta(hours=9),
            "contacts": 1, "attributes": {},
        })  # fmt: skip
    return rows


def _complaints() -> list[dict[str, object]]:
    return [
        {"complaint_id": f"k{k}", "created_at": NOW - timedelta(days=DAYS - k),
         "category": "levering", "customer_id": f"c{k}", "channel": "email",
         "status": "resolved", "resolved_at": NOW - timedelta(days=DAYS - k) + timedelta(days=2),
         "attributes": {}}
        for k in range(DAYS - 3)
    ]  # fmt: skip


def _orders() -> list[dict[str, object]]:
    return [
        {"order_id": f"o{k}", "customer_id": f"c{k % CUSTOMERS}",
         "ordered_at": NOW - timedelta(days=DAYS) + timedelta(hours=6 * k),
         "amount": Decimal("499.00"), "channel": ("web", "butikk")[k % 2],
         "product_line": ("sko", "klær")[k % 2], "attributes": {}}
        for k in range(DAYS * 4)
    ]  # fmt: skip


def _invitations() -> list[dict[str, object]]:
    rows = []
    for k in range(DAYS * 12):
        survey = list(SURVEYS)[k % 2]
        sent = NOW - timedelta(days=DAYS) + timedelta(hours=2 * k)
        answered = (k // 2) % 5 < 2  # 40 % in every survey and every week
        rows.append({
            "invitation_id": f"i{k}", "customer_id": f"c{k % CUSTOMERS}", "survey": survey,
            "survey_version": 1, "channel": "email", "status": "sent", "sent_at": sent,
            "answered_at": sent + timedelta(hours=1) if answered else None,
        })  # fmt: skip
    return rows


def build(session: Session) -> None:
    """Insert the clean data set and commit."""
    rng = np.random.default_rng(11)
    session.execute(insert(Customer), _customers())
    for model, rows in (
        (Response, _responses(rng)), (Ticket, _tickets()), (Complaint, _complaints()),
        (Order, _orders()), (Invitation, _invitations()),
    ):  # fmt: skip
        session.execute(insert(model), rows)
    session.commit()
