"""Support tickets and complaints of the demo, drawn from the orders behind them.

Planted here: weekend first responses take twice the weekday time until the weekend
staffing starts, then 1.2 times; first-contact resolution differs by team; late parcels
bring tickets and complaints.
"""

import numpy as np
import pandas as pd

from kundepuls.demo import reference
from kundepuls.demo.planted import (
    TEAM_FCR,
    WEEKEND_FIRST_RESPONSE_FACTOR_AFTER,
    WEEKEND_FIRST_RESPONSE_FACTOR_BEFORE,
)
from kundepuls.demo.timeline import (
    DAY_HOURS,
    SUPPORT_WEEKDAY,
    SUPPORT_WEEKEND,
    WEB_HOURS,
    Timeline,
    objects,
)

ORDER_CATEGORIES = ("levering", "produkt", "retur", "betaling", "reklamasjon", "nettside")
ORDER_CATEGORY_SHARES = (0.25, 0.25, 0.2, 0.13, 0.1, 0.07)
OTHER_CATEGORIES = ("konto", "nettside", "produkt", "faktura")
OTHER_CATEGORY_SHARES = (0.3, 0.2, 0.3, 0.2)
GENERAL_TICKETS_PER_CUSTOMER = 0.3


def _ticket_sources(
    rng: np.random.Generator, timeline: Timeline, people: pd.DataFrame, orders: pd.DataFrame
) -> pd.DataFrame:
    buys = orders[~orders["_refund"]]
    p = 0.15 + 0.45 * buys["_late"].to_numpy()
    about = buys[rng.random(len(buys)) < p]
    late = about["_late"].to_numpy()
    n = len(about)
    category = rng.choice(ORDER_CATEGORIES, size=n, p=ORDER_CATEGORY_SHARES)
    category = np.where(late & (rng.random(n) < 0.8), "levering", category)
    linked = pd.DataFrame(
        {
            "_cust": about["_cust"].to_numpy(),
            "_t": about["_t"].to_numpy() + 0.05 + rng.exponential(2.5, n),
            "category": category,
            "_order": about["order_id"].to_numpy(),
            "_after": about["_t"].to_numpy(),
        }
    )
    m = int(len(people) * GENERAL_TICKETS_PER_CUSTOMER * timeline.days / 365)
    cust = rng.integers(len(people), size=m)
    begin = np.clip(people["_signup"].to_numpy()[cust], 0, timeline.days - 1)
    general = pd.DataFrame(
        {
            "_cust": np.where(rng.random(m) < 0.1, -1, cust),  # anonymous chats
            "_t": begin + rng.random(m) * (timeline.days - begin),
            "category": rng.choice(OTHER_CATEGORIES, size=m, p=OTHER_CATEGORY_SHARES),
            "_order": None,
            "_after": begin,
        }
    )
    both = pd.concat([linked, general], ignore_index=True)
    return both[both["_t"] < timeline.days].sort_values("_t", kind="stable")


def draw_tickets(
    rng: np.random.Generator, timeline: Timeline, people: pd.DataFrame, orders: pd.DataFrame
) -> pd.DataFrame:
    """Tickets with hidden columns: ``_t``, ``_cust``, ``_frh`` (hours), ``_fcr``, ``_done``."""
    tickets = _ticket_sources(rng, timeline, people, orders).reset_index(drop=True)
    n = len(tickets)
    channel = rng.choice(reference.TICKET_CHANNELS, size=n, p=reference.TICKET_CHANNEL_SHARES)
    t = tickets["_t"].to_numpy().copy()
    live = channel != "e-post"  # chat and telephone only while support is open
    t[live] = timeline.at_weekly_hours(rng, t[live], SUPPORT_WEEKDAY, SUPPORT_WEEKEND)
    t[~live] = timeline.at_hours(rng, t[~live], WEB_HOURS)
    t = np.where(t < tickets["_after"].to_numpy(), t + 1, t)  # never before what caused it
    keep = t < timeline.days
    tickets, t, channel = tickets[keep].reset_index(drop=True), t[keep], channel[keep]
    n = len(tickets)
    tickets["_t"] = t
    tickets["channel"] = channel
    team = np.array([reference.TICKET_TEAMS[c] for c in tickets["category"]])
    tickets["team"] = team
    tickets["agent"] = [
        reference.AGENTS[x][i % len(reference.AGENTS[x])]
        for x, i in zip(team, rng.integers(0, 1000, n), strict=True)
    ]
    tickets["_frh"] = _first_response_hours(rng, timeline, tickets["_t"].to_numpy(), channel)
    p_fcr = np.array([TEAM_FCR[x] for x in team]) + 0.05 * (channel == "telefon")
    fcr = rng.random(n) < p_fcr
    tickets["_fcr"] = fcr
    answered = rng.random(n) > 0.02
    tickets.loc[~answered, "_frh"] = np.nan
    hours = tickets["_frh"].to_numpy() + np.exp(
        rng.normal(np.where(fcr, np.log(4), np.log(30)), 0.8)
    )
    done = tickets["_t"].to_numpy() + hours / 24
    tickets["_resolve_hours"] = np.where(done < timeline.days, hours, np.nan)
    reopened = ~fcr & (rng.random(n) < 0.35)
    tickets["contacts"] = np.where(
        fcr | reopened & (rng.random(n) < 0.5), 1, 2 + rng.poisson(0.7, n)
    )
    tickets["reopened"] = reopened
    return tickets


