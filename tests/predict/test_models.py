"""BG/NBD and Gamma-Gamma against the published CDNOW results and an independent computation."""

import doctest

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats
from scipy.optimize import check_grad

from kundepuls.predict import bgnbd, churn, forecast, gammagamma, rfm, simulate, summary
from kundepuls.predict._fit import ConvergenceError, NotEnoughHistoryError
from kundepuls.predict.bgnbd import BetaGeoFitter
from kundepuls.predict.gammagamma import GammaGammaFitter, clv
from kundepuls.predict.summary import calibration_holdout, holdout_by_frequency

from .cdnow import cdnow_summary, cdnow_transactions

PAPER_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PAPER_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return cdnow_summary()


@pytest.fixture(scope="module")
def fitted(cdnow: pd.DataFrame) -> BetaGeoFitter:
    return BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


def test_bgnbd_reproduces_the_paper_on_cdnow(fitted: BetaGeoFitter) -> None:
    assert fitted.converged_
    for name, published in PAPER_BGNBD.items():
        assert fitted.params_[name] == pytest.approx(published, rel=0.01), name


def test_gamma_gamma_reproduces_the_published_values(cdnow: pd.DataFrame) -> None:
    model = GammaGammaFitter().fit(cdnow["frequency"], cdnow["monetary_value"])
    assert model.converged_
    for name, published in PAPER_GG.items():
        assert model.params_[name] == pytest.approx(published, rel=0.01), name


