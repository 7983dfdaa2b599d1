"""Use case: compute every customer prediction the store's data allows, in one go.

RFM needs one order; CLV needs enough repeat buyers; churn risk needs two windows of
history. Each step that cannot run says why, and the others still run: a young shop gets
its RFM segments before it has the history for the purchase models.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kundepuls.kit.errors import KundepulsError
from kundepuls.predict import churn_service, service
from kundepuls.predict._fit import NotEnoughHistoryError


@dataclass
class Refreshed:
    """What one refresh computed: customers per step, and why a step could not run."""

    at: datetime
    rfm: int = 0
    clv: int = 0
    churn: int = 0
    skipped: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        done = f"rfm={self.rfm} clv={self.clv} churn={self.churn}"
        return done + "".join(f"; {step} skipped: {why}" for step, why in self.skipped.items())


def refresh_all(session: Session, *, tz: ZoneInfo, now: datetime | None = None) -> Refreshed:
    """RFM segments, CLV with P(alive), and churn risk for every customer with an order.

    Safe to run again: every step overwrites each customer's row and adds one fit record.
    Flushes only; the caller commits.
    """
    result = Refreshed(at=now or datetime.now(UTC))
    try:
        result.rfm = len(service.refresh_rfm(session, tz=tz, now=result.at))
    except NotEnoughHistoryError as error:
        result.skipped["rfm"] = str(error)
        return result  # no orders: the models have nothing to fit either
    try:
        result.clv = service.refresh_clv(session, tz=tz, now=result.at).n_customers
    except KundepulsError as error:  # too little history, or a fit that did not converge
        result.skipped["clv"] = str(error)
    try:
        result.churn = churn_service.refresh_churn(session, tz=tz, now=result.at).scored
    except KundepulsError as error:
        result.skipped["churn"] = str(error)
    return result
