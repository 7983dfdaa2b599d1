"""The Shapley (LMG) decomposition of R² against a brute-force statsmodels computation."""

import itertools
import math

import numpy as np
import pytest
import statsmodels.api as sm

from kundepuls.insights.shapley import bootstrap_shapley, shapley_r2, subset_r2


def data(seed: int = 4, n: int = 400, p: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p))
    x[:, 1] += 0.8 * x[:, 0]  # correlated drivers share their credit
    x[:, 3] = (rng.random(n) < 0.3).astype(float)  # a 0/1 driver, like a complaint flag
    y = 1.0 * x[:, 0] + 0.5 * x[:, 1] - 0.8 * x[:, 3] + rng.normal(size=n)
    return x, y


def r2(x: np.ndarray, y: np.ndarray, columns: tuple[int, ...]) -> float:
    if not columns:
        return 0.0
    return float(sm.OLS(y, sm.add_constant(x[:, list(columns)])).fit().rsquared)


def test_every_subset_r2_is_the_ols_r2() -> None:
    x, y = data()
    fast = subset_r2(x, y)
    for mask in range(2 ** x.shape[1]):
        columns = tuple(j for j in range(x.shape[1]) if mask >> j & 1)
        assert fast[mask] == pytest.approx(r2(x, y, columns), abs=1e-10)


def test_shares_are_the_average_marginal_gain_over_all_orders() -> None:
    x, y = data()
    p = x.shape[1]
    brute = np.zeros(p)
    for order in itertools.permutations(range(p)):
        for i, j in enumerate(order):
            brute[j] += r2(x, y, tuple(sorted(order[: i + 1]))) - r2(x, y, tuple(sorted(order[:i])))
    brute /= math.factorial(p)
    shares = shapley_r2(x, y)
    assert shares == pytest.approx(brute, abs=1e-10)
    assert shares.sum() == pytest.approx(r2(x, y, tuple(range(p))), abs=1e-10)
    assert shares[2] < 0.01  # the driver with no effect gets (almost) nothing


def test_bootstrap_interval_covers_the_estimate() -> None:
    x, y = data()
    low, high = bootstrap_shapley(x, y, n_boot=100, seed=1)
    shares = shapley_r2(x, y)
    assert np.all(low <= shares + 1e-12)
    assert np.all(shares <= high + 1e-12)
    again = bootstrap_shapley(x, y, n_boot=100, seed=1)
    assert np.array_equal(again[0], low)  # seeded: the same interval every time
