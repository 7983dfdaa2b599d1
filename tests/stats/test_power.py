"""Sample sizes checked against statsmodels' power classes and by simulation."""

import numpy as np
import pytest
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import samplesize_confint_proportion

from kundepuls.stats import compare_nps, compare_proportions, mean_t, nps
from kundepuls.stats.power import (
    answers_needed,
    sample_size_margin_mean,
    sample_size_margin_nps,
    sample_size_margin_proportion,
    sample_size_means,
    sample_size_nps,
    sample_size_proportions,
)


def assert_matches_solved_size(ours: float, solved: float) -> None:
    # statsmodels counts the (tiny) far tail in the power, so its exact root can sit a
    # hair below the closed form; after rounding up the two agree to one unit.
    assert np.ceil(solved) <= ours <= np.ceil(solved) + 1


@pytest.mark.parametrize(
    ("p1", "p2", "ratio", "level"),
    [(0.8, 0.85, 1.0, 0.95), (0.3, 0.2, 2.0, 0.95), (0.05, 0.1, 0.5, 0.9), (0.5, 0.6, 1.0, 0.99)],
)
def test_proportions_match_normal_ind_power(
    p1: float, p2: float, ratio: float, level: float
) -> None:
    ours = sample_size_proportions(p1, p2, level=level, ratio=ratio)[0]
    sigma = np.sqrt((p1 * (1 - p1) + p2 * (1 - p2) / ratio) / (1 + 1 / ratio))
    solved = NormalIndPower().solve_power(
        effect_size=abs(p1 - p2) / sigma, alpha=1 - level, power=0.8, ratio=ratio
    )
    assert_matches_solved_size(ours, solved)


@pytest.mark.parametrize(("p", "d", "diff", "ratio"), [(0.5, 0.2, 10, 1.0), (0.3, 0.4, 5, 3.0)])
def test_nps_matches_normal_ind_power(p: float, d: float, diff: float, ratio: float) -> None:
    ours = sample_size_nps(p, d, diff, ratio=ratio)[0]
    sigma = 100 * np.sqrt(p + d - (p - d) ** 2)  # the same in both groups
    solved = NormalIndPower().solve_power(
        effect_size=diff / sigma, alpha=0.05, power=0.8, ratio=ratio
    )
    assert_matches_solved_size(ours, solved)


@pytest.mark.parametrize(
    ("diff", "sd", "ratio", "power"),
    [(2.0, 6.0, 1.0, 0.8), (0.3, 1.1, 2.0, 0.9), (5.0, 4.0, 1.0, 0.8)],
)
def test_means_match_ttest_ind_power(diff: float, sd: float, ratio: float, power: float) -> None:
    ours = sample_size_means(diff, sd, power=power, ratio=ratio)[0]
    solved = TTestIndPower().solve_power(
        effect_size=diff / sd, alpha=0.05, power=power, ratio=ratio
    )
    assert ours == np.ceil(solved)


def test_proportion_size_reaches_the_power_by_simulation() -> None:
    rng = np.random.default_rng(8)
    n = int(sample_size_proportions(0.8, 0.85)[0])
    s1 = rng.binomial(n, 0.8, size=4000)
    s2 = rng.binomial(n, 0.85, size=4000)
    detected = compare_proportions(n, s1, n, s2).p_value < 0.05
    assert detected.mean() == pytest.approx(0.8, abs=0.03)


def test_nps_size_reaches_the_power_by_simulation() -> None:
    rng = np.random.default_rng(9)
    n = int(sample_size_nps(0.5, 0.2, 10)[0])
    # Group 2 has the same spread as group 1 and an NPS 10 points lower.
    first = rng.multinomial(n, [0.5, 0.3, 0.2], size=4000)
    second = rng.multinomial(n, [0.45, 0.3, 0.25], size=4000)
    p_value = compare_nps(n, first[:, 0], first[:, 2], n, second[:, 0], second[:, 2]).p_value
    assert (p_value < 0.05).mean() == pytest.approx(0.8, abs=0.03)


def nps_half_width(n: int) -> float:
    result = nps(n, 0.5 * n, 0.2 * n)
    return float(result.high[0] - result.value[0])


def mean_half_width(n: int) -> float:
    return float(mean_t(n, 0.0, 6.0).high[0])


def test_margins() -> None:
    ours = sample_size_margin_proportion([0.5, 0.8, 0.1], [0.05, 0.03, 0.02])
    cases = [(0.5, 0.05), (0.8, 0.03), (0.1, 0.02)]
    expected = [samplesize_confint_proportion(p, m) for p, m in cases]
    np.testing.assert_array_equal(ours, np.ceil(expected))
    n = int(sample_size_margin_nps(0.5, 0.2, 5)[0])
    assert nps_half_width(n) <= 5 < nps_half_width(n - 1)
    n = int(sample_size_margin_mean(6.0, 1.0)[0])
    assert mean_half_width(n) <= 1 < mean_half_width(n - 1)


def test_edges() -> None:
    assert sample_size_proportions(0.5, 0.5)[0] == np.inf
    assert sample_size_nps(0.5, 0.2, 0)[0] == np.inf
    sizes = sample_size_means([0.0, np.nan, 1.0], [1.0, 1.0, 0.0])
    assert sizes[0] == np.inf
    assert np.isnan(sizes[1])
    assert sizes[2] == 2
    assert np.isnan(sample_size_margin_mean(1.0, 0.0)[0])
    assert answers_needed([385, 385, np.inf, np.nan], [120, 500, 10, 3]).tolist()[:3] == [
        265,
        0,
        np.inf,
    ]
    with pytest.raises(ValueError, match="power must be between 0 and 1"):
        sample_size_proportions(0.1, 0.2, power=1.0)
