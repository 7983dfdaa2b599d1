"""Survey responses of the demo, whose scores follow the experience behind them.

Every response has a hidden satisfaction: the customer's own mood plus what happened (a
late parcel, a slow first response, a repeat contact, a recent complaint, the falling
region's bad quarter) plus noise. NPS, CSAT and CES are read off it, and so are the tone
and the theme of the comment.
"""

import numpy as np
import pandas as pd

from kundepuls.demo.comments import THEMES, compose
from kundepuls.demo.planted import FALL_RAMP_DAYS, FALLING_REGION
from kundepuls.demo.timeline import DAY_HOURS, Timeline, objects

PURCHASE_RESPONSE_RATE = 0.36
SUPPORT_RESPONSE_RATE = 0.33
RELATIONSHIP_RESPONSE_RATE = 0.18  # of all customers, each quarter
BASE_SATISFACTION = 8.2
NOISE = 1.3
LATE_PARCEL = -1.8
SLOW_ANSWER_PER_HOUR = -0.1  # up to 30 hours
REPEAT_CONTACT = -0.9
RECENT_COMPLAINT = -1.4  # a complaint in the 120 days before
FALLING_REGION_SHIFT = -0.5
SURVEYS = {"etter_kjop": "etter-kjop", "etter_support": "etter-support", "relasjon": "relasjon"}
WEB_THEMES = ("levering", "produktkvalitet", "pris", "betaling", "nettside_app", "retur")
STORE_THEMES = ("ansatte", "apningstider", "produktkvalitet", "pris")


def _retime(rng: np.random.Generator, timeline: Timeline, t: np.ndarray) -> np.ndarray:
    """``t`` moved to a waking hour of the same day, or the next day if that is earlier."""
    out = timeline.at_hours(rng, t, DAY_HOURS)
    return np.where(out < t, out + 1, out)


def _after_purchase(
    rng: np.random.Generator, timeline: Timeline, orders: pd.DataFrame
) -> pd.DataFrame:
    buys = orders[~orders["_refund"]]
    buys = buys[rng.random(len(buys)) < PURCHASE_RESPONSE_RATE]
    n = len(buys)
    late = buys["_late"].to_numpy()
    store = buys["channel"].to_numpy() == "butikk"
    delay = np.where(store, 0.3, 2 + 4 * late) + rng.exponential(1.2, n)
    theme = np.where(store, rng.choice(STORE_THEMES, size=n), rng.choice(WEB_THEMES, size=n))
    return pd.DataFrame(
        {
            "_cust": buys["_cust"].to_numpy(),
            "_t": _retime(rng, timeline, buys["_t"].to_numpy() + delay),
            "touchpoint": "etter_kjop",
            "_effect": 0.2 + LATE_PARCEL * late,
            "_theme": np.where(late, "levering", theme),
            "_nps": True,
            "_csat": True,
            "_ces": False,
            "_fcr": np.nan,
            "_app": buys["channel"].to_numpy() == "app",
            "attributes": objects([{"ordre_id": o} for o in buys["order_id"]]).to_numpy(),
        }
    )


def _after_support(
    rng: np.random.Generator, timeline: Timeline, tickets: pd.DataFrame
) -> pd.DataFrame:
    ids = np.array([f"T-{i:06d}" for i in range(1, len(tickets) + 1)])
    done = (tickets["_cust"].to_numpy() >= 0) & tickets["_resolve_hours"].notna().to_numpy()
    chosen = done & (rng.random(len(tickets)) < SUPPORT_RESPONSE_RATE)
    sample = tickets[chosen]
    n = len(sample)
    frh = sample["_frh"].fillna(30).to_numpy()
    fcr = sample["_fcr"].to_numpy()
    effect = -0.3 + SLOW_ANSWER_PER_HOUR * np.minimum(frh, 30) + REPEAT_CONTACT * ~fcr
    slow = (frh > 6) & (rng.random(n) < 0.7)
    staff = (sample["team"].to_numpy() == "Butikk") & (rng.random(n) < 0.4)
    theme = np.where(slow, "ventetid", np.where(staff, "ansatte", "kundeservice"))
    t = sample["_t"].to_numpy() + sample["_resolve_hours"].to_numpy() / 24
    return pd.DataFrame(
        {
            "_cust": sample["_cust"].to_numpy(),
            "_t": _retime(rng, timeline, t + rng.exponential(0.6, n)),
            "touchpoint": "etter_support",
            "_effect": effect,
            "_theme": theme,
            "_nps": rng.random(n) < 0.7,
            "_csat": True,
            "_ces": True,
            "_fcr": fcr.astype(float),
            "_app": False,
            "attributes": objects([{"ticket_id": i} for i in ids[chosen]]).to_numpy(),
        }
    )


