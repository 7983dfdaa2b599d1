"""Use cases: fit the purchase models on the store, RFM segments, and the customer lists.

Services take the session first and only flush; the caller commits.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kundepuls.kit.errors import KundepulsError, NotFoundError
from kundepuls.predict import repository
from kundepuls.predict._fit import NotEnoughHistoryError
from kundepuls.predict.bgnbd import MIN_CUSTOMERS, MIN_REPEAT_BUYERS, BetaGeoFitter
from kundepuls.predict.gammagamma import DAYS_PER_MONTH, GammaGammaFitter, clv
from kundepuls.predict.models import PredictionFit
from kundepuls.predict.rfm import rfm_table
from kundepuls.predict.summary import purchase_days, summarize_days

CLV_VERSION = "bgnbd-gg-v1"
RFM_VERSION = "rfm-v1"
# P(alive) is also computed as of this many days ago, to see whom it is falling for.
LOOKBACK_DAYS = 90


@dataclass
class History:
    """Purchase days and the per-customer summary (in days) at ``end``."""

    days: pd.DataFrame
    summary: pd.DataFrame
    end: pd.Timestamp


@dataclass
class ClvReport:
    """What a CLV fit found; ``customers`` holds the stored rows, highest CLV first."""

    fitted_at: datetime
    model_version: str
    bgnbd: dict[str, float]
    gamma_gamma: dict[str, float]
    n_customers: int
    n_repeat_buyers: int
    customers: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load_history(session: Session, now: datetime, tz: ZoneInfo) -> History:
    """The store's orders up to ``now`` as purchase days and a summary (local days)."""
    tx = repository.orders(session, now)
    if tx.empty:
        raise NotEnoughHistoryError(
            f"no orders in the store yet; the purchase models need orders from at least "
            f"{MIN_CUSTOMERS} customers of whom {MIN_REPEAT_BUYERS} bought again"
        )
    days = purchase_days(
        tx, customer_col="customer_id", datetime_col="ordered_at", monetary_col="amount", tz=str(tz)
    )
    end = pd.Timestamp(now.astimezone(tz).replace(tzinfo=None)).normalize()
    return History(days=days, summary=summarize_days(days, end, "D"), end=end)


def _rfm_rows(history: History, fitted_at: datetime) -> dict[str, dict[str, Any]]:
    summary = history.summary
    spend = history.days.groupby("customer")["amount"].sum().reindex(summary.index)
    table = rfm_table(summary["T"] - summary["recency"], summary["frequency"] + 1, spend)
    table.index = summary.index
    table["total_spend"] = spend
    rows: dict[str, dict[str, Any]] = {}
    for cid, row in summary.join(table).iterrows():
        rows[str(cid)] = {
            "customer_id": str(cid),
            "frequency": float(row["frequency"]),
            "recency_days": float(row["recency"]),
            "age_days": float(row["T"]),
            "monetary_value": float(row["monetary_value"]),
            "total_spend": float(row["total_spend"]),
            "r_score": int(row["r_score"]),
            "f_score": int(row["f_score"]),
            "m_score": int(row["m_score"]),
            "rfm_segment": str(row["rfm_segment"]),
            "fitted_at": fitted_at,
        }
    return rows


def refresh_rfm(session: Session, *, tz: ZoneInfo, now: datetime | None = None) -> set[str]:
    """Store RFM scores and segments for every customer with a purchase; returns their ids."""
    now = now or datetime.now(UTC)
    rows = _rfm_rows(load_history(session, now, tz), now)
    existing = {p.customer_id for p in repository.predictions(session)}
    for cid, row in rows.items():
        if cid not in existing:
            row["model_version"] = RFM_VERSION
    repository.save_predictions(session, list(rows.values()))
    return set(rows)


