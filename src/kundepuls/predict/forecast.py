"""KPI forecasts: the next periods of a KPI series with prediction intervals.

An ETS (error, trend, seasonality) state-space model from statsmodels, with additive error,
a damped additive trend once there are enough points, and additive seasonality once two
full seasons are observed (7 for days, 52 for weeks, 12 for months, 4 for quarters).
Intervals come from the state-space model itself (Hyndman et al., *Forecasting with
Exponential Smoothing*, 2008, ch. 6), so they widen with the horizon.

Example
-------
>>> import pandas as pd
>>> months = pd.date_range("2024-01-01", periods=36, freq="MS")
>>> values = [40 + 5 * (m.month in (6, 7, 8)) + i * 0.2 for i, m in enumerate(months)]
>>> result = forecast_series(pd.Series(values, index=months), periods=3, grain="month")
>>> result.seasonal_periods, len(result.table)
(12, 3)
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from kundepuls.kit.errors import KundepulsError
from kundepuls.predict._fit import NotEnoughHistoryError

FREQ = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}
SEASON = {"day": 7, "week": 52, "month": 12, "quarter": 4, "year": 0}
MIN_POINTS = 4
MIN_POINTS_TREND = 10


@dataclass
class Forecast:
    """The forecast table (period_start, forecast, lower, upper) and how it was made."""

    table: pd.DataFrame
    trend: bool
    seasonal_periods: int
    level: float
    warnings: list[str] = field(default_factory=list)


def forecast_series(
    series: pd.Series,
    *,
    periods: int = 3,
    grain: str = "month",
    level: float = 0.95,
    seasonal_periods: int | None = None,
) -> Forecast:
    """Forecast ``periods`` steps of ``series`` (indexed by period start, one per period).

    Gaps in the series are an error: the model needs consecutive periods.
    """
    if grain not in FREQ:
        raise KundepulsError(f"unknown grain {grain!r}; use one of {', '.join(FREQ)}")
    values = _regular(series, grain)
    n = len(values)
    if n < MIN_POINTS:
        raise NotEnoughHistoryError(
            f"a forecast needs at least {MIN_POINTS} periods of the KPI; the series has {n}"
        )
    season = SEASON[grain] if seasonal_periods is None else seasonal_periods
    seasonal = season >= 2 and n >= 2 * season
    trend = n >= MIN_POINTS_TREND
    model = ETSModel(
        values,
        error="add",
        trend="add" if trend else None,
        damped_trend=trend,
        seasonal="add" if seasonal else None,
        seasonal_periods=season if seasonal else None,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = model.fit(disp=False)
        frame = fit.get_prediction(start=n, end=n + periods - 1).summary_frame(alpha=1 - level)
    table = pd.DataFrame(
        {
            "period_start": frame.index.date,
            "forecast": frame["mean"].to_numpy(),
            "lower": frame["pi_lower"].to_numpy(),
            "upper": frame["pi_upper"].to_numpy(),
        }
    )
    notes = sorted({str(w.message) for w in caught})  # e.g. non-convergence: reported
    return Forecast(table, trend, season if seasonal else 0, level, notes)


def _regular(series: pd.Series, grain: str) -> pd.Series:
    """The series on a regular index of the grain's frequency; gaps and repeats are errors."""
    index = pd.DatetimeIndex(pd.to_datetime(series.index))
    values = pd.Series(np.asarray(series, dtype=np.float64), index=index).sort_index()
    if values.index.has_duplicates:
        raise KundepulsError("the series has more than one value for a period")
    if values.isna().any():
        raise KundepulsError(f"the value for {values.index[values.isna()][0].date()} is missing")
    full = pd.date_range(values.index[0], values.index[-1], freq=FREQ[grain])
    if len(full) != len(values) or not full.equals(values.index):
        missing = full.difference(pd.DatetimeIndex(values.index))
        where = missing[0].date() if len(missing) else values.index[0].date()
        raise KundepulsError(
            f"the periods are not consecutive {grain}s (first problem at {where}); "
            "fill the gap or choose the grain the series was made with"
        )
    return pd.Series(values.to_numpy(), index=full)
