"""The demo's calendar: event times as fractional days since the first day, in Oslo time.

Generating in local wall-clock time keeps shop and support hours realistic; the times are
turned into UTC only when the rows are made.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from kundepuls.demo.planted import Planted

TIMEZONE = ZoneInfo("Europe/Oslo")

# Relative activity per hour of the day (0-23) in the web shop and the app.
WEB_HOURS = np.array(
    [
        1,
        0.5,
        0.3,
        0.2,
        0.2,
        0.3,
        0.8,
        1.5,
        2,
        2.5,
        3,
        3.5,
        4,
        3.5,
        3,
        3,
        3,
        3.5,
        4,
        5,
        5.5,
        5,
        3.5,
        2,
    ]
)
DAY_HOURS = np.array([0] * 7 + [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2.5, 1.5, 0.5])
# The shop: Monday-Friday 10-20, Saturday 10-18, closed on Sunday.
SHOP_WEEKDAY = np.array([0] * 10 + [2, 3, 4, 4, 3.5, 4, 5, 5, 4, 2.5] + [0] * 4)
SHOP_SATURDAY = np.array([0] * 10 + [3, 4, 5, 5, 4, 3, 2, 1] + [0] * 6)
# Chat and telephone: weekdays 08-20, weekends 10-16.
SUPPORT_WEEKDAY = np.array([0] * 8 + [3, 4, 4, 4, 3, 3, 3, 3, 3, 2.5, 2, 1.5] + [0] * 4)
SUPPORT_WEEKEND = np.array([0] * 10 + [1, 1, 1, 1, 1, 1] + [0] * 8)


@dataclass(frozen=True)
class Timeline:
    """Day numbers 0 .. ``days`` - 1 are the days ``planted.start`` .. ``planted.end`` - 1."""

    planted: Planted

    @property
    def days(self) -> int:
        return (self.planted.end - self.planted.start).days

    def day_of(self, when: date) -> int:
        return (when - self.planted.start).days

    def weekday(self, t: np.ndarray) -> np.ndarray:
        """Monday 0 ... Sunday 6 for each time (fractional day)."""
        days = np.floor(t).astype(np.int64)
        return np.asarray((days + self.planted.start.weekday()) % 7, dtype=np.int64)

    def month(self, t: np.ndarray) -> np.ndarray:
        """Month 1-12 of each time."""
        days = pd.Timestamp(self.planted.start) + pd.to_timedelta(np.floor(t), unit="D")
        return np.asarray(days.month)

    def at_hours(self, rng: np.random.Generator, t: np.ndarray, hours: np.ndarray) -> np.ndarray:
        """The same days as ``t``, at an hour drawn from the weights ``hours``."""
        hour = rng.choice(24, size=len(t), p=hours / hours.sum())
        return np.asarray(np.floor(t) + (hour + rng.random(len(t))) / 24, dtype=float)

    def at_weekly_hours(
        self, rng: np.random.Generator, t: np.ndarray, weekday: np.ndarray, weekend: np.ndarray
    ) -> np.ndarray:
        """Like :meth:`at_hours`, with separate hour weights on Saturdays and Sundays."""
        out = self.at_hours(rng, t, weekday)
        is_weekend = self.weekday(t) >= 5
        out[is_weekend] = self.at_hours(rng, t[is_weekend], weekend)
        return out

    def to_utc(self, t: np.ndarray) -> pd.Series:
        """UTC timestamps (whole seconds) of local fractional days; NaN stays NaT."""
        seconds = np.round(np.asarray(t, dtype=float) * 86_400)
        local = pd.Series(pd.Timestamp(self.planted.start) + pd.to_timedelta(seconds, unit="s"))
        # An autumn hour that occurs twice is read as its first (summer-time) occurrence.
        aware = local.dt.tz_localize(
            TIMEZONE, ambiguous=np.ones(len(local), dtype=bool), nonexistent="shift_forward"
        )
        return aware.dt.tz_convert("UTC")


def objects(values: Sequence[object]) -> pd.Series:
    """A column of Python objects (such as the ``attributes`` dicts)."""
    return pd.Series(list(values), dtype=object)
