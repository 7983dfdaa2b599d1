"""Comparisons checked against scipy, statsmodels and plain numpy references."""

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats import rates
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from kundepuls.stats import (
    compare_means,
    compare_medians,
    compare_nps,
    compare_poisson,
    compare_proportions,
)
from kundepuls.stats.compare import conditional_p_values

SEED = 1947


def per_respondent(rng: np.random.Generator, size: int, p: float, d: float) -> np.ndarray:
    return rng.choice([100.0, 0.0, -100.0], size=size, p=[p, 1 - p - d, d])


def test_compare_nps_matches_the_per_respondent_score_reference() -> None:
    rng = np.random.default_rng(SEED)
    pairs = [
        (per_respondent(rng, 80, 0.5, 0.2), per_respondent(rng, 120, 0.4, 0.3)),
        (per_respondent(rng, 500, 0.6, 0.1), per_respondent(rng, 40, 0.6, 0.1)),
        (per_respondent(rng, 35, 0.3, 0.3), per_respondent(rng, 2000, 0.45, 0.2)),
    ]
    counts = [
        [len(x), np.sum(x == 100), np.sum(x == -100), len(y), np.sum(y == 100), np.sum(y == -100)]
        for x, y in pairs
    ]
    result = compare_nps(*np.array(counts, dtype=float).T)
    z = sps.norm.ppf(0.975)
    for i, (x, y) in enumerate(pairs):
        diff = x.mean() - y.mean()
        se = np.sqrt(x.var(ddof=0) / len(x) + y.var(ddof=0) / len(y))
        assert result.diff[i] == pytest.approx(diff)
        assert result.low[i] == pytest.approx(diff - z * se)
        assert result.high[i] == pytest.approx(diff + z * se)
        assert result.p_value[i] == pytest.approx(2 * sps.norm.sf(abs(diff) / se))


def test_compare_nps_edges() -> None:
    result = compare_nps(
        [0, 10, 10, 10], [0, 10, 10, 5], [0, 0, 0, 5], [5, 10, 10, 10], [2, 10, 0, 5], [1, 0, 10, 5]
    )
    assert np.isnan(result.diff[0])
    assert np.isnan(result.p_value[0])
    assert result.diff[1] == 0
    assert result.p_value[1] == 1.0
    assert result.diff[2] == 200
    assert result.p_value[2] == 0.0
    assert result.diff[3] == 0
    assert result.p_value[3] == pytest.approx(1.0)


def test_compare_proportions_matches_statsmodels() -> None:
    cases = [
        (120, 90, 150, 90),
        (30, 2, 45, 9),
        (1000, 510, 980, 470),
        (12, 12, 15, 10),
        (8, 0, 9, 3),
    ]
    n1, s1, n2, s2 = (np.array(c, dtype=float) for c in zip(*cases, strict=True))
    result = compare_proportions(n1, s1, n2, s2, scale=1.0, level=0.9)
    for i, (a, sa, b, sb) in enumerate(cases):
        _, p = proportions_ztest([sa, sb], [a, b])
        low, high = confint_proportions_2indep(sa, a, sb, b, method="newcomb", alpha=0.1)
        assert result.diff[i] == pytest.approx(sa / a - sb / b)
        assert result.p_value[i] == pytest.approx(p)
        assert result.low[i] == pytest.approx(low)
        assert result.high[i] == pytest.approx(high)


def test_compare_proportions_edges_and_scale() -> None:
    result = compare_proportions([0, 10, 10], [0, 0, 10], [10, 10, 10], [3, 0, 10])
    assert np.isnan(result.diff[0])
    assert np.isnan(result.p_value[0])
    assert result.p_value[1] == 1.0
    assert result.p_value[2] == 1.0
    assert result.low[1] < 0 < result.high[1]
    scaled = compare_proportions(50, 30, 60, 20)
    plain = compare_proportions(50, 30, 60, 20, scale=1.0)
    np.testing.assert_allclose(scaled.low, 100 * plain.low)


def test_compare_means_matches_scipy_welch() -> None:
    rng = np.random.default_rng(SEED)
    pairs = [
        (rng.normal(5, 1, 12), rng.normal(4.5, 2, 40)),
        (rng.gamma(2, 3, 300), rng.gamma(2, 3.3, 280)),
        (rng.normal(0, 1, 2), rng.normal(1, 5, 3)),
    ]
    stats = [[len(x), x.mean(), x.std(ddof=1), len(y), y.mean(), y.std(ddof=1)] for x, y in pairs]
    result = compare_means(*np.array(stats).T, level=0.95)
    for i, (x, y) in enumerate(pairs):
        reference = sps.ttest_ind(x, y, equal_var=False)
        ci = reference.confidence_interval(0.95)
        assert result.p_value[i] == pytest.approx(reference.pvalue)
        assert result.low[i] == pytest.approx(ci.low)
        assert result.high[i] == pytest.approx(ci.high)