def _relationship(
    rng: np.random.Generator, timeline: Timeline, people: pd.DataFrame
) -> pd.DataFrame:
    frames = []
    quarter = timeline.days / 8
    for q in range(8):
        start = q * quarter
        active = (people["_signup"].to_numpy() < start + quarter / 2) & (
            people["_leaves"].to_numpy() > start - 90
        )
        cust = np.flatnonzero(active & (rng.random(len(people)) < RELATIONSHIP_RESPONSE_RATE))
        # Asked on a day of the quarter when they were already customers.
        begin = np.maximum(start, people["_signup"].to_numpy()[cust] + 1)
        t = begin + rng.random(len(cust)) * (start + quarter - begin)
        frames.append(pd.DataFrame({"_cust": cust, "_t": t}))
    both = pd.concat(frames, ignore_index=True)
    n = len(both)
    both["_t"] = timeline.at_hours(rng, both["_t"].to_numpy(), DAY_HOURS)
    return both.assign(
        touchpoint="relasjon",
        _effect=0.0,
        _theme=rng.choice(THEMES, size=n),
        _nps=True,
        _csat=False,
        _ces=False,
        _fcr=np.nan,
        _app=False,
        attributes=objects([{} for _ in range(n)]),
    )


def _recent_complaint(responses: pd.DataFrame, complaints: pd.DataFrame) -> np.ndarray:
    """Whether each response's customer complained in the 120 days before it."""
    left = responses[["_cust", "_t"]].reset_index().sort_values("_t")
    right = (
        complaints[["_cust", "_t"]].rename(columns={"_t": "_complained"}).sort_values("_complained")
    )
    merged = pd.merge_asof(
        left, right, left_on="_t", right_on="_complained", by="_cust", direction="backward"
    )
    recent = (merged["_t"] - merged["_complained"]) <= 120
    return recent.set_axis(merged["index"]).sort_index().to_numpy()


def draw_responses(
    rng: np.random.Generator,
    timeline: Timeline,
    people: pd.DataFrame,
    orders: pd.DataFrame,
    tickets: pd.DataFrame,
    complaints: pd.DataFrame,
) -> pd.DataFrame:
    """Responses with scores and comments; hidden columns ``_t`` and ``_cust``."""
    parts = [
        _after_purchase(rng, timeline, orders),
        _after_support(rng, timeline, tickets),
        _relationship(rng, timeline, people),
    ]
    r = pd.concat(parts, ignore_index=True)
    r = r[r["_t"] < timeline.days].sort_values("_t", kind="stable").reset_index(drop=True)
    n = len(r)
    cust = r["_cust"].to_numpy()
    complained = _recent_complaint(r, complaints)
    fall = timeline.day_of(timeline.planted.fall_start)
    ramp = np.clip((r["_t"].to_numpy() - fall) / FALL_RAMP_DAYS, 0, 1)
    falling = (people["region"].to_numpy()[cust] == FALLING_REGION) * ramp
    age = people["age_band"].to_numpy()[cust]
    s = (
        BASE_SATISFACTION
        + people["_mood"].to_numpy()[cust]
        + 0.3 * (age == "70+")
        - 0.3 * (age == "18-29")
        + r["_effect"].to_numpy()
        + RECENT_COMPLAINT * complained
        + FALLING_REGION_SHIFT * falling
        + rng.normal(0, NOISE, n)
    )
    _score(rng, r, s)
    # The carrier trouble and recent complaints are what people write about.
    theme = r["_theme"].to_numpy().copy()
    theme[(falling > 0) & (rng.random(n) < 0.5)] = "levering"
    theme[complained & (rng.random(n) < 0.5)] = "kundeservice"
    r["_theme"] = theme
    r["_s"] = s
    r["language"] = people["language"].to_numpy()[cust]
    r["comment"] = _comments(rng, r, people)
    web = rng.choice(["e-post", "sms"], size=n, p=[0.83, 0.17])
    r["channel"] = np.where(r["_app"], "app", web)
    return r


