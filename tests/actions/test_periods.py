"""The before/after table's intervals per group and period, checked by hand: Wilson for
shares, the DESIGN's NPS formula for NPS, Student's t for means (as the KPI engine)."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from kundepuls.actions.service import period_stat


def _rows(values: list[float], after: bool = False, group: str = "treated") -> pd.DataFrame:
    return pd.DataFrame({"value": values, "after": after, "group": group})


def test_a_share_has_the_wilson_interval() -> None:
    rows = pd.concat([_rows([100.0] * 30 + [0.0] * 10), _rows([0.0] * 5, group="compare")])
    stat = period_stat(rows, "share", "treated", "before")
    n, p, z = 40, 0.75, sps.norm.ppf(0.975)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert stat.n == n
    assert stat.value == pytest.approx(75.0)
    assert stat.ci_low == pytest.approx(100 * (centre - half))
    assert stat.ci_high == pytest.approx(100 * (centre + half))


def test_nps_has_the_designs_interval() -> None:
    values = [100.0] * 50 + [0.0] * 30 + [-100.0] * 20
    stat = period_stat(_rows(values, after=True), "nps", "treated", "after")
    p, d, n = 0.5, 0.2, 100
    half = 1.96 * 100 * math.sqrt((p + d - (p - d) ** 2) / n)
    assert stat.value == pytest.approx(30.0)
    assert stat.ci_low == pytest.approx(30.0 - half, abs=0.01)
    assert stat.ci_high == pytest.approx(30.0 + half, abs=0.01)


def test_a_mean_has_the_t_interval_and_an_empty_period_has_none() -> None:
    values = np.array([2.0, 4.0, 9.0, 1.0, 3.5])
    stat = period_stat(_rows(list(values), group="compare"), "mean", "compare", "before")
    t = sps.t.ppf(0.975, 4)
    se = values.std(ddof=1) / math.sqrt(5)
    assert (stat.ci_low, stat.ci_high) == pytest.approx(
        (values.mean() - t * se, values.mean() + t * se)
    )
    empty = period_stat(_rows(list(values), group="compare"), "mean", "compare", "after")
    assert (empty.n, empty.value, empty.ci_low, empty.ci_high) == (0, None, None, None)