def test_compare_means_edges() -> None:
    result = compare_means(
        [1, 0, 5, 5, 5],
        [3, np.nan, 2, 2, 2],
        [np.nan, np.nan, 0, 0, 1],
        [5, 5, 5, 5, 5],
        [2, 2, 2, 3, 2],
        [1, 1, 0, 0, 0],
    )
    assert result.diff[0] == 1
    assert np.isnan(result.low[0])
    assert np.isnan(result.p_value[0])
    assert np.isnan(result.diff[1])
    assert result.p_value[2] == 1.0
    assert result.low[2] == result.high[2] == 0
    assert result.p_value[3] == 0.0
    reference = sps.ttest_ind_from_stats(2, 1, 5, 2, 0, 5, equal_var=False)
    assert result.p_value[4] == pytest.approx(reference.pvalue)


def test_compare_poisson_matches_statsmodels() -> None:
    cases = [
        (30, 1000, 12, 1000),
        (0, 50, 4, 60),
        (7, 1.0, 7, 1.0),
        (130, 4000, 95, 2500),
        (1, 3, 0, 3),
    ]
    c1, e1, c2, e2 = (np.array(c, dtype=float) for c in zip(*cases, strict=True))
    result = compare_poisson(c1, e1, c2, e2, scale=100.0, level=0.95)
    for i, (a, ea, b, eb) in enumerate(cases):
        with np.errstate(divide="ignore"):  # statsmodels also reports the ratio a/0
            test = rates.test_poisson_2indep(a, ea, b, eb, method="exact-cond")
        low, high = rates.confint_poisson_2indep(
            a, ea, b, eb, method="mover", compare="diff", method_mover="exact-c"
        )
        assert result.diff[i] == pytest.approx(100 * (a / ea - b / eb))
        assert result.p_value[i] == pytest.approx(test.pvalue)
        assert result.low[i] == pytest.approx(100 * low)
        assert result.high[i] == pytest.approx(100 * high)


def test_compare_poisson_edges() -> None:
    result = compare_poisson([0, 3], [10, 0], [0, 1], [10, 5])
    assert result.diff[0] == 0
    assert result.p_value[0] == 1.0
    assert result.high[0] > 0
    assert np.isnan(result.diff[1])
    assert np.isnan(result.p_value[1])


def test_compare_medians_matches_scipy_median_test() -> None:
    rng = np.random.default_rng(SEED)
    pairs = [
        (rng.exponential(2.0, 60), rng.exponential(3.0, 80)),
        (rng.exponential(2.0, 25), rng.exponential(2.0, 30)),
        (np.round(rng.exponential(5.0, 40)), np.round(rng.exponential(5.0, 45))),
    ]
    result = compare_medians([x for x, _ in pairs], [y for _, y in pairs])
    for i, (x, y) in enumerate(pairs):
        assert result.diff[i] == pytest.approx(np.median(x) - np.median(y))
        assert result.p_value[i] == pytest.approx(sps.median_test(x, y).pvalue)
        assert result.low[i] <= result.diff[i] <= result.high[i]


def test_compare_medians_edges() -> None:
    result = compare_medians([[], [2.0], [1.0, 1, 1]], [[1.0], [1.0, 2], [1.0, 1]])
    assert np.isnan(result.diff[0])
    assert result.diff[1] == 0.5
    assert np.isnan(result.low[1])
    assert result.diff[2] == 0
    assert result.p_value[2] == 1.0


def test_compare_poisson_rejects_fractional_counts() -> None:
    with pytest.raises(ValueError, match="c1 must be whole event counts"):
        compare_poisson(2.5, 10, 3, 10)


def test_exact_conditional_p_values_match_scipy_binomtest_widely() -> None:
    rng = np.random.default_rng(2008)
    totals = rng.choice([1, 2, 3, 7, 40, 300, 20000], size=400)
    k = np.array([rng.integers(0, t + 1) for t in totals], dtype=float)
    share = rng.choice([0.5, 0.25, 0.9, 0.013], size=400)
    ours = conditional_p_values(k, totals.astype(float), share)
    expected = [
        sps.binomtest(int(a), int(t), p).pvalue for a, t, p in zip(k, totals, share, strict=True)
    ]
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)
