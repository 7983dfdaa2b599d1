"""The customers page's statistics against independent computations, and its reason parsing."""

from datetime import date
from types import SimpleNamespace

import numpy as np
import pytest

from kundepuls.predict import customers
from kundepuls.predict.customers import Filters, Reason


def _poisson_binomial(p: np.ndarray) -> np.ndarray:
    """The exact distribution of a sum of independent Bernoulli(p_i), by convolution."""
    dist = np.array([1.0])
    for q in p:
        dist = np.convolve(dist, [1 - q, q])
    return dist


def test_the_active_count_interval_matches_the_exact_distribution() -> None:
    rng = np.random.default_rng(7)
    p = rng.beta(2, 1, 400)
    rows = [
        SimpleNamespace(prob_alive=float(q), clv=100.0, churn_risk=0.3, rfm_segment="loyal")
        for q in p
    ]
    s = customers._summary(400, rows, 0, 0, Filters())  # type: ignore[arg-type]
    cdf = np.cumsum(_poisson_binomial(p))
    low, high = int(np.searchsorted(cdf, 0.025)), int(np.searchsorted(cdf, 0.975))
    assert s.expected_alive == pytest.approx(p.sum())
    assert s.alive_low == pytest.approx(low, abs=1.0)
    assert s.alive_high == pytest.approx(high, abs=1.0)
    assert s.total_clv == pytest.approx(40_000)
    assert s.mean_clv == pytest.approx(100)
    assert s.high_risk == 0
    assert s.likely_alive == int((p >= 0.5).sum())


def test_reasons_are_read_from_the_stored_texts() -> None:
    stored = SimpleNamespace(
        churn_reasons=[
            "days_since_last=212.5 (+1.42)",
            "log_spend=6.215 (+0.31)",
            "no_nps=0 (+0.40)",
            "orders=13 (+0.07)",
        ]
    )
    found = customers.churn_reasons(stored)
    assert found[0] == Reason("days_since_last", (212.5,))
    assert found[1].key == "log_spend"
    assert found[1].values[0] == pytest.approx(np.expm1(6.215))  # kroner, not log kroner
    assert [r.key for r in found] == ["days_since_last", "log_spend"]  # small pushes left out
    listed = customers.list_reasons(
        [
            "P(alive) fell from 0.81 to 0.50",
            "P(alive) 0.30 below 0.50",
            "detractor answer (NPS 4) on 2026-11-08",
            "churn risk 0.83",
        ]
    )
    assert listed == [
        Reason("alive_fell", (0.81, 0.5)),
        Reason("alive_low", (0.3,)),
        Reason("detractor", (4, date(2026, 11, 8))),
    ]
    assert customers.list_reasons(["something new"]) == [Reason("text", ("something new",))]
