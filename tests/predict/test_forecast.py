"""KPI forecasts checked against statsmodels itself and against a known seasonal series."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from kundepuls.kit.errors import KundepulsError
from kundepuls.predict._fit import NotEnoughHistoryError
from kundepuls.predict.forecast import forecast_series


def _monthly(n: int = 48, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2022-01-01", periods=n, freq="MS")
    season = 6 * np.sin(2 * np.pi * months.month / 12)
    return pd.Series(30 + 0.1 * np.arange(n) + season + rng.normal(0, 1, n), index=months)


def test_forecast_equals_statsmodels_directly() -> None:
    series = _monthly()
    result = forecast_series(series, periods=4, grain="month", level=0.9)
    direct = ETSModel(
        series.asfreq("MS"),
        error="add",
        trend="add",
        damped_trend=True,
        seasonal="add",
        seasonal_periods=12,
    ).fit(disp=False)
    frame = direct.get_prediction(start=48, end=51).summary_frame(alpha=0.1)
    assert np.allclose(result.table["forecast"], frame["mean"])
    assert np.allclose(result.table["lower"], frame["pi_lower"])
    assert np.allclose(result.table["upper"], frame["pi_upper"])
    assert [d.isoformat() for d in result.table["period_start"]] == [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
        "2026-04-01",
    ]
    assert result.seasonal_periods == 12
    assert result.trend


def test_seasonal_shape_is_continued_and_intervals_widen() -> None:
    series = _monthly(60, seed=1)
    result = forecast_series(series, periods=12, grain="month")
    truth = 30 + 0.1 * np.arange(60, 72) + 6 * np.sin(2 * np.pi * np.arange(1, 13) / 12)
    table = result.table
    assert np.all((table["lower"] < truth) & (truth < table["upper"]))
    assert np.corrcoef(table["forecast"], truth)[0, 1] > 0.95
    width = table["upper"] - table["lower"]
    assert width.iloc[-1] > width.iloc[0]


def test_short_series_fall_back_and_bad_series_are_named() -> None:
    short = _monthly(8)
    result = forecast_series(short, periods=2)
    assert result.seasonal_periods == 0
    assert not result.trend
    with pytest.raises(NotEnoughHistoryError, match="at least 4 periods"):
        forecast_series(_monthly(3))
    gappy = _monthly(12).drop(pd.Timestamp("2022-05-01"))
    with pytest.raises(KundepulsError, match="first problem at 2022-05-01"):
        forecast_series(gappy)