def refresh_clv(
    session: Session,
    *,
    tz: ZoneInfo,
    now: datetime | None = None,
    horizon_months: int = 12,
    discount_rate: float = 0.01,
    penalizer: float = 0.0,
) -> ClvReport:
    """Fit BG/NBD and Gamma-Gamma on the store's orders and store predictions per customer."""
    now = now or datetime.now(UTC)
    history = load_history(session, now, tz)
    s = history.summary
    bg = BetaGeoFitter(penalizer).fit(s["frequency"], s["recency"], s["T"])
    buyers = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
    gg = GammaGammaFitter(penalizer).fit(buyers["frequency"], buyers["monetary_value"])
    values = _model_values(bg, gg, history, horizon_months, discount_rate)
    rows = _rfm_rows(history, now)
    for i, cid in enumerate(s.index.astype(str)):
        rows[cid].update({k: _number(v[i]) for k, v in values.items()})
        rows[cid]["model_version"] = CLV_VERSION
    repository.save_predictions(session, list(rows.values()))
    notes = [f"BG/NBD: {n}" for n in bg.notes_] + [f"Gamma-Gamma: {n}" for n in gg.notes_]
    metrics = {
        "converged": bg.converged_ and gg.converged_,
        "notes": notes,
        "log_likelihood": bg.log_likelihood_,
    }
    params = {
        "bgnbd": bg.params_,
        "gamma_gamma": gg.params_,
        "unit": "day",
        "horizon_months": horizon_months,
        "discount_rate": discount_rate,
    }
    fit = PredictionFit(
        kind="clv",
        model_version=CLV_VERSION,
        fitted_at=now,
        customers=len(s),
        params=params,
        metrics=metrics,
    )
    repository.add_fit(session, fit)
    ranked = sorted(rows.values(), key=lambda r: -(r.get("clv") or 0.0))
    return ClvReport(now, CLV_VERSION, bg.params_, gg.params_, len(s), len(buyers), ranked, notes)


def _model_values(
    bg: BetaGeoFitter,
    gg: GammaGammaFitter,
    history: History,
    horizon_months: int,
    discount_rate: float,
) -> dict[str, Any]:
    """Per-customer model outputs, in the order of ``history.summary``."""
    s = history.summary
    args = (s["frequency"], s["recency"], s["T"])
    return {
        "horizon_months": np.full(len(s), horizon_months),
        "predicted_purchases": bg.expected_purchases(horizon_months * DAYS_PER_MONTH, *args),
        "prob_alive": bg.prob_alive(*args),
        "prob_alive_before": _prob_alive_before(bg, history),
        "expected_avg_value": gg.conditional_expected_average_profit(
            s["frequency"], s["monetary_value"]
        ),
        "clv": clv(
            bg,
            gg,
            *args,
            s["monetary_value"],
            horizon_months=horizon_months,
            discount_rate=discount_rate,
        ),
    }


def _prob_alive_before(bg: BetaGeoFitter, history: History) -> np.ndarray[Any, Any]:
    """P(alive) as it was LOOKBACK_DAYS ago (NaN for customers who were not customers yet)."""
    then = history.end - pd.Timedelta(days=LOOKBACK_DAYS)
    past = summarize_days(history.days, then, "D").reindex(history.summary.index)
    known = past["frequency"].notna().to_numpy()
    result = np.full(len(past), np.nan)
    result[known] = bg.prob_alive(
        *(past[c].to_numpy()[known] for c in ("frequency", "recency", "T"))
    )
    return result


def _number(value: Any) -> float | None:
    number = float(value)
    return None if np.isnan(number) else number


def customer_view(session: Session, customer_id: str) -> dict[str, Any]:
    """Basic facts about one customer and their stored predictions."""
    customer = repository.customer(session, customer_id)
    if customer is None:
        raise NotFoundError(f"customer {customer_id!r} not found")
    n_orders, total, first, last = repository.order_facts(session, customer_id)
    nps = repository.last_nps(session, customer_id)
    stored = repository.prediction(session, customer_id)
    return {
        "customer_id": customer.customer_id,
        "name": customer.name,
        "segment": customer.segment,
        "region": customer.region,
        "orders": n_orders,
        "total_amount": round(total, 2),
        "first_order_at": first,
        "last_order_at": last,
        "last_nps": nps[0] if nps else None,
        "last_nps_at": nps[1] if nps else None,
        "open_complaints": repository.open_complaints(session, customer_id),
        "prediction": prediction_dict(stored) if stored else None,
    }


def prediction_dict(p: Any) -> dict[str, Any]:
    """A stored prediction as a plain dict (for output and the API)."""
    columns = [c.name for c in p.__table__.columns]
    return {name: getattr(p, name) for name in columns}


def require_clv(session: Session) -> PredictionFit:
    """The latest CLV fit; an error tells the user how to make one."""
    fit = repository.latest_fit(session, "clv")
    if fit is None:
        raise KundepulsError("no CLV predictions yet: run `kundepuls predict clv` first")
    return fit


def since(now: datetime | None, days: int) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=days)


def load_facts(session: Session, now: datetime) -> Any:
    """All fact frames up to ``now`` for the churn features."""
    from kundepuls.predict.features import Facts

    return Facts(
        orders=repository.orders(session, now),
        responses=repository.responses(session, now),
        tickets=repository.tickets(session, now),
        complaints=repository.complaints(session, now),
    )
