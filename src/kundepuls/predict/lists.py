"""Use cases: the ambassador list and the list of valuable customers at risk.

"High value" is the customer's predicted CLV at or above a quantile of all stored CLVs.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from kundepuls.predict import repository
from kundepuls.predict.models import CustomerPrediction
from kundepuls.predict.service import prediction_dict, require_clv

# The stored predictions and each customer's latest NPS answer, loaded once when a caller
# (the customers page) needs both lists and more.
Loaded = tuple[Sequence[CustomerPrediction], dict[str, tuple[int, datetime]]]


def load(session: Session) -> Loaded:
    return repository.predictions(session), repository.latest_nps_by_customer(session)


def _value_cut(values: list[float], quantile: float) -> float:
    return float(np.quantile(values, quantile)) if values else float("inf")


def ambassadors(
    session: Session,
    *,
    min_value_quantile: float = 0.5,
    limit: int | None = None,
    loaded: "Loaded | None" = None,
) -> list[dict[str, Any]]:
    """Promoters (last NPS 9–10) with CLV in the top share and no open complaint."""
    require_clv(session)
    every, nps = loaded or load(session)
    stored = [p for p in every if p.clv is not None]
    cut = _value_cut([float(p.clv or 0) for p in stored], min_value_quantile)
    blocked = repository.customers_with_open_complaints(session)
    rows = []
    for p in stored:
        answer = nps.get(p.customer_id)
        if answer and answer[0] >= 9 and (p.clv or 0) >= cut and p.customer_id not in blocked:
            rows.append({**prediction_dict(p), "last_nps": answer[0], "last_nps_at": answer[1]})
    return rows[:limit] if limit else rows


def at_risk(
    session: Session,
    *,
    now: datetime | None = None,
    min_value_quantile: float = 0.7,
    alive_below: float = 0.5,
    alive_drop: float = 0.2,
    detractor_days: int = 90,
    limit: int | None = None,
    loaded: "Loaded | None" = None,
) -> list[dict[str, Any]]:
    """Valuable customers whose P(alive) is low or falling, or who recently answered 0–6.

    Valuable means a predicted CLV or a spend so far at or above ``min_value_quantile`` of
    all customers: a customer who is slipping away has a falling CLV, but what they have
    spent says what is at stake. Each row carries ``reasons``: why the customer is listed.
    """
    fit = require_clv(session)
    # By default the list is as of the CLV fit, so that it agrees with the stored P(alive).
    now = now or fit.fitted_at
    every, nps = loaded or load(session)
    stored = [p for p in every if p.clv is not None]
    clv_cut = _value_cut([float(p.clv or 0) for p in stored], min_value_quantile)
    spend_cut = _value_cut([p.total_spend for p in stored], min_value_quantile)
    recent = now - timedelta(days=detractor_days)
    rows = []
    for p in stored:
        if (p.clv or 0) < clv_cut and p.total_spend < spend_cut:
            continue
        reasons = _risk_reasons(p, nps.get(p.customer_id), recent, alive_below, alive_drop)
        if reasons:
            rows.append({**prediction_dict(p), "reasons": reasons})
    rows.sort(key=lambda r: -(r["clv"] or 0))
    return rows[:limit] if limit else rows


def _risk_reasons(
    p: Any,
    answer: tuple[int, datetime] | None,
    recent: datetime,
    alive_below: float,
    alive_drop: float,
) -> list[str]:
    reasons = []
    alive, before = p.prob_alive, p.prob_alive_before
    # Customers lost long ago are not "at risk" any more: only a fall in the lookback counts.
    if alive is not None and before is not None and alive < before:
        if before - alive >= alive_drop or before >= alive_below > alive:
            reasons.append(f"P(alive) fell from {before:.2f} to {alive:.2f}")
    elif alive is not None and before is None and alive < alive_below:
        reasons.append(f"P(alive) {alive:.2f} below {alive_below:.2f}")
    if answer and answer[0] <= 6 and answer[1].astimezone(UTC) >= recent:
        reasons.append(f"detractor answer (NPS {answer[0]}) on {answer[1].date().isoformat()}")
    if p.churn_risk is not None and p.churn_risk >= 0.5:
        reasons.append(f"churn risk {p.churn_risk:.2f}")
    return reasons
