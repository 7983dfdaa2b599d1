"""Intervals checked against independent computations (statsmodels, scipy, simulation)."""

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from kundepuls.kit.errors import UsageError
from kundepuls.stats import (
    mean_bootstrap,
    mean_t,
    median_order_stat,
    median_rank_bounds,
    nps,
    poisson,
    wilson,
)

RNG_SEED = 20261204


def simulated_scores(rng: np.random.Generator, size: int) -> np.ndarray:
    """0–10 answers skewed towards the top, as real NPS answers are."""
    weights = np.array([2, 1, 1, 2, 2, 4, 6, 10, 18, 22, 32], dtype=float)
    return rng.choice(11, size=size, p=weights / weights.sum())


@pytest.mark.parametrize("size", [7, 30, 250, 4000])
def test_nps_variance_is_the_variance_of_the_per_respondent_score(size: int) -> None:
    rng = np.random.default_rng(RNG_SEED + size)
    scores = simulated_scores(rng, size)
    promoters, detractors = int(np.sum(scores >= 9)), int(np.sum(scores <= 6))
    # Brute force: each respondent scores 100, 0 or -100; the NPS is their mean.
    per_respondent = np.where(scores >= 9, 100.0, np.where(scores <= 6, -100.0, 0.0))
    se = np.sqrt(per_respondent.var(ddof=0) / size)
    z = sps.norm.ppf(0.975)
    result = nps(size, promoters, detractors)
    assert result.value[0] == pytest.approx(per_respondent.mean(), abs=1e-9)
    assert result.low[0] == pytest.approx(max(-100.0, per_respondent.mean() - z * se))
    assert result.high[0] == pytest.approx(min(100.0, per_respondent.mean() + z * se))


def test_nps_vectorised_with_edge_cases() -> None:
    result = nps([0, 10, 10, 5, 1], [0, 10, 0, 0, 0], [0, 0, 10, 0, 1])
    assert np.isnan(result.value[0])
    assert np.isnan(result.low[0])
    assert np.isnan(result.high[0])
    # All promoters / all detractors / all passives: zero variance, a point interval.
    assert result.value[1:4].tolist() == [100.0, -100.0, 0.0]
    assert result.low[1:4].tolist() == result.high[1:4].tolist() == [100.0, -100.0, 0.0]
    assert result.value[4] == -100.0


def test_nps_bounds_are_clipped() -> None:
    result = nps(12, 11, 0)
    assert result.high[0] == 100.0
    assert result.low[0] < result.value[0]


def test_nps_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="must not exceed n"):
        nps(10, 8, 5)
    with pytest.raises(ValueError, match="must not be negative"):
        nps(10, -1, 5)


@pytest.mark.parametrize("level", [0.8, 0.95, 0.99])
def test_wilson_matches_statsmodels(level: float) -> None:
    n = np.array([1, 2, 5, 17, 30, 100, 1000, 12345])
    successes = np.array([0, 1, 5, 3, 29, 50, 10, 12000])
    low, high = proportion_confint(successes, n, alpha=1 - level, method="wilson")
    result = wilson(n, successes, level=level)
    np.testing.assert_allclose(result.value, 100 * successes / n)
    np.testing.assert_allclose(result.low, 100 * low, atol=1e-9)
    np.testing.assert_allclose(result.high, 100 * high, atol=1e-9)


def test_wilson_edges_and_scale() -> None:
    result = wilson([0, 20, 20], [0, 0, 20], scale=1.0)
    assert np.isnan(result.value[0])
    assert np.isnan(result.low[0])
    assert np.isnan(result.high[0])
    assert result.low[1] == 0.0
    assert 0 < result.high[1] < 0.2
    assert result.high[2] == 1.0
    assert 0.8 < result.low[2] < 1.0
    with pytest.raises(ValueError, match="successes must not exceed n"):
        wilson(3, 4)


def test_mean_t_matches_scipy_on_raw_data() -> None:
    rng = np.random.default_rng(RNG_SEED)
    groups = [rng.gamma(2.0, 3.0, size=k) for k in (2, 3, 10, 57, 400)]
    n = [len(g) for g in groups]
    means = [g.mean() for g in groups]
    sds = [g.std(ddof=1) for g in groups]
    result = mean_t(n, means, sds, level=0.9)
    for i, g in enumerate(groups):
        low, high = sps.t.interval(0.9, len(g) - 1, loc=g.mean(), scale=sps.sem(g))
        assert result.low[i] == pytest.approx(low)
        assert result.high[i] == pytest.approx(high)


