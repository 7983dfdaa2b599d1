"""The demo data set as DataFrames, deterministic for a seed and a reference day.

Each kind is drawn from its own random stream (spawned from the seed), so that changing
how one kind is drawn leaves the others as they were. Columns are the data contract's;
``attributes`` holds each row's extra columns as a dict.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from kundepuls.demo import operations, reference, surveys
from kundepuls.demo.planted import (
    DEFAULT_CUSTOMERS,
    DEFAULT_SEED,
    FALL_LATE_DELIVERY_SHARE,
    FALL_RAMP_DAYS,
    FALLING_REGION,
    LATE_DELIVERY_SHARE,
    Planted,
    planted_for,
)
from kundepuls.demo.timeline import (
    DAY_HOURS,
    SHOP_SATURDAY,
    SHOP_WEEKDAY,
    WEB_HOURS,
    Timeline,
    objects,
)

KINDS = ("customers", "orders", "tickets", "complaints", "responses")
ORDERS_PER_YEAR = 4.0  # mean purchase rate of an active customer
REFUND_SHARE = 0.025


@dataclass
class DemoData:
    """The five kinds of the demo, each a DataFrame with the data contract's columns."""

    planted: Planted
    seed: int
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {kind: len(self.frames[kind]) for kind in KINDS}


def generate(
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    customers: int = DEFAULT_CUSTOMERS,
    step: Callable[[str], None] | None = None,
) -> DemoData:
    """The demo data set for ``seed``, with data up to (not including) ``today``.

    >>> data = generate(seed=1, today=date(2026, 6, 1), customers=50)
    >>> sorted(data.counts()) == sorted(KINDS)
    True
    """
    today = today or date.today()
    timeline = Timeline(planted_for(today))
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    tell = step or (lambda _label: None)
    tell("drawing customers")
    people = draw_customers(streams[0], timeline, customers)
    tell("drawing orders")
    orders = draw_orders(streams[1], timeline, people)
    # Nobody orders before they sign up: an early in-store purchase moves the signup.
    first = orders.groupby("_cust")["_t"].min()
    people.loc[first.index, "_signup"] = np.minimum(people.loc[first.index, "_signup"], first)
    tell("drawing tickets")
    tickets = operations.draw_tickets(streams[2], timeline, people, orders)
    tell("drawing complaints")
    complaints = operations.draw_complaints(streams[3], timeline, people, orders)
    tell("writing survey responses and comments")
    responses = surveys.draw_responses(streams[4], timeline, people, orders, tickets, complaints)
    frames = {
        "customers": _customer_rows(timeline, people),
        "orders": _order_rows(timeline, orders),
        "tickets": operations.ticket_rows(timeline, tickets),
        "complaints": operations.complaint_rows(timeline, complaints),
        "responses": surveys.response_rows(timeline, responses),
    }
    return DemoData(planted=timeline.planted, seed=seed, frames=frames)


def _shares(options: dict[str, float], default: float, regions: np.ndarray) -> np.ndarray:
    return np.array([options.get(region, default) for region in regions])


def draw_customers(rng: np.random.Generator, timeline: Timeline, n: int) -> pd.DataFrame:
    """Customers with their hidden traits (columns starting with ``_``)."""
    counties = list(reference.COUNTIES)
    weights = np.array(list(reference.COUNTIES.values()), dtype=float)
    region = rng.choice(counties, size=n, p=weights / weights.sum())
    u = rng.random(n)
    nynorsk = _shares(reference.NYNORSK_SHARE, reference.NYNORSK_ELSEWHERE, region)
    english = _shares(reference.ENGLISH_SHARE, reference.ENGLISH_ELSEWHERE, region)
    language = np.where(u < nynorsk, "nn", np.where(u < nynorsk + english, "en", "nb"))
    gender = rng.choice(["kvinne", "mann", ""], size=n, p=[0.51, 0.46, 0.03])
    business = rng.random(n) < reference.BUSINESS_SHARE
    # A third were customers before the two years began; the rest joined since, more lately.
    existing = rng.random(n) < 0.35
    signup = np.where(existing, -rng.uniform(1, 3 * 365, n), timeline.days * rng.random(n) ** 0.8)
    signup = timeline.at_hours(rng, signup, WEB_HOURS)
    frame = pd.DataFrame(
        {
            "customer_id": [f"K-{i:05d}" for i in range(1, n + 1)],
            "region": region,
            "segment": np.where(business, "bedrift", "privat"),
            "age_band": rng.choice(reference.AGE_BANDS, size=n, p=reference.AGE_BAND_SHARES),
            "gender": gender,
            "language": language,
            "member": rng.random(n) < 0.4,
            "_signup": signup,
            "_leaves": signup + rng.exponential(1500, n),
            "_rate": rng.gamma(1.3, ORDERS_PER_YEAR / 1.3, n) * np.where(business, 2.0, 1.0),
            "_mood": rng.normal(0, 0.6, n),
        }
    )
    frame["name"], frame["email"] = _names(rng, gender, language)
    return frame


