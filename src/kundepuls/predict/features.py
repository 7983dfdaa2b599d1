"""Per-customer features at a cutoff time, and the churn label after it.

Only what was known at the cutoff enters the features (answers, tickets and complaints
created up to it; a complaint counts as unresolved when it had no resolution by then), so
the time-based holdout is honest.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

PURCHASE = ["days_since_last", "orders", "log_spend", "tenure_days", "orders_last_90d"]
EXPERIENCE = [
    "last_nps",
    "no_nps",
    "mean_csat",
    "no_csat",
    "log_first_response_hours",
    "tickets_last_90d",
    "unresolved_complaints",
]


@dataclass
class Facts:
    """The fact frames from the store (times aware UTC)."""

    orders: pd.DataFrame
    responses: pd.DataFrame
    tickets: pd.DataFrame
    complaints: pd.DataFrame


def build(facts: Facts, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Features of every customer with an order at or before ``cutoff`` (index customer_id)."""
    o = facts.orders[facts.orders["ordered_at"] <= cutoff]
    g = o.groupby("customer_id")
    frame = pd.DataFrame(
        {
            "days_since_last": (cutoff - g["ordered_at"].max()).dt.total_seconds() / 86400,
            "orders": g.size().astype(float),
            "log_spend": np.log1p(g["amount"].sum().clip(lower=0)),
            "tenure_days": (cutoff - g["ordered_at"].min()).dt.total_seconds() / 86400,
        }
    )
    recent = o[o["ordered_at"] > cutoff - pd.Timedelta(days=90)]
    frame["orders_last_90d"] = recent.groupby("customer_id").size().reindex(frame.index)
    frame = frame.join(_survey(facts.responses, cutoff)).join(_service(facts, cutoff))
    return _fill(frame)


def _survey(responses: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    r = responses[responses["submitted_at"] <= cutoff].sort_values("submitted_at")
    nps = r.dropna(subset=["nps"]).groupby("customer_id")["nps"].last()
    csat = r.dropna(subset=["csat"]).groupby("customer_id")["csat"].mean()
    return pd.DataFrame({"last_nps": nps.astype(float), "mean_csat": csat.astype(float)})


def _service(facts: Facts, cutoff: pd.Timestamp) -> pd.DataFrame:
    t = facts.tickets[facts.tickets["created_at"] <= cutoff]
    answered = t[t["first_response_at"].notna() & (t["first_response_at"] <= cutoff)]
    hours = (answered["first_response_at"] - answered["created_at"]).dt.total_seconds() / 3600
    recent = t[t["created_at"] > cutoff - pd.Timedelta(days=90)]
    c = facts.complaints[facts.complaints["created_at"] <= cutoff]
    open_then = c[
        (c["status"] != "rejected") & (c["resolved_at"].isna() | (c["resolved_at"] > cutoff))
    ]
    return pd.DataFrame(
        {
            "log_first_response_hours": np.log1p(
                hours.groupby(answered["customer_id"]).mean().clip(lower=0)
            ),
            "tickets_last_90d": recent.groupby("customer_id").size().astype(float),
            "unresolved_complaints": open_then.groupby("customer_id").size().astype(float),
        }
    )


def _fill(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing answers become the population's typical value plus a 'no answer' flag."""
    frame = frame.reindex(columns=PURCHASE + EXPERIENCE)
    for column in ("orders_last_90d", "tickets_last_90d", "unresolved_complaints"):
        frame[column] = frame[column].fillna(0.0)
    frame["no_nps"] = frame["last_nps"].isna().astype(float)
    frame["no_csat"] = frame["mean_csat"].isna().astype(float)
    defaults = {"last_nps": 7.0, "mean_csat": 4.0, "log_first_response_hours": 0.0}
    for column, default in defaults.items():
        typical = frame[column].median()
        frame[column] = frame[column].fillna(default if np.isnan(typical) else typical)
    return frame.astype(float)


def churned(orders: pd.DataFrame, cutoff: pd.Timestamp, horizon_days: int) -> pd.Series:
    """1 for customers with an order by ``cutoff`` and none in the next ``horizon_days``."""
    before = set(orders.loc[orders["ordered_at"] <= cutoff, "customer_id"])
    end = cutoff + pd.Timedelta(days=horizon_days)
    window = orders[(orders["ordered_at"] > cutoff) & (orders["ordered_at"] <= end)]
    came_back = set(window["customer_id"])
    ids = sorted(before)
    return pd.Series([int(c not in came_back) for c in ids], index=ids, name="churned")
