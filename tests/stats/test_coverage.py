"""Coverage by simulation: the 95 % intervals contain the true value about 95 % of the time."""

import numpy as np

from kundepuls.stats import mean_t, nps, poisson, wilson

RUNS = 4000


def covered(low: np.ndarray, high: np.ndarray, truth: float) -> float:
    return float(np.mean((low <= truth) & (truth <= high)))


def test_nps_interval_coverage_at_a_typical_sample_size() -> None:
    rng = np.random.default_rng(1)
    counts = rng.multinomial(200, [0.45, 0.35, 0.20], size=RUNS)
    result = nps(200, counts[:, 0], counts[:, 2])
    assert 0.93 <= covered(result.low, result.high, 25.0) <= 0.97


def test_wilson_coverage_for_a_small_group() -> None:
    rng = np.random.default_rng(2)
    successes = rng.binomial(40, 0.85, size=RUNS)
    result = wilson(40, successes)
    assert 0.93 <= covered(result.low, result.high, 85.0) <= 0.98


def test_t_coverage_for_skewed_hours() -> None:
    rng = np.random.default_rng(3)
    samples = rng.gamma(2.0, 4.0, size=(RUNS, 60))  # mean 8 hours
    result = mean_t(60, samples.mean(axis=1), samples.std(axis=1, ddof=1))
    assert 0.92 <= covered(result.low, result.high, 8.0) <= 0.97


def test_exact_poisson_rate_is_never_below_the_level() -> None:
    rng = np.random.default_rng(4)
    complaints = rng.poisson(0.03 * 300, size=RUNS)
    result = poisson(complaints, exposure=300, scale=100)
    assert covered(result.low, result.high, 3.0) >= 0.95
