"""From transactions to the per-customer summary the purchase models need, and holdout checks.

A *purchase period* is a calendar day with at least one order of amount 0 or more: several
orders on one day count as one purchase (as in FHL 2005's CDNOW data, where zero-amount
purchases count too), a refund (negative amount) is netted against that day's orders with
the day's value floored at 0, and a day with only refunds is not a purchase.

``frequency`` is the number of purchase days after the first, ``recency`` the time from the
first to the last purchase day, ``T`` the time from the first purchase day to the end of
observation, ``monetary_value`` the mean net amount of the repeat purchase days (0 for
customers without one). Written for pandas 2 and 3.
"""

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from kundepuls.kit.errors import KundepulsError
from kundepuls.predict.bgnbd import BetaGeoFitter

UNIT_DAYS = {"D": 1.0, "W": 7.0}


def _day(values: Any) -> pd.Timestamp:
    return pd.Timestamp(values).normalize()


def purchase_days(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_col: str | None = None,
    tz: str | None = None,
) -> pd.DataFrame:
    """One row per customer and purchase day: ``customer``, ``day``, ``amount``.

    Aware times are converted to ``tz`` first, so that a day is the customer's local day.
    """
    missing = [c for c in (customer_col, datetime_col, monetary_col) if c and c not in transactions]
    if missing:
        raise KundepulsError(f"transactions lack the column(s) {', '.join(missing)}")
    times = pd.to_datetime(transactions[datetime_col])
    if times.dt.tz is not None:
        times = times.dt.tz_convert(tz or "UTC").dt.tz_localize(None)
    amount = (
        pd.to_numeric(transactions[monetary_col])
        if monetary_col
        else pd.Series(1.0, index=times.index)
    )
    frame = pd.DataFrame(
        {
            "customer": transactions[customer_col].to_numpy(),
            "day": times.dt.normalize(),
            "amount": amount,
        }
    )
    frame["purchase"] = frame["amount"] >= 0
    days = frame.groupby(["customer", "day"], as_index=False, sort=True).agg(
        amount=("amount", "sum"), purchase=("purchase", "any")
    )
    days = days[days["purchase"]].drop(columns="purchase").reset_index(drop=True)
    days["amount"] = days["amount"].clip(lower=0.0)
    return days


def summarize_days(days: pd.DataFrame, observation_end: Any, unit: str = "D") -> pd.DataFrame:
    """Frequency, recency, T and monetary value per customer from :func:`purchase_days`.

    Purchase days after ``observation_end`` are ignored.

    Example
    -------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "date": ["2026-01-01", "2026-01-01", "2026-01-11", "2026-01-05"],
    ...     "amount": [10.0, 5.0, 20.0, 8.0]})
    >>> days = purchase_days(tx, monetary_col="amount")
    >>> summarize_days(days, "2026-01-21").to_dict("index")["a"]
    {'frequency': 1.0, 'recency': 10.0, 'T': 20.0, 'monetary_value': 20.0}
    """
    per_unit = UNIT_DAYS[unit]
    end = _day(observation_end)
    days = days[days["day"] <= end]
    grouped = days.groupby("customer", sort=True)
    first, last = grouped["day"].min(), grouped["day"].max()
    count = grouped.size()
    first_amount = grouped["amount"].first()  # days are sorted, so this is the first day
    repeat = (count - 1).astype(np.float64)
    spend = (grouped["amount"].sum() - first_amount) / repeat.where(repeat > 0)
    out = pd.DataFrame(
        {
            "frequency": repeat,
            "recency": (last - first).dt.days / per_unit,
            "T": (end - first).dt.days / per_unit,
            "monetary_value": spend.fillna(0.0),
        }
    )
    out.index.name = "customer"
    return out


def calibration_holdout(
    transactions: pd.DataFrame,
    calibration_end: date | datetime | str,
    holdout_end: date | datetime | str,
    *,
    customer_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_col: str | None = None,
    unit: str = "D",
) -> pd.DataFrame:
    """Calibration summary plus repeat purchases in the holdout, per customer.

    Customers whose first purchase is after ``calibration_end`` are left out (the model has
    nothing to condition on). Columns: ``frequency_cal``, ``recency_cal``, ``T_cal``,
    ``monetary_value_cal``, ``frequency_holdout`` and ``duration_holdout``.

    Example
    -------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...     "date": ["2026-01-01", "2026-01-08", "2026-02-10", "2026-02-20"]})
    >>> calibration_holdout(tx, "2026-01-31", "2026-03-02")["frequency_holdout"].tolist()
    [1.0]
    """
    cal_end, hold_end = _day(calibration_end), _day(holdout_end)
    if hold_end <= cal_end:
        raise KundepulsError("holdout_end must be after calibration_end")
    days = purchase_days(
        transactions,
        customer_col=customer_col,
        datetime_col=datetime_col,
        monetary_col=monetary_col,
    )
    cal = summarize_days(days, cal_end, unit).add_suffix("_cal")
    later = days[(days["day"] > cal_end) & (days["day"] <= hold_end)]
    holdout = later.groupby("customer").size().reindex(cal.index, fill_value=0)
    cal["frequency_holdout"] = holdout.astype(np.float64)
    cal["duration_holdout"] = (hold_end - cal_end).days / UNIT_DAYS[unit]
    return cal


def holdout_by_frequency(
    model: BetaGeoFitter, data: pd.DataFrame, *, max_frequency: int = 7
) -> pd.DataFrame:
    """Mean predicted vs actual holdout purchases per calibration frequency (FHL 2005, fig. 4).

    Frequencies at or above ``max_frequency`` are pooled into one group (``7+`` in the paper).
    """
    predicted = model.expected_purchases(
        data["duration_holdout"], data["frequency_cal"], data["recency_cal"], data["T_cal"]
    )
    group = data["frequency_cal"].clip(upper=max_frequency).astype(int)
    frame = pd.DataFrame(
        {"group": group, "actual": data["frequency_holdout"], "predicted": predicted}
    )
    table = frame.groupby("group").agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    return table.reset_index().rename(columns={"group": "frequency_cal"})