def test_bgnbd_gradient_is_the_derivative_of_the_likelihood(cdnow: pd.DataFrame) -> None:
    x, t_x, t = (cdnow[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    point = np.array([0.3, 4.0, 0.8, 2.5])
    error = check_grad(
        lambda p: bgnbd.log_likelihood(p, x, t_x, t)[0].sum(),
        lambda p: bgnbd.log_likelihood(p, x, t_x, t)[1].sum(axis=1),
        point,
    )
    assert error < 1e-3


def test_gamma_gamma_gradient_is_the_derivative(cdnow: pd.DataFrame) -> None:
    buyers = cdnow[cdnow["frequency"] > 0]
    x, m = buyers["frequency"].to_numpy(float), buyers["monetary_value"].to_numpy(float)
    error = check_grad(
        lambda p: gammagamma.log_likelihood(p, x, m)[0].sum(),
        lambda p: gammagamma.log_likelihood(p, x, m)[1].sum(axis=1),
        np.array([6.0, 4.0, 15.0]),
    )
    assert error < 1e-3


def test_bgnbd_likelihood_matches_direct_integration() -> None:
    """The closed form equals the model's story integrated numerically over λ and p."""
    r, alpha, a, b = 2.0, 3.0, 2.0, 3.0  # shapes above 1: smooth integrands, fast quadrature
    x, t_x, t = 2, 10.0, 20.0

    def individual(lam: float, p: float) -> float:
        alive = (1 - p) ** x * lam**x * np.exp(-lam * t)
        dead = p * (1 - p) ** (x - 1) * lam**x * np.exp(-lam * t_x)
        return float(
            (alive + dead) * stats.gamma.pdf(lam, r, scale=1 / alpha) * stats.beta.pdf(p, a, b)
        )

    # λ beyond 20 has gamma density below 1e-20 here.
    direct, _ = integrate.dblquad(individual, 0, 1, 0, 20, epsabs=1e-12, epsrel=1e-8)
    closed = bgnbd.log_likelihood(
        np.array([r, alpha, a, b]), np.array([x]), np.array([t_x]), np.array([t])
    )[0]
    assert float(np.exp(closed[0])) == pytest.approx(direct, rel=1e-5)


def test_prob_alive_and_expectations_by_simulation(fitted: BetaGeoFitter) -> None:
    """E[X(t)] for a new customer agrees with a large simulation of the same process."""
    sims = simulate.simulate_bgnbd(
        60_000, r=fitted.r_, alpha=fitted.alpha_, a=fitted.a_, b=fitted.b_, T=39.0, seed=3
    )
    expected = float(fitted.expected_purchases_new(39.0))
    assert sims["frequency"].mean() == pytest.approx(expected, rel=0.03)
    counts = np.bincount(sims["frequency"].astype(int))
    for n in range(3):
        assert counts[n] / sims.shape[0] == pytest.approx(
            fitted.probability_of_purchases(39.0, n), abs=0.006
        )
    assert fitted.prob_alive(0, 0, 38.9) == 1.0
    assert 0 < fitted.prob_alive(5, 2.0, 38.9) < fitted.prob_alive(5, 38.0, 38.9) < 1


def test_parameter_recovery_on_simulated_customers() -> None:
    truth = {"r": 0.4, "alpha": 8.0, "a": 0.7, "b": 3.0}
    sims = simulate.simulate_bgnbd(20_000, **truth, T=np.linspace(20, 60, 20_000), seed=5)
    model = BetaGeoFitter().fit(sims["frequency"], sims["recency"], sims["T"])
    for name, value in truth.items():
        assert model.params_[name] == pytest.approx(value, rel=0.15), name


def test_calibration_holdout_rebuilds_the_published_summary(cdnow: pd.DataFrame) -> None:
    data = calibration_holdout(
        cdnow_transactions(), "1997-09-30", "1998-06-30", monetary_col="amount", unit="W"
    )
    assert len(data) == len(cdnow)
    mine = data.sort_index()
    assert np.allclose(mine["frequency_cal"], cdnow["frequency"])
    assert np.allclose(mine["recency_cal"], cdnow["recency"], atol=0.006)
    assert np.allclose(mine["T_cal"], cdnow["T"], atol=0.006)
    assert np.allclose(mine["monetary_value_cal"], cdnow["monetary_value"], atol=0.006)
    assert mine["duration_holdout"].iloc[0] == pytest.approx(273 / 7)


def test_holdout_predictions_track_actual_purchases(fitted: BetaGeoFitter) -> None:
    data = calibration_holdout(cdnow_transactions(), "1997-09-30", "1998-06-30", unit="W")
    table = holdout_by_frequency(fitted, data)
    assert table["frequency_cal"].tolist() == list(range(8))
    assert table["customers"].sum() == 2357
    # The paper's figure 4: the model tracks the conditional means closely for every group.
    total_actual = (table["actual"] * table["customers"]).sum()
    total_predicted = (table["predicted"] * table["customers"]).sum()
    # Measured: 1,653 predicted vs 1,882 actual repeat purchases in the 39 holdout weeks.
    assert total_predicted == pytest.approx(total_actual, rel=0.15)
    assert np.all(np.diff(table["predicted"]) > 0)
    assert np.allclose(table["predicted"], table["actual"], rtol=0.35, atol=0.15)


def test_clv_is_discounted_monthly_sum(fitted: BetaGeoFitter, cdnow: pd.DataFrame) -> None:
    gg = GammaGammaFitter().fit(cdnow["frequency"], cdnow["monetary_value"])
    row = cdnow.iloc[0]
    args = (row["frequency"], row["recency"], row["T"])
    value = float(clv(fitted, gg, *args, row["monetary_value"], horizon_months=3, days_per_unit=7))
    spend = float(gg.conditional_expected_average_profit(row["frequency"], row["monetary_value"]))
    month = 365.25 / 12 / 7
    cumulative = [0.0] + [float(fitted.expected_purchases(i * month, *args)) for i in (1, 2, 3)]
    by_hand = sum((cumulative[i] - cumulative[i - 1]) * spend / 1.01**i for i in (1, 2, 3))
    assert value == pytest.approx(by_hand)
    undiscounted = clv(
        fitted,
        gg,
        *args,
        row["monetary_value"],
        horizon_months=3,
        discount_rate=0.0,
        days_per_unit=7,
    )
    assert float(undiscounted) == pytest.approx(cumulative[3] * spend)


def test_too_little_history_says_how_much_is_needed() -> None:
    with pytest.raises(NotEnoughHistoryError, match="at least 30 customers"):
        BetaGeoFitter().fit([1, 0, 0], [3.0, 0, 0], [10.0, 10.0, 10.0])
    with pytest.raises(NotEnoughHistoryError, match="at least 20 customers who bought again"):
        GammaGammaFitter().fit([1, 0], [10.0, 0.0])


def test_bad_rows_are_named() -> None:
    with pytest.raises(
        NotEnoughHistoryError.__mro__[1], match="row 1: field 'recency' is larger than T"
    ):
        BetaGeoFitter().fit([1, 2], [3.0, 12.0], [10.0, 10.0])
    with pytest.raises(NotEnoughHistoryError.__mro__[1], match="row 0: field 'monetary_value'"):
        GammaGammaFitter().fit([1, 2], [0.0, 10.0])


def test_non_convergence_is_reported_not_hidden(cdnow: pd.DataFrame) -> None:
    args = (cdnow["frequency"], cdnow["recency"], cdnow["T"])
    with pytest.raises(ConvergenceError, match=r"BG/NBD: .*ITERATIONS"):
        BetaGeoFitter().fit(*args, max_iterations=3)
    model = BetaGeoFitter().fit(*args, max_iterations=3, strict=False)
    assert model.converged_ is False
    assert "ITERATIONS" in model.message_


def test_a_parameter_running_off_is_noted() -> None:
    # Everyone buys at the same Poisson rate and nobody drops out: no heterogeneity in the
    # rate (r, α → ∞) and no dropout (a → 0) – the maximum lies on the edge.
    rng = np.random.default_rng(0)
    x = rng.poisson(5, 60).astype(float)
    t = np.full(60, 50.0)
    t_x = np.where(x > 0, 50.0, 0.0)
    model = BetaGeoFitter().fit(x, t_x, t)
    assert model.converged_
    assert model.notes_
    assert "do not identify" in model.notes_[0]
    assert np.all(np.isfinite(model.prob_alive(x, t_x, t)))
    expected = model.expected_purchases(10.0, x, t_x, t)
    assert np.all(np.isfinite(expected))
    # Ten more weeks at the common rate of about 0.1 a week.
    assert float(np.mean(expected)) == pytest.approx(x.mean() / 5, rel=0.1)


def test_docstring_examples_run() -> None:
    for module in (bgnbd, gammagamma, simulate, summary, rfm, churn, forecast):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
