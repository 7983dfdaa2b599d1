"""Key drivers: which experiences move NPS (or CSAT, CES) most, and what to fix first.

**Unit of analysis: one customer over a span** (default the 365 days up to the last
response). The outcome is the customer's *latest* NPS score (0–10) in the span (or their
mean CSAT / CES when that is the outcome). The drivers, each over the same span:

* ``csat`` — their mean CSAT (1–5); ``ces`` — their mean CES (1–7);
* ``first_response_hours`` / ``resolution_hours`` — the mean over their tickets;
* ``complaint`` — 1 when they complained in the span, else 0;
* ``theme:<name>`` — 1 when any of their analysed comments mentions the theme (text
  domain, ``comment_analyses.themes``), for the most mentioned themes.

A customer without a ticket has no ticket time, one who was never asked CSAT no CSAT: a
missing driver value takes the mean of the customers who have one (so it carries no
information either way). A driver observed for fewer than ``min_sample`` customers is
left out. Importance is each driver's Shapley share of the R² of the linear model
(:mod:`kundepuls.insights.shapley`) with a bootstrap 95 % interval; the direction is the
sign of its coefficient in the full model.

**Priority (impact × performance):** performance is the share of customers with a good
experience on the driver (CSAT 4–5; CES 5–7; first response within
:data:`GOOD_FIRST_RESPONSE_HOURS`; resolution within :data:`GOOD_RESOLUTION_HOURS`; no
complaint; for a theme, the share of its mentions that are not negative). Priority =
importance share × (100 − performance): what matters most and scores worst comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.insights import repository
from kundepuls.insights.shapley import MAX_PREDICTORS, bootstrap_shapley, shapley_r2
from kundepuls.kit.errors import UsageError

OUTCOMES = ("nps", "csat", "ces")
GOOD_FIRST_RESPONSE_HOURS = 24.0
GOOD_RESOLUTION_HOURS = 72.0
MAX_THEMES = 5
SPAN_DAYS = 365


@dataclass(frozen=True)
class Driver:
    """One driver's importance (share of R²) with its interval, direction and priority."""

    name: str
    importance: float
    ci_low: float
    ci_high: float
    share: float  # of the full R², 0–1
    direction: int  # +1: more of it goes with a higher outcome; −1: lower
    n: int  # customers with a value of their own
    performance: float  # 0–100, share of customers with a good experience
    priority: float


@dataclass(frozen=True)
class DriverReport:
    """The key-driver analysis of one outcome."""

    outcome: str
    start: date
    end: date
    customers: int
    r2: float
    drivers: tuple[Driver, ...]

    @property
    def priorities(self) -> list[Driver]:
        """Drivers by priority: what matters most and scores worst first."""
        return sorted(self.drivers, key=lambda d: -d.priority)


def customer_frame(
    session: Session, settings: Settings, outcome: str, start: date, end: date
) -> tuple[pd.DataFrame, dict[str, float]]:
    """One row per customer with an outcome: the outcome, the drivers, and performances."""
    tz = settings.tz
    units = repository.response_units(session, start, end, tz)
    units = units.dropna(subset=["customer_id"]).sort_values("submitted_at")
    if outcome == "nps":
        scored = units.dropna(subset=["nps"])
        y = scored.groupby("customer_id")["nps"].last()
    else:
        y = units.groupby("customer_id")[outcome].mean().dropna()
    frame = pd.DataFrame({"outcome": y.astype("float64")})
    good: dict[str, float] = {}
    for name, threshold in (("csat", 4), ("ces", 5)):
        if name != outcome:
            frame[name] = units.groupby("customer_id")[name].mean()
            good[name] = _share(units[name].dropna() >= threshold)
    tickets = repository.ticket_times(session, start, end, tz)
    for name, limit in (
        ("first_response_hours", GOOD_FIRST_RESPONSE_HOURS),
        ("resolution_hours", GOOD_RESOLUTION_HOURS),
    ):
        frame[name] = tickets.groupby("customer_id")[name].mean()
        good[name] = _share(tickets[name].dropna() <= limit)
    complained = repository.complaint_customers(session, start, end, tz)
    frame["complaint"] = [1.0 if c in complained else 0.0 for c in frame.index]
    good["complaint"] = 100.0 - 100.0 * float(frame["complaint"].mean()) if len(frame) else 0.0
    _add_themes(frame, units, good)
    return frame, good


def _share(flags: pd.Series) -> float:
    return 100.0 * float(flags.mean()) if len(flags) else float("nan")


def _add_themes(frame: pd.DataFrame, units: pd.DataFrame, good: dict[str, float]) -> None:
    mentions = units[["customer_id", "themes", "negative_themes"]].explode("themes")
    mentions = mentions.dropna(subset=["themes"])
    top = mentions["themes"].value_counts().head(MAX_THEMES).index
    for theme in top:
        said = mentions[mentions["themes"] == theme]
        customers = set(said["customer_id"])
        frame[f"theme:{theme}"] = [1.0 if c in customers else 0.0 for c in frame.index]
        negative = [theme in negs for negs in said["negative_themes"]]
        good[f"theme:{theme}"] = 100.0 - _share(pd.Series(negative))


def key_drivers(
    session: Session,
    settings: Settings,
    outcome: str = "nps",
    start: date | None = None,
    end: date | None = None,
    n_boot: int = 200,
) -> DriverReport:
    """Shapley importance of every driver of ``outcome``, with intervals and priorities."""
    if outcome not in OUTCOMES:
        raise UsageError(f"outcome {outcome!r}: use one of {', '.join(OUTCOMES)}")
    end = end or repository.last_response_day(session, settings.tz) or date.today()
    start = start or end - timedelta(days=SPAN_DAYS - 1)
    frame, good = customer_frame(session, settings, outcome, start, end)
    names = [c for c in frame.columns if c != "outcome"]
    observed = {c: int(frame[c].notna().sum()) for c in names}
    names = [c for c in names if observed[c] >= settings.min_sample and frame[c].nunique() > 1]
    names = names[:MAX_PREDICTORS]
    if len(frame) < settings.min_sample or not names:
        raise UsageError(
            f"too few customers with a {outcome} answer and drivers from {start} to {end} "
            f"({len(frame)}; at least {settings.min_sample} are needed)"
        )
    x = frame[names].fillna(frame[names].mean()).to_numpy(dtype="float64")
    y = frame["outcome"].to_numpy(dtype="float64")
    shares = shapley_r2(x, y)
    low, high = bootstrap_shapley(x, y, n_boot=n_boot)
    r2 = float(shares.sum())
    signs = _directions(x, y)
    drivers = []
    for j, name in enumerate(names):
        share = float(shares[j] / r2) if r2 > 0 else 0.0
        performance = good.get(name, float("nan"))
        drivers.append(
            Driver(
                name=name,
                importance=float(shares[j]),
                ci_low=float(low[j]),
                ci_high=float(high[j]),
                share=share,
                direction=int(signs[j]),
                n=observed[name],
                performance=performance,
                priority=share * (100.0 - performance) if np.isfinite(performance) else 0.0,
            )
        )
    drivers.sort(key=lambda d: -d.importance)
    return DriverReport(outcome, start, end, len(frame), r2, tuple(drivers))


def _directions(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    design = np.column_stack([np.ones(len(y)), x])
    beta = np.linalg.lstsq(design, y, rcond=None)[0][1:]
    return np.asarray(np.sign(beta), dtype="int64")
