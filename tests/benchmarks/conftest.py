"""Fixtures of the benchmark tests: a store with answers in March 2026."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from kundepuls.facts.models import Response
from kundepuls.kpis import backends

MARCH = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_shared_connections() -> Iterator[None]:
    yield
    backends.forget()


def plant(
    session: Session, nps: list[int], csat: list[int], ces: list[int], channel: str = "web"
) -> None:
    """Answers spread over March 2026; the three score lists may differ in length."""
    longest = max(len(nps), len(csat), len(ces))
    rows = [
        {
            "response_id": f"{channel}{i}",
            "submitted_at": MARCH + timedelta(hours=7 * i % (24 * 29)),
            "nps": nps[i] if i < len(nps) else None,
            "csat": csat[i] if i < len(csat) else None,
            "ces": ces[i] if i < len(ces) else None,
            "channel": channel,
            "attributes": {},
        }
        for i in range(longest)
    ]
    session.execute(insert(Response), rows)
    session.commit()


def scores(seed: int, n: int, low: int, high: int, weights: list[float]) -> list[int]:
    rng = np.random.default_rng(seed)
    values = rng.choice(np.arange(low, high + 1), size=n, p=np.array(weights) / sum(weights))
    return [int(v) for v in values]
