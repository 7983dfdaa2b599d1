"""Predictions from the store, on SQLite and PostgreSQL."""

from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kundepuls.facts.models import Order
from kundepuls.kit.errors import KundepulsError
from kundepuls.predict import churn_service, lists, repository, service
from kundepuls.predict._fit import NotEnoughHistoryError
from kundepuls.predict.bgnbd import BetaGeoFitter
from kundepuls.predict.models import CustomerPrediction, PredictionFit
from kundepuls.predict.rfm import SEGMENTS

from .factories import seed_shop

TZ = ZoneInfo("Europe/Oslo")


def _independent_summary(session: Session, end: pd.Timestamp) -> pd.DataFrame:
    """Frequency/recency/T in days straight from the order rows, written separately."""
    rows = session.execute(select(Order.customer_id, Order.ordered_at)).all()
    frame = pd.DataFrame(rows, columns=["customer_id", "at"])
    frame["day"] = pd.to_datetime(frame["at"], utc=True).dt.tz_convert(TZ).dt.date
    out = {}
    for cid, group in frame.groupby("customer_id"):
        days = sorted(set(group["day"]))
        out[cid] = (len(days) - 1, (days[-1] - days[0]).days, (end.date() - days[0]).days)
    return pd.DataFrame.from_dict(out, orient="index", columns=["frequency", "recency", "T"])


def test_clv_is_fitted_and_stored_per_customer(session: Session) -> None:
    shop = seed_shop(session, n=250, seed=1)
    report = service.refresh_clv(session, tz=TZ, now=shop.end, horizon_months=6)
    session.commit()
    stored = {p.customer_id: p for p in repository.predictions(session)}
    assert len(stored) == report.n_customers == 250
    summary = _independent_summary(session, pd.Timestamp(shop.end).tz_convert(TZ))
    model = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    for name, value in model.params_.items():
        assert report.bgnbd[name] == pytest.approx(value, rel=1e-4)
    alive = model.prob_alive(summary["frequency"], summary["recency"], summary["T"])
    mine = np.array([stored[c].prob_alive for c in summary.index])
    assert np.allclose(mine, alive, atol=1e-6)
    one = stored[summary.index[0]]
    assert one.model_version == "bgnbd-gg-v1"
    assert one.horizon_months == 6
    assert one.fitted_at == shop.end
    assert all(p.clv is not None and p.clv >= 0 for p in stored.values())
    assert all(p.rfm_segment in SEGMENTS for p in stored.values())
    # A second run updates the rows instead of adding new ones.
    service.refresh_clv(session, tz=TZ, now=shop.end)
    session.commit()
    assert session.scalar(select(func.count()).select_from(CustomerPrediction)) == 250
    assert session.scalar(select(func.count()).select_from(PredictionFit)) == 2


def test_refunds_and_zero_amounts(session: Session) -> None:
    shop = seed_shop(session, n=120, seed=2)
    first = session.scalars(select(Order).where(Order.customer_id == "C0001")).all()
    base_days = len({o.ordered_at.astimezone(TZ).date() for o in first})
    refund = Order(order_id="refund", customer_id="C0001", ordered_at=shop.end, amount=-50)
    free_order = Order(order_id="free", customer_id="C0002", ordered_at=shop.end, amount=0)
    session.add_all([refund, free_order])
    session.commit()
    service.refresh_clv(session, tz=TZ, now=shop.end)
    refunded = repository.prediction(session, "C0001")
    free = repository.prediction(session, "C0002")
    assert refunded is not None
    assert free is not None
    assert refunded.frequency == base_days - 1  # a refund-only day is not a purchase
    assert free.recency_days == free.age_days  # a zero-amount order still is


def test_too_little_history_is_a_clear_error(session: Session) -> None:
    seed_shop(session, n=8, seed=3)
    with pytest.raises(NotEnoughHistoryError, match="at least 30 customers"):
        service.refresh_clv(session, tz=TZ)
    with pytest.raises(KundepulsError, match="predict clv"):
        lists.ambassadors(session)


def test_lists_find_the_customers_whose_experience_went_bad(session: Session) -> None:
    shop = seed_shop(session, n=250, seed=4, recent_incidents=6)
    service.refresh_clv(session, tz=TZ, now=shop.end)
    listed = lists.at_risk(session, now=shop.end)
    ids = {row["customer_id"] for row in listed}
    incidents = {f"C{i:04d}" for i in range(6)}
    assert incidents <= ids
    assert all(row["reasons"] for row in listed)
    promoters = lists.ambassadors(session)
    assert promoters
    assert not incidents & {row["customer_id"] for row in promoters}
    open_complaints = repository.customers_with_open_complaints(session)
    assert all(row["last_nps"] >= 9 for row in promoters)
    assert not open_complaints & {row["customer_id"] for row in promoters}


def test_churn_model_runs_on_the_store_and_stores_risk(session: Session) -> None:
    shop = seed_shop(session, n=300, seed=5)
    result = churn_service.refresh_churn(session, tz=TZ, now=shop.end, horizon_days=90)
    session.commit()
    report = result.report
    assert 0.5 < report.behaviour.auc <= 1
    assert report.n_holdout > 0
    stored = repository.predictions(session)
    assert sum(p.churn_risk is not None for p in stored) == result.scored > 0
    fit = repository.latest_fit(session, "churn")
    assert fit is not None
    assert "behaviour" in fit.metrics
