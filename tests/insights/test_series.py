"""The series tests on synthetic data: they find what is planted and report no noise.

Everything here runs on the pure pandas layer (no store), so hundreds of seeds are cheap.
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from kundepuls.insights.series import (
    SeriesTest,
    anomaly_in_series,
    max_z_p_value,
    with_qvalues,
)
from kundepuls.kit.errors import UsageError

WEEKS = pd.date_range("2025-01-06", periods=78, freq="7D")
WINDOW = WEEKS[52].date()
SEEDS = 200
SEGMENTS = 4  # series per seed, all in one false-discovery family like a scan's segments


def weekly(rng: np.random.Generator, means: np.ndarray, sd: float = 30.0) -> tuple[pd.Series, ...]:
    """Per week: the mean of n unit values, n and the units' sd."""
    n = rng.integers(20, 150, len(means))
    units = [rng.normal(m, sd, k) for m, k in zip(means, n, strict=True)]
    return (
        pd.Series([u.mean() for u in units], index=WEEKS[: len(means)]),
        pd.Series(n, index=WEEKS[: len(means)]),
        pd.Series([u.std(ddof=1) for u in units], index=WEEKS[: len(means)]),
    )


def binomial_ceiling(rate: float, trials: int) -> float:
    """The share of ``trials`` a true ``rate`` stays under 99 % of the time."""
    return float(stats.binom.ppf(0.99, trials, rate) / trials)


@pytest.mark.parametrize("known_sd", [True, False], ids=["sd", "no-sd"])
def test_no_effect_gives_findings_at_most_at_the_nominal_rate(known_sd: bool) -> None:
    """Under no effect at all, a seed's scan finds anything (q < 0.05) in ≤ 5 % of seeds.

    Benjamini–Hochberg at 0.05 keeps the chance of any false finding at 0.05 when every
    hypothesis is null; the extra period-to-period noise τ² is planted too (real series
    wander), so a test that assumed pure sampling noise would fail here.
    """
    with_any = 0
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        tests: list[SeriesTest] = []
        for _ in range(SEGMENTS):
            wander = rng.normal(0, 2.0, len(WEEKS))  # τ = 2 points between weeks
            values, n, sd = weekly(rng, 50 + wander)
            verdict = anomaly_in_series(values, n, sd=sd if known_sd else None, since=WINDOW)
            tests.extend(verdict.tests)
        if with_qvalues(tests).findings():
            with_any += 1
    assert with_any / SEEDS <= binomial_ceiling(0.05, SEEDS)


def test_a_level_shift_is_found_with_its_start_and_size() -> None:
    rng = np.random.default_rng(7)
    means = np.where(np.arange(len(WEEKS)) < 60, 50.0, 38.0)
    values, n, sd = weekly(rng, means)
    verdict = anomaly_in_series(values, n, sd=sd, since=WINDOW)
    found = verdict.findings()
    assert found
    assert found[0].kind == "level_shift"
    assert abs((found[0].since - WEEKS[60].date()).days) <= 14
    assert found[0].ci_low < -12 < found[0].ci_high
    # The size is the plain difference of the unit means after and before (pandas).
    k = list(WEEKS.date).index(found[0].since)
    before = (values * n)[:k].sum() / n[:k].sum()
    after = (values * n)[k:].sum() / n[k:].sum()
    assert found[0].size == pytest.approx(after - before)
    assert found[0].n == n[k:].sum()


def test_a_spike_in_the_last_week_is_an_anomaly_against_its_robust_baseline() -> None:
    rng = np.random.default_rng(3)
    means = np.full(len(WEEKS), 50.0)
    means[-1] = 75.0
    values, n, sd = weekly(rng, means)
    n.iloc[-1] = 120
    found = anomaly_in_series(values, n, sd=sd, since=WINDOW).findings()
    (spike,) = [f for f in found if f.kind == "anomaly"]
    assert spike.since == WEEKS[-1].date()
    base = values.iloc[-9:-1]
    mad = 1.4826 * np.median(np.abs(base - base.median()))
    assert spike.z == pytest.approx((values.iloc[-1] - base.median()) / mad)