def test_mean_t_edges() -> None:
    result = mean_t([0, 1, 5], [np.nan, 4.0, 3.0], [np.nan, np.nan, 0.0])
    assert np.isnan(result.value[0])
    assert np.isnan(result.low[0])
    assert result.value[1] == 4.0
    assert np.isnan(result.low[1])
    assert np.isnan(result.high[1])
    assert result.low[2] == result.high[2] == 3.0


@pytest.mark.parametrize("level", [0.9, 0.95])
def test_poisson_matches_chi2_and_statsmodels(level: float) -> None:
    counts = np.array([0, 1, 4, 12, 150, 3000])
    alpha = 1 - level
    expected_low = np.where(counts > 0, sps.chi2.ppf(alpha / 2, 2 * np.maximum(counts, 1)) / 2, 0)
    expected_high = sps.chi2.ppf(1 - alpha / 2, 2 * counts + 2) / 2
    result = poisson(counts, level=level)
    np.testing.assert_allclose(result.value, counts)
    np.testing.assert_allclose(result.low, expected_low, rtol=1e-9)
    np.testing.assert_allclose(result.high, expected_high, rtol=1e-9)
    exposure = np.array([10, 50, 80, 400, 2000, 90000])
    rate = poisson(counts, exposure=exposure, scale=100, level=level)
    for i, (c, e) in enumerate(zip(counts, exposure, strict=True)):
        low, high = confint_poisson(c, e, method="exact-c", alpha=alpha)
        assert rate.low[i] == pytest.approx(100 * low, rel=1e-9, abs=1e-12)
        assert rate.high[i] == pytest.approx(100 * high, rel=1e-9)


def test_poisson_zero_exposure_is_nan() -> None:
    result = poisson([0, 3], exposure=[0, 0], scale=100)
    assert np.isnan(result.value).all()
    assert np.isnan(result.low).all()


@pytest.mark.parametrize("n", [6, 7, 10, 25, 80, 301, 1000])
def test_median_ranks_are_the_widest_binomial_tail_below_alpha(n: int) -> None:
    low, high = median_rank_bounds(n)
    rank = int(low[0])
    cdf = sps.binom.cdf(np.arange(n + 1), n, 0.5)
    # Brute force over every candidate rank.
    expected = max(k for k in range(1, n + 1) if cdf[k - 1] <= 0.025)
    assert rank == expected
    assert int(high[0]) == n + 1 - rank
    coverage = sps.binom.cdf(n - rank, n, 0.5) - sps.binom.cdf(rank - 1, n, 0.5)
    assert coverage >= 0.95


def test_median_matches_scipy_quantile_test() -> None:
    rng = np.random.default_rng(RNG_SEED)
    groups = [rng.lognormal(1.0, 1.0, size=k) for k in (9, 40, 333)]
    result = median_order_stat(groups)
    for i, g in enumerate(groups):
        ci = sps.quantile_test(g, p=0.5).confidence_interval(0.95)
        assert result.value[i] == pytest.approx(np.median(g))
        assert result.low[i] == pytest.approx(ci.low)
        assert result.high[i] == pytest.approx(ci.high)


def test_median_coverage_by_simulation() -> None:
    rng = np.random.default_rng(RNG_SEED)
    true_median = np.log(2) / 0.5  # exponential with rate 0.5
    for size in (8, 31):
        samples = [rng.exponential(2.0, size=size) for _ in range(2000)]
        result = median_order_stat(samples)
        covered = (result.low <= true_median) & (true_median <= result.high)
        assert covered.mean() >= 0.95


def test_median_edges() -> None:
    result = median_order_stat([[], [3.0], [1.0, 2, 3, 4, 5], [np.nan, 1, 2, 3, 4, 5, 6]])
    assert np.isnan(result.value[0])
    assert result.value[1] == 3.0
    assert np.isnan(result.low[1])
    assert result.value[2] == 3.0
    assert np.isnan(result.low[2])
    assert result.value[3] == 3.5
    assert (result.low[3], result.high[3]) == (1.0, 6.0)


def test_mean_bootstrap_is_reproducible_and_close_to_t() -> None:
    rng = np.random.default_rng(RNG_SEED)
    group = rng.normal(10, 2, size=200)
    first = mean_bootstrap([group, [1.0], []])
    second = mean_bootstrap([group, [1.0], []])
    np.testing.assert_array_equal(first.low, second.low)
    t = mean_t(200, group.mean(), group.std(ddof=1))
    assert first.low[0] == pytest.approx(t.low[0], abs=0.1)
    assert first.high[0] == pytest.approx(t.high[0], abs=0.1)
    assert first.value[1] == 1.0
    assert np.isnan(first.low[1])
    assert np.isnan(first.value[2])


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1])
def test_a_bad_level_is_a_usage_error(level: float) -> None:
    with pytest.raises(UsageError, match="confidence level"):
        wilson(10, 5, level=level)
