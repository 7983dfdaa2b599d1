"""The dispatch table the KPI engine calls with frames of sufficient statistics."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from kundepuls.kit.errors import UsageError
from kundepuls.stats import (
    KPI_INTERVALS,
    METHODS,
    compare_means,
    compare_nps,
    compare_poisson,
    compare_proportions,
    complement,
    difference,
    estimate,
    mean_t,
    median_order_stat,
    nps,
    poisson,
    wilson,
)

DESIGN_KPIS = {
    "nps", "csat", "csat_mean", "ces", "first_response_hours", "resolution_hours", "fcr",
    "purchase_frequency", "aov", "repeat_purchase_rate", "clv_historical", "churn_rate",
    "retention_rate", "complaint_count", "complaint_rate", "complaint_resolution_rate",
    "complaint_resolution_hours", "response_rate",
}  # fmt: skip


def test_every_design_kpi_has_a_known_method() -> None:
    assert set(KPI_INTERVALS) >= DESIGN_KPIS
    assert set(KPI_INTERVALS.values()) <= set(METHODS)
    assert KPI_INTERVALS["nps"] == "nps"
    assert KPI_INTERVALS["purchase_frequency"] == "t"
    assert KPI_INTERVALS["complaint_rate"] == "poisson_rate"
    assert KPI_INTERVALS["response_rate"] == "wilson"


def test_estimate_and_difference_equal_the_direct_calls() -> None:
    a = pd.DataFrame(
        {
            "n": [200, 0, 35],
            "promoters": [90, 0, 20],
            "detractors": [30, 0, 5],
            "successes": [150, 0, 30],
            "mean": [4.1, np.nan, 3.2],
            "sd": [0.8, np.nan, 1.1],
            "count": [12, 0, 3],
            "exposure": [400, 0, 90],
        }
    )
    b = a.assign(promoters=[70, 0, 10], successes=[120, 0, 25], mean=[3.9, np.nan, 3.0])
    b = b.assign(count=[20, 1, 3])
    n, pro, det = a["n"], a["promoters"], a["detractors"]
    pairs = [
        ("nps", nps(n, pro, det), compare_nps(n, pro, det, b["n"], b["promoters"], det)),
        (
            "wilson",
            wilson(n, a["successes"]),
            compare_proportions(n, a["successes"], b["n"], b["successes"]),
        ),
        (
            "t",
            mean_t(n, a["mean"], a["sd"]),
            compare_means(n, a["mean"], a["sd"], n, b["mean"], b["sd"]),
        ),
        ("poisson", poisson(a["count"]), compare_poisson(a["count"], 1, b["count"], 1)),
        (
            "poisson_rate",
            poisson(a["count"], a["exposure"], scale=100),
            compare_poisson(a["count"], a["exposure"], b["count"], b["exposure"], scale=100),
        ),
    ]
    for name, interval, diff in pairs:
        got = estimate(name, a[list(METHODS[name].columns)])
        np.testing.assert_array_equal(got.value, interval.value)
        np.testing.assert_array_equal(got.low, interval.low)
        got_diff = difference(name, a, b, level=0.95)
        np.testing.assert_array_equal(got_diff.diff, diff.diff)
        np.testing.assert_array_equal(got_diff.p_value, diff.p_value)


def test_median_method_takes_one_array_per_group() -> None:
    values = [np.arange(1.0, 11.0), np.array([]), np.arange(20.0)]
    frame = pd.DataFrame({"values": values})
    got = estimate("median", frame)
    expected = median_order_stat(values)
    np.testing.assert_array_equal(got.low, expected.low)
    diff = difference("median", frame, frame)
    assert diff.diff[0] == 0
    assert np.isnan(diff.diff[1])


def test_level_is_passed_through() -> None:
    frame = pd.DataFrame({"n": [100], "successes": [40]})
    wide, narrow = estimate("wilson", frame, 0.99), estimate("wilson", frame, 0.8)
    assert wide.low[0] < narrow.low[0] < narrow.high[0] < wide.high[0]


def test_unknown_method_and_missing_columns_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="did you mean wilson"):
        estimate("wilsen", pd.DataFrame({"n": [1]}))
    with pytest.raises(UsageError, match="needs the column\\(s\\) successes"):
        estimate("wilson", pd.DataFrame({"n": [1]}))
    with pytest.raises(ValueError, match="equal lengths"):
        difference(
            "wilson",
            pd.DataFrame({"n": [1], "successes": [1]}),
            pd.DataFrame({"n": [], "successes": []}),
        )


def test_frames_from_database_backends_are_read() -> None:
    """Nullable integers, Decimal means (PostgreSQL numeric) and Arrow columns all work."""
    frame = pd.DataFrame(
        {
            "n": pd.Series([3, 2, None], dtype="Int64"),
            "mean": pd.Series([Decimal("1.5"), Decimal("2"), None], dtype=object),
            "sd": pd.Series([1.0, 0.5, None], dtype="float64[pyarrow]"),
        }
    )
    got = estimate("t", frame)
    expected = mean_t([3, 2, np.nan], [1.5, 2.0, np.nan], [1.0, 0.5, np.nan])
    np.testing.assert_allclose(got.low, expected.low)
    assert np.isnan(got.value[2])


def test_complement_equals_the_statistics_of_the_rest_computed_directly() -> None:
    rng = np.random.default_rng(77)
    rows = pd.DataFrame(
        {
            "region": rng.choice(["Nord", "Vest", "Øst", "Sør"], size=500),
            "score": rng.integers(0, 11, size=500),
            "hours": rng.gamma(2.0, 4.0, size=500),
        }
    )

    def stats(frame: pd.DataFrame) -> pd.Series:
        return pd.Series(
            {
                "n": len(frame),
                "promoters": (frame["score"] >= 9).sum(),
                "detractors": (frame["score"] <= 6).sum(),
                "mean": frame["hours"].mean(),
                "sd": frame["hours"].std(ddof=1),
            }
        )

    groups = rows.groupby("region").apply(stats)
    total = stats(rows).to_frame().T
    direct = pd.DataFrame({r: stats(rows[rows["region"] != r]) for r in groups.index}).T
    for method in ("t", "nps"):
        columns = list(METHODS[method].columns)
        rest = complement(method, total[columns], groups[columns])
        np.testing.assert_allclose(
            rest[columns].to_numpy(float), direct.loc[groups.index, columns].to_numpy(float)
        )


def test_complement_edges() -> None:
    total = pd.DataFrame({"n": [3], "mean": [2.0], "sd": [1.0]})
    groups = pd.DataFrame(
        {"n": [3, 2, 0], "mean": [2.0, 1.5, np.nan], "sd": [1.0, 0.5**0.5, np.nan]}
    )
    rest = complement("t", total, groups)
    assert rest["n"].tolist() == [0, 1, 3]
    assert np.isnan(rest["mean"].iloc[0])
    assert rest["mean"].iloc[1] == pytest.approx(3.0)
    assert np.isnan(rest["sd"].iloc[1])
    assert rest["sd"].iloc[2] == pytest.approx(1.0)
    with pytest.raises(UsageError, match="cannot derive the rest"):
        complement("median", pd.DataFrame({"values": [[1.0]]}), pd.DataFrame({"values": [[1.0]]}))
