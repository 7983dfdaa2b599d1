"""The churn comparison finds an experience signal that drives churn, and claims none otherwise."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kundepuls.predict.churn import (
    compare_models,
    make_model,
    rank_auc,
    reasons,
    reliability_bins,
    top_decile_lift,
)

BASE = ["days_since_last", "orders"]
EXTRA = ["last_nps", "unresolved_complaints"]


def _customers(n: int, seed: int, experience_weight: float) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "days_since_last": rng.exponential(60, n),
            "orders": rng.poisson(3, n).astype(float),
            "last_nps": rng.integers(0, 11, n).astype(float),
            "unresolved_complaints": (rng.random(n) < 0.15).astype(float),
        }
    )
    logit = -1 + x["days_since_last"] / 60 - 0.2 * x["orders"]
    logit += experience_weight * (-0.4 * (x["last_nps"] - 7) + 1.5 * x["unresolved_complaints"])
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return x, y.to_numpy()


def test_experience_that_drives_churn_is_found() -> None:
    x_train, y_train = _customers(2500, 1, experience_weight=1.0)
    x_test, y_test = _customers(2500, 2, experience_weight=1.0)
    report = compare_models(x_train, y_train, x_test, y_test, base=BASE, extra=EXTRA)
    assert report.experience_adds_value
    assert report.auc_gain > 0.05
    assert report.auc_gain_ci[0] > 0
    assert report.with_experience.brier < report.behaviour.brier
    # The reasons name the experience for a detractor with an open complaint.
    model = make_model().fit(x_train[BASE + EXTRA], y_train)
    unhappy = pd.DataFrame(
        [{"days_since_last": 60.0, "orders": 3.0, "last_nps": 0.0, "unresolved_complaints": 1.0}]
    )
    why = reasons(model, unhappy, BASE + EXTRA)[0]
    assert why[0].startswith(("last_nps=0", "unresolved_complaints=1"))
    assert any(r.startswith("last_nps") for r in why)


def test_no_gain_is_claimed_when_experience_does_not_matter() -> None:
    x_train, y_train = _customers(2500, 3, experience_weight=0.0)
    x_test, y_test = _customers(2500, 4, experience_weight=0.0)
    report = compare_models(x_train, y_train, x_test, y_test, base=BASE, extra=EXTRA)
    assert not report.experience_adds_value
    assert report.auc_gain_ci[0] <= 0 <= report.auc_gain_ci[1]
    assert abs(report.auc_gain) < 0.02


def test_metrics_agree_with_independent_computations() -> None:
    rng = np.random.default_rng(7)
    y = (rng.random(500) < 0.3).astype(int)
    scores = np.clip(0.3 + 0.3 * (y - 0.3) + rng.normal(0, 0.2, 500), 0, 1)
    u = stats.mannwhitneyu(scores[y == 1], scores[y == 0]).statistic
    assert rank_auc(y, scores) == pytest.approx(u / ((y == 1).sum() * (y == 0).sum()))
    top = np.argsort(-scores)[:50]
    assert top_decile_lift(y, scores) == pytest.approx(y[top].mean() / y.mean())
    bins = reliability_bins(y, scores)
    assert sum(b["n"] for b in bins) == 500
    first = bins[0]
    inside = (scores >= first["bin_low"]) & (scores < first["bin_high"])
    assert first["observed"] == pytest.approx(y[inside].mean())
    x, yy = _customers(1500, 9, 1.0)
    report = compare_models(x[:800], yy[:800], x[800:], yy[800:], base=BASE, extra=EXTRA)
    model = make_model().fit(x[:800][BASE], yy[:800])
    p = model.predict_proba(x[800:][BASE])[:, 1]
    assert report.behaviour.brier == pytest.approx(np.mean((p - yy[800:]) ** 2))
    assert report.behaviour.auc == pytest.approx(rank_auc(yy[800:], p))