def _first_response_hours(
    rng: np.random.Generator, timeline: Timeline, t: np.ndarray, channel: np.ndarray
) -> np.ndarray:
    median = np.array([reference.FIRST_RESPONSE_MEDIAN_HOURS[c] for c in channel])
    weekend = timeline.weekday(t) >= 5
    staffed = t >= timeline.day_of(timeline.planted.improvement_start)
    factor = np.where(
        weekend,
        np.where(
            staffed, WEEKEND_FIRST_RESPONSE_FACTOR_AFTER, WEEKEND_FIRST_RESPONSE_FACTOR_BEFORE
        ),
        1.0,
    )
    busy = np.isin(timeline.month(t), (11, 12)) * 0.25  # the Christmas rush
    hours = median * factor * (1 + busy) * np.exp(rng.normal(0, 0.7, len(t)))
    return np.asarray(hours, dtype=float)


def _later(start: pd.Series, hours: pd.Series) -> pd.Series:
    """``start`` plus elapsed ``hours`` (NaN gives NaT), to whole seconds."""
    later: pd.Series = (start + pd.to_timedelta(hours.to_numpy(), unit="h")).dt.round("s")
    return later


def ticket_rows(timeline: Timeline, tickets: pd.DataFrame) -> pd.DataFrame:
    rows = pd.DataFrame({"ticket_id": [f"T-{i:06d}" for i in range(1, len(tickets) + 1)]})
    created = tickets["_t"].to_numpy()
    rows["created_at"] = timeline.to_utc(created).array
    rows["customer_id"] = [f"K-{i + 1:05d}" if i >= 0 else None for i in tickets["_cust"]]
    rows["channel"] = tickets["channel"].to_numpy()
    rows["first_response_at"] = _later(rows["created_at"], tickets["_frh"])
    rows["resolved_at"] = _later(rows["created_at"], tickets["_resolve_hours"])
    rows["contacts"] = tickets["contacts"].to_numpy()
    rows["reopened"] = tickets["reopened"].to_numpy()
    rows["category"] = tickets["category"].to_numpy()
    rows["team"] = tickets["team"].to_numpy()
    rows["agent"] = tickets["agent"].to_numpy()
    rows["attributes"] = objects(
        [{"ordre_id": o} if isinstance(o, str) else {} for o in tickets["_order"]]
    )
    return rows


def draw_complaints(
    rng: np.random.Generator, timeline: Timeline, people: pd.DataFrame, orders: pd.DataFrame
) -> pd.DataFrame:
    """Complaints about orders; hidden columns ``_t``, ``_cust``, ``_order``, ``_closed``."""
    buys = orders[~orders["_refund"]]
    late = buys["_late"].to_numpy()
    bike = buys["product_line"].to_numpy() == "Sykkel"
    about = buys[rng.random(len(buys)) < 0.015 + 0.12 * late + 0.02 * bike]
    late = about["_late"].to_numpy()
    n = len(about)
    t = about["_t"].to_numpy() + rng.uniform(2, 20, n)
    t = timeline.at_hours(rng, t, DAY_HOURS)
    category = rng.choice(
        reference.COMPLAINT_CATEGORIES, size=n, p=reference.COMPLAINT_CATEGORY_SHARES
    )
    category = np.where(late & (rng.random(n) < 0.85), "levering", category)
    severity = np.where(
        late,
        rng.choice(reference.SEVERITIES, size=n, p=[0.3, 0.5, 0.2]),
        rng.choice(reference.SEVERITIES, size=n, p=[0.5, 0.38, 0.12]),
    )
    store = about["channel"].to_numpy() == "butikk"
    channel = np.where(
        store & (rng.random(n) < 0.6),
        "butikk",
        rng.choice(reference.COMPLAINT_CHANNELS, size=n, p=[0.5, 0.2, 0.05, 0.25]),
    )
    days = np.exp(rng.normal(np.where(severity == "høy", np.log(2.5), np.log(5)), 0.8))
    complaints = pd.DataFrame(
        {
            "_cust": about["_cust"].to_numpy(),
            "_order": about["order_id"].to_numpy(),
            "_t": t,
            "category": category,
            "severity": severity,
            "channel": channel,
            "_closed": t + days,
            "_u": rng.random(n),
        }
    )
    complaints = complaints[complaints["_t"] < timeline.days]
    return complaints.sort_values("_t", kind="stable").reset_index(drop=True)


def complaint_rows(timeline: Timeline, complaints: pd.DataFrame) -> pd.DataFrame:
    n = len(complaints)
    rows = pd.DataFrame({"complaint_id": [f"R-{i:05d}" for i in range(1, n + 1)]})
    rows["created_at"] = timeline.to_utc(complaints["_t"].to_numpy()).array
    rows["category"] = complaints["category"].to_numpy()
    rows["customer_id"] = [f"K-{i + 1:05d}" for i in complaints["_cust"]]
    rows["severity"] = complaints["severity"].to_numpy()
    closed = complaints["_closed"].to_numpy() < timeline.days
    u = complaints["_u"].to_numpy()
    rows["status"] = np.where(
        closed,
        np.where(u < 0.9, "resolved", "rejected"),
        np.where(u < 0.55, "in_progress", "open"),
    )
    hours = (complaints["_closed"] - complaints["_t"]) * 24
    resolved = rows["status"].to_numpy() == "resolved"
    rows["resolved_at"] = _later(rows["created_at"], hours.where(resolved))
    rows["channel"] = complaints["channel"].to_numpy()
    rows["attributes"] = objects([{"ordre_id": o} for o in complaints["_order"]])
    return rows
