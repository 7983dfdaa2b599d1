"""Use case: fit the churn models on the store, report the holdout, store risk per customer."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.orm import Session

from kundepuls.predict import features, repository
from kundepuls.predict._fit import NotEnoughHistoryError
from kundepuls.predict.churn import ChurnReport, compare_models, make_model, reasons
from kundepuls.predict.models import PredictionFit
from kundepuls.predict.service import load_facts, refresh_rfm

CHURN_VERSION = "churn-logit-v1"
MIN_PER_CLASS = 10


@dataclass
class ChurnResult:
    report: ChurnReport
    model_features: list[str]
    scored: int
    fitted_at: datetime
    horizon_days: int


def refresh_churn(
    session: Session, *, tz: ZoneInfo, now: datetime | None = None, horizon_days: int = 90
) -> ChurnResult:
    """Train on the window ending 2×horizon ago, judge on the last full window, score now.

    A customer counts as churned when they ordered before the cutoff and not in the
    ``horizon_days`` after it. The model used for the stored risk is refitted on the latest
    window; it includes the experience signals only when they helped on the holdout.
    """
    now = now or datetime.now(UTC)
    facts = load_facts(session, now)
    stamp = pd.Timestamp(now)
    test_cut = stamp - pd.Timedelta(days=horizon_days)
    train_cut = test_cut - pd.Timedelta(days=horizon_days)
    x_train, y_train = _window(facts, train_cut, horizon_days)
    x_test, y_test = _window(facts, test_cut, horizon_days)
    for name, y in (("training", y_train), ("holdout", y_test)):
        _check_window(name, y, horizon_days)
    report = compare_models(
        x_train, y_train, x_test, y_test, base=features.PURCHASE, extra=features.EXPERIENCE
    )
    chosen = features.PURCHASE + (features.EXPERIENCE if report.experience_adds_value else [])
    model = make_model().fit(x_test[chosen], y_test)
    x_now = features.build(facts, stamp)
    risk = model.predict_proba(x_now[chosen])[:, 1]
    why = reasons(model, x_now, chosen)
    stored = refresh_rfm(session, tz=tz, now=now)  # every scored customer needs a row
    rows = [
        {"customer_id": str(cid), "churn_risk": float(p), "churn_reasons": w}
        for cid, p, w in zip(x_now.index, risk, why, strict=True)
        if str(cid) in stored
    ]
    repository.save_predictions(session, rows)
    repository.add_fit(
        session,
        PredictionFit(
            kind="churn",
            model_version=CHURN_VERSION,
            fitted_at=now,
            customers=len(x_now),
            params={"features": chosen, "horizon_days": horizon_days},
            metrics=_jsonable(report.as_dict()),
        ),
    )
    return ChurnResult(report, chosen, len(rows), now, horizon_days)


def _window(facts: Any, cutoff: pd.Timestamp, horizon_days: int) -> tuple[pd.DataFrame, pd.Series]:
    x = features.build(facts, cutoff)
    y = features.churned(facts.orders, cutoff, horizon_days).reindex(x.index)
    return x, y


def _check_window(name: str, y: pd.Series, horizon_days: int) -> None:
    churners, stayers = int(y.sum()), int(len(y) - y.sum())
    if min(churners, stayers) < MIN_PER_CLASS:
        raise NotEnoughHistoryError(
            f"the churn model needs order history covering at least {2 * horizon_days} days "
            f"(two windows of {horizon_days} days) with at least {MIN_PER_CLASS} customers who "
            f"stopped and {MIN_PER_CLASS} who came back in each; the {name} window has "
            f"{churners} and {stayers}"
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return None if value != value else value  # JSON has no NaN
    return value