def _score(rng: np.random.Generator, r: pd.DataFrame, s: np.ndarray) -> None:
    """NPS, CSAT and CES read off the hidden satisfaction ``s`` (where the survey asks them)."""
    n = len(r)
    nps = np.clip(np.round(s), 0, 10)
    csat = np.clip(np.round(1 + (s - 1.5) / 2.1 + rng.normal(0, 0.45, n)), 1, 5)
    # Effort also depends on whether one contact was enough.
    fcr = r["_fcr"].fillna(0.5).to_numpy()
    ces = np.clip(np.round(4.2 + 0.55 * (s - 7) + 1.2 * (fcr - 0.5) + rng.normal(0, 0.8, n)), 1, 7)
    r["nps"] = pd.array(np.where(r["_nps"], nps, np.nan), dtype="Int64")
    r["csat"] = pd.array(np.where(r["_csat"], csat, np.nan), dtype="Int64")
    r["ces"] = pd.array(np.where(r["_ces"], ces, np.nan), dtype="Int64")


def _polarity(rng: np.random.Generator, s: np.ndarray) -> np.ndarray:
    tone = s + rng.normal(0, 0.5, len(s))
    return np.where(tone >= 8.5, "pos", np.where(tone < 6.5, "neg", "mixed"))


def _comments(rng: np.random.Generator, r: pd.DataFrame, people: pd.DataFrame) -> list[str | None]:
    s = r["_s"].to_numpy()
    has = rng.random(len(r)) < 0.28 + 0.2 * (s < 6.5)
    polarity = _polarity(rng, s)
    emails = people["email"].to_numpy()
    out: list[str | None] = []
    for i, (cust, lang, theme) in enumerate(
        zip(r["_cust"], r["language"], r["_theme"], strict=True)
    ):
        if not has[i]:
            out.append(None)
            continue
        d = "".join(str(x) for x in rng.integers(0, 10, 7))
        phone = f"{rng.choice(['9', '4'])}{d[:2]} {d[2:4]} {d[4:]}"
        out.append(compose(rng, lang, theme, polarity[i], contact=(emails[cust], phone)))
    return out


def response_rows(timeline: Timeline, responses: pd.DataFrame) -> pd.DataFrame:
    n = len(responses)
    rows = pd.DataFrame({"response_id": [f"S-{i:06d}" for i in range(1, n + 1)]})
    rows["submitted_at"] = timeline.to_utc(responses["_t"].to_numpy()).array
    rows["customer_id"] = [f"K-{i + 1:05d}" for i in responses["_cust"]]
    rows["survey"] = responses["touchpoint"].map(SURVEYS).to_numpy()
    rows["touchpoint"] = responses["touchpoint"].to_numpy()
    for score in ("nps", "csat", "ces"):
        rows[score] = responses[score].array
    rows["comment"] = responses["comment"].to_numpy()
    rows["channel"] = responses["channel"].to_numpy()
    rows["language"] = responses["language"].to_numpy()
    rows["attributes"] = responses["attributes"].to_numpy()
    return rows