def _ascii(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _names(
    rng: np.random.Generator, gender: np.ndarray, language: np.ndarray
) -> tuple[list[str], list[str]]:
    names: list[str] = []
    emails: list[str] = []
    seen: set[str] = set()
    intl_first = reference.INTERNATIONAL_FIRST
    for sex, lang in zip(gender, language, strict=True):
        female = sex == "kvinne" or (sex == "" and rng.random() < 0.5)
        if lang == "en":
            half = len(intl_first) // 2
            first = intl_first[int(rng.integers(half)) + (0 if female else half)]
            last = reference.INTERNATIONAL_LAST[
                int(rng.integers(len(reference.INTERNATIONAL_LAST)))
            ]
        else:
            pool = reference.FEMALE_NAMES if female else reference.MALE_NAMES
            first = pool[int(rng.integers(len(pool)))]
            last = reference.LAST_NAMES[int(rng.integers(len(reference.LAST_NAMES)))]
        names.append(f"{first} {last}")
        local = f"{_ascii(first)}.{_ascii(last)}"
        email, k = f"{local}@example.org", 1
        while email in seen:
            k += 1
            email = f"{local}{k}@example.org"
        seen.add(email)
        emails.append(email)
    return names, emails


def _customer_rows(timeline: Timeline, people: pd.DataFrame) -> pd.DataFrame:
    rows = people[["customer_id", "email", "name", "region"]].copy()
    rows["country"] = "NO"
    rows["segment"] = people["segment"]
    rows["age_band"] = people["age_band"]
    rows["gender"] = people["gender"].replace("", None)
    rows["language"] = people["language"]
    rows["signup_at"] = timeline.to_utc(people["_signup"].to_numpy()).array
    rows["attributes"] = objects([{"kundeklubb": "ja" if m else "nei"} for m in people["member"]])
    return rows


def draw_orders(rng: np.random.Generator, timeline: Timeline, people: pd.DataFrame) -> pd.DataFrame:
    """Purchases and refunds, with hidden columns ``_t``, ``_cust``, ``_late``, ``_refund``."""
    weights = np.array(reference.MONTH_WEIGHTS)
    begin = np.maximum(people["_signup"].to_numpy(), 0)
    end = np.minimum(people["_leaves"].to_numpy(), timeline.days)
    span = np.clip(end - begin, 0, None)
    lam = people["_rate"].to_numpy() * span / 365 * weights.max() / weights.mean()
    cust = np.repeat(np.arange(len(people)), rng.poisson(lam))
    t = begin[cust] + rng.random(len(cust)) * span[cust]
    # Seasons: thin the uniform times by the month's weight.
    keep = rng.random(len(t)) < weights[timeline.month(t) - 1] / weights.max()
    cust, t = cust[keep], t[keep]
    # Most new customers sign up when they first buy.
    joined = np.flatnonzero((people["_signup"].to_numpy() >= 0) & (rng.random(len(people)) < 0.7))
    cust = np.concatenate([cust, joined])
    t = np.concatenate([t, people["_signup"].to_numpy()[joined]])
    order = np.argsort(t, kind="stable")
    purchases = _purchases(rng, timeline, people, cust[order], t[order])
    return pd.concat([purchases, _refunds(rng, timeline, purchases)], ignore_index=True)


def _purchases(
    rng: np.random.Generator,
    timeline: Timeline,
    people: pd.DataFrame,
    cust: np.ndarray,
    t: np.ndarray,
) -> pd.DataFrame:
    n = len(t)
    region = people["region"].to_numpy()[cust]
    store = rng.random(n) < _shares(reference.STORE_SHARE, reference.STORE_SHARE_ELSEWHERE, region)
    store &= timeline.weekday(t) != 6  # the shop is closed on Sundays
    app_share = 0.05 + 0.13 * t / timeline.days  # the app grows
    channel = np.where(store, "butikk", np.where(rng.random(n) < app_share, "app", "nettbutikk"))
    t = t.copy()
    t[~store] = timeline.at_hours(rng, t[~store], WEB_HOURS)
    t[store] = timeline.at_weekly_hours(rng, t[store], SHOP_WEEKDAY, SHOP_SATURDAY)
    lines = list(reference.PRODUCT_LINES)
    shares = np.array([v[0] for v in reference.PRODUCT_LINES.values()])
    line = rng.choice(len(lines), size=n, p=shares / shares.sum())
    median = np.array([v[1] for v in reference.PRODUCT_LINES.values()])[line]
    sigma = np.array([v[2] for v in reference.PRODUCT_LINES.values()])[line]
    business = people["segment"].to_numpy()[cust] == "bedrift"
    amount = median * np.exp(rng.normal(0, sigma)) * np.where(business, 2.5, 1.0)
    amount = np.maximum(np.round(amount / 10) * 10 - 1, 49)  # shop prices end in 9
    # Late parcels: a steady few everywhere, many in the falling region's last quarter.
    fall = timeline.day_of(timeline.planted.fall_start)
    ramp = np.clip((t - fall) / FALL_RAMP_DAYS, 0, 1)
    falling = region == FALLING_REGION
    p_late = LATE_DELIVERY_SHARE + falling * ramp * (FALL_LATE_DELIVERY_SHARE - LATE_DELIVERY_SHARE)
    late = ~store & (rng.random(n) < p_late)
    return pd.DataFrame(
        {
            "order_id": [f"O-{i:06d}" for i in range(1, n + 1)],
            "_cust": cust,
            "_t": t,
            "amount": amount,
            "product_line": np.array(lines)[line],
            "channel": channel,
            "_late": late,
            "_refund": False,
            "_items": 1 + rng.poisson(np.where(line == lines.index("Tilbehør"), 1.5, 0.6)),
        }
    )


def _refunds(rng: np.random.Generator, timeline: Timeline, purchases: pd.DataFrame) -> pd.DataFrame:
    share = REFUND_SHARE + 0.05 * purchases["_late"].to_numpy()
    refunded = purchases[rng.random(len(purchases)) < share].copy()
    t = refunded["_t"].to_numpy() + rng.uniform(3, 25, len(refunded))
    # Store purchases are refunded at the till: in opening hours, never on a Sunday.
    store = refunded["channel"].to_numpy() == "butikk"
    t[store] = t[store] + (timeline.weekday(t[store]) == 6)
    t[store] = timeline.at_weekly_hours(rng, t[store], SHOP_WEEKDAY, SHOP_SATURDAY)
    t[~store] = timeline.at_hours(rng, t[~store], DAY_HOURS)
    refunded["_t"] = t
    refunded = refunded[refunded["_t"] < timeline.days]
    partial = rng.random(len(refunded)) < 0.3
    factor = np.where(partial, rng.uniform(0.2, 0.8, len(refunded)), 1.0)
    refunded["_refund_of"] = refunded["order_id"]
    refunded["order_id"] = refunded["order_id"] + "-R"
    refunded["amount"] = -np.round(refunded["amount"].to_numpy() * factor)
    refunded["_refund"] = True
    refunded["_late"] = False
    return refunded


def _order_rows(timeline: Timeline, orders: pd.DataFrame) -> pd.DataFrame:
    rows = orders[["order_id"]].copy()
    rows["customer_id"] = [f"K-{i + 1:05d}" for i in orders["_cust"]]
    rows["ordered_at"] = timeline.to_utc(orders["_t"].to_numpy()).array
    rows["amount"] = orders["amount"].round(2)
    rows["currency"] = "NOK"
    rows["product_line"] = orders["product_line"]
    rows["channel"] = orders["channel"]
    attributes = []
    for channel, late, refund, items, of in zip(
        orders["channel"],
        orders["_late"],
        orders["_refund"],
        orders["_items"],
        orders.get("_refund_of", pd.Series([None] * len(orders))),
        strict=True,
    ):
        if refund:
            attributes.append({"type": "refusjon", "refusjon_av": of})
        else:
            delivery = "butikk" if channel == "butikk" else ("forsinket" if late else "i_tide")
            attributes.append({"type": "kjøp", "varer": int(items), "levering": delivery})
    rows["attributes"] = objects(attributes).set_axis(rows.index)
    return rows.sort_values("ordered_at", kind="stable").reset_index(drop=True)
