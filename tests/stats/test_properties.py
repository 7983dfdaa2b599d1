"""Properties every interval must have, for any counts: contains the value, ordered,
wider at a higher level."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kundepuls.stats import (
    Difference,
    Interval,
    bh_qvalues,
    compare_means,
    compare_nps,
    compare_poisson,
    compare_proportions,
    mean_t,
    median_rank_bounds,
    nps,
    poisson,
    wilson,
)

SETTINGS = settings(max_examples=150, deadline=None, database=None)
EPS = 1e-9
levels = st.tuples(st.floats(0.5, 0.9), st.floats(0.91, 0.999))
counts = st.integers(1, 10**6)


def nested(low: np.ndarray, high: np.ndarray, wide_low: np.ndarray, wide_high: np.ndarray) -> bool:
    return bool(np.all(wide_low <= low + EPS) and np.all(high <= wide_high + EPS))


def check(result: Interval, lo_level_result: Interval) -> None:
    assert np.all(result.low <= result.value + EPS)
    assert np.all(result.value <= result.high + EPS)
    assert nested(lo_level_result.low, lo_level_result.high, result.low, result.high)


@SETTINGS
@given(n=counts, data=st.data(), levels=levels)
def test_wilson_properties(n: int, data: st.DataObject, levels: tuple[float, float]) -> None:
    s = data.draw(st.integers(0, n))
    wide, narrow = wilson(n, s, level=levels[1]), wilson(n, s, level=levels[0])
    check(wide, narrow)
    assert wide.low[0] >= 0
    assert wide.high[0] <= 100


@SETTINGS
@given(n=counts, data=st.data(), levels=levels)
def test_nps_properties(n: int, data: st.DataObject, levels: tuple[float, float]) -> None:
    p = data.draw(st.integers(0, n))
    d = data.draw(st.integers(0, n - p))
    wide, narrow = nps(n, p, d, level=levels[1]), nps(n, p, d, level=levels[0])
    check(wide, narrow)
    assert wide.low[0] >= -100
    assert wide.high[0] <= 100


@SETTINGS
@given(
    n=st.integers(2, 10**6),
    mean=st.floats(-1e6, 1e6),
    sd=st.floats(0, 1e4),
    levels=levels,
)
def test_mean_t_properties(n: int, mean: float, sd: float, levels: tuple[float, float]) -> None:
    check(mean_t(n, mean, sd, level=levels[1]), mean_t(n, mean, sd, level=levels[0]))


@SETTINGS
@given(
    count=st.integers(0, 10**6),
    exposure=st.floats(0.01, 1e7),
    levels=levels,
)
def test_poisson_properties(count: int, exposure: float, levels: tuple[float, float]) -> None:
    wide = poisson(count, exposure, scale=100, level=levels[1])
    check(wide, poisson(count, exposure, scale=100, level=levels[0]))
    assert wide.low[0] >= 0
    assert wide.high[0] > 0


@SETTINGS
@given(n=st.integers(6, 10**5), levels=levels)
def test_median_ranks_widen_with_level(n: int, levels: tuple[float, float]) -> None:
    wide_low, wide_high = median_rank_bounds(n, level=levels[1])
    low, high = median_rank_bounds(n, level=levels[0])
    if np.isfinite(wide_low[0]):
        assert 1 <= wide_low[0] <= low[0] <= high[0] <= wide_high[0] <= n


def check_difference(wide: Difference, narrow: Difference) -> None:
    assert np.all(wide.low <= wide.diff + EPS)
    assert np.all(wide.diff <= wide.high + EPS)
    assert nested(narrow.low, narrow.high, wide.low, wide.high)
    assert np.all((wide.p_value >= 0) & (wide.p_value <= 1))


@SETTINGS
@given(n1=counts, n2=counts, data=st.data(), levels=levels)
def test_comparison_properties(
    n1: int, n2: int, data: st.DataObject, levels: tuple[float, float]
) -> None:
    s1, s2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    d1, d2 = data.draw(st.integers(0, n1 - s1)), data.draw(st.integers(0, n2 - s2))
    low, high = levels
    check_difference(
        compare_proportions(n1, s1, n2, s2, level=high),
        compare_proportions(n1, s1, n2, s2, level=low),
    )
    check_difference(
        compare_nps(n1, s1, d1, n2, s2, d2, level=high),
        compare_nps(n1, s1, d1, n2, s2, d2, level=low),
    )
    check_difference(
        compare_poisson(s1, n1, s2, n2, scale=100, level=high),
        compare_poisson(s1, n1, s2, n2, scale=100, level=low),
    )


@SETTINGS
@given(
    n=st.tuples(st.integers(2, 10**5), st.integers(2, 10**5)),
    means=st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)),
    sds=st.tuples(st.floats(0.001, 100), st.floats(0, 100)),
    levels=levels,
)
def test_welch_properties(
    n: tuple[int, int],
    means: tuple[float, float],
    sds: tuple[float, float],
    levels: tuple[float, float],
) -> None:
    args = (n[0], means[0], sds[0], n[1], means[1], sds[1])
    check_difference(compare_means(*args, level=levels[1]), compare_means(*args, level=levels[0]))


@SETTINGS
@given(st.lists(st.one_of(st.floats(0, 1), st.just(float("nan"))), max_size=60))
def test_bh_properties(p: list[float]) -> None:
    q = bh_qvalues(p)
    arr = np.array(p, dtype=float)
    assert np.array_equal(np.isnan(q), np.isnan(arr))
    valid = ~np.isnan(arr)
    assert np.all(q[valid] >= arr[valid] - EPS)
    assert np.all(q[valid] <= 1)
    order = np.argsort(arr[valid], kind="stable")
    assert np.all(np.diff(q[valid][order]) >= -EPS)