def test_a_steady_trend_matches_weighted_least_squares() -> None:
    rng = np.random.default_rng(11)
    means = 50 - 0.6 * np.arange(len(WEEKS))
    values, n, sd = weekly(rng, means, sd=10.0)
    verdict = anomaly_in_series(values, n, sd=sd, since=WEEKS[30].date())
    (test,) = [t for t in verdict.tests if t.kind in ("trend", "level_shift")]
    if test.kind == "level_shift":  # the stronger of the two is kept; check the trend too
        from kundepuls.insights.series import Options, trend

        days = list(WEEKS.date)
        t = trend(days, values.to_numpy(), n.to_numpy("float64"), None, WEEKS[30].date(),
                  Options())  # fmt: skip
        assert t is not None
        test = t
    x = np.arange(30, len(WEEKS), dtype="float64") - 30
    fit = sm.WLS(values.iloc[30:].to_numpy(), sm.add_constant(x), weights=n.iloc[30:]).fit()
    assert test.size == pytest.approx(fit.params[1] * x[-1])
    assert test.size < 0


def test_low_sample_periods_are_never_anomalies_and_tiny_segments_never_shift() -> None:
    rng = np.random.default_rng(5)
    means = np.full(len(WEEKS), 50.0)
    means[-1] = 95.0
    values, n, sd = weekly(rng, means)
    n.iloc[-1] = 12  # below min_n = 30
    verdict = anomaly_in_series(values, n, sd=sd, since=WINDOW)
    assert WEEKS[-1].date() not in {t.since for t in verdict.tests if t.kind == "anomaly"}
    small = pd.Series(1, index=WEEKS)
    shifted = pd.Series(np.where(np.arange(len(WEEKS)) < 70, 0.0, 100.0), index=WEEKS)
    verdict = anomaly_in_series(shifted, small, since=WINDOW)
    assert not [t for t in verdict.tests if t.kind == "level_shift"]


def test_daily_series_know_the_weekend() -> None:
    """Weekends twice as high every week are the season, not an anomaly; a weekday spike is."""
    days = pd.date_range("2026-01-05", periods=120, freq="D")
    rng = np.random.default_rng(2)
    weekend = days.day_of_week >= 5
    means = np.where(weekend, 8.0, 4.0)
    n = pd.Series(rng.integers(40, 80, len(days)), index=days)
    values = pd.Series(rng.normal(means, 2.0 / np.sqrt(n)), index=days)
    sd = pd.Series(2.0, index=days)
    since = days[-14].date()
    quiet = anomaly_in_series(values, n, sd=sd, since=since, grain="day", recent=14)
    assert not [t for t in quiet.findings() if t.kind == "anomaly"]
    spiked = values.copy()
    spiked.iloc[-3] = 6.5 if not weekend[-3] else 12.0
    found = anomaly_in_series(spiked, n, sd=sd, since=since, grain="day", recent=14).findings()
    assert [f.since for f in found if f.kind == "anomaly"] == [days[-3].date()]


def test_the_maximum_z_p_value_matches_simulated_bridges() -> None:
    rng = np.random.default_rng(0)
    t, low, high = 60, 4, 56
    steps = rng.normal(size=(20_000, t))
    walk = np.cumsum(steps, axis=1)
    k = np.arange(1, t)
    z = (walk[:, :-1] - k / t * walk[:, -1:]) / np.sqrt(k * (t - k) / t)
    peak = np.abs(z[:, low - 1 : high]).max(axis=1)
    for b in (2.5, 3.0, 3.5):
        simulated = float((peak > b).mean())
        error = 3 * np.sqrt(simulated * (1 - simulated) / len(peak))
        approx = max_z_p_value(b, np.arange(low, high + 1) / t)
        # Never below the simulated tail (that would be anti-conservative), and close to it.
        assert simulated - error <= approx <= 1.2 * simulated + error


def test_bad_grain_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="grain 'month'"):
        anomaly_in_series(pd.Series([1.0]), pd.Series([1]), grain="month")
    empty = anomaly_in_series(pd.Series(dtype="float64"), pd.Series(dtype="float64"))
    assert empty.tests == ()
    assert empty.kind is None
