"""Top findings of a report, from what the KPI engine gives today.

- The biggest significant segment changes: each finding KPI per region and per channel,
  this period against the previous one, with Benjamini–Hochberg q-values over the whole
  scan (every KPI × dimension × segment is one test of one family).
- Weekend against weekday first-response time: the ratio of the means with a 95 %
  interval (delta method on the log ratio).

The insights domain (anomalies, key drivers) will later feed this section instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as sps
from sqlalchemy.orm import Session

from kundepuls import stats
from kundepuls.config import Settings
from kundepuls.kit.errors import UsageError
from kundepuls.kpis import service
from kundepuls.kpis.backends import backend_for
from kundepuls.kpis.engine import sufficient
from kundepuls.kpis.results import filled
from kundepuls.reports.headline import number
from kundepuls.reports.periods import Period

FINDING_KPIS = ("nps", "csat", "first_response_hours", "fcr", "aov", "complaint_rate")
DIMENSIONS = ("region", "channel")
FDR = 0.05


@dataclass
class SegmentChange:
    """A segment whose KPI changed from the previous period, significant after BH."""

    kpi: str
    label_nb: str
    label_en: str
    unit: str
    higher_is_better: bool
    dimension: str
    segment: str
    value: float
    previous: float
    diff: float
    diff_low: float
    diff_high: float
    n: int
    previous_n: int
    p_value: float
    q_value: float = math.nan

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_nb

    @property
    def better(self) -> bool:
        return (self.diff > 0) == self.higher_is_better


@dataclass
class Ratio:
    """A ratio of two means with its 95 % interval and the groups' sizes and means."""

    value: float
    low: float
    high: float
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    p_value: float


def scan(
    session: Session | None,
    settings: Settings,
    period: Period,
    kpis: tuple[str, ...] = FINDING_KPIS,
    dimensions: tuple[str, ...] = DIMENSIONS,
) -> list[SegmentChange]:
    """Every segment of every finding KPI against the previous period, with BH q-values.

    The q-values are taken over the whole scan (all KPIs, dimensions and segments), so a
    finding survives only what looking at all of them at once allows.
    """
    before = period.previous()
    registry = service.registry(session, settings)
    found: list[SegmentChange] = []
    for key in kpis:
        if key not in registry.kpis:
            continue
        for dim in dimensions:
            query = service.make_query(by=[dim], start=period.start, end=period.end)
            try:
                rows = service.compare(
                    session, settings, key, query, "previous", (before.start, before.end)
                )
            except UsageError:  # the KPI's table has no such dimension
                continue
            found.extend(_changes(registry.kpis[key], dim, rows.to_dict("records")))
    q = stats.bh_qvalues(np.array([c.p_value for c in found], dtype="float64"))
    for change, q_value in zip(found, q, strict=True):
        change.q_value = float(q_value)
    return found


def segment_changes(
    session: Session | None, settings: Settings, period: Period, limit: int = 5
) -> list[SegmentChange]:
    """The segments that changed most clearly (q < 0.05, enough data in both periods)."""
    kept = [
        c
        for c in scan(session, settings, period)
        if c.q_value < FDR and min(c.n, c.previous_n) >= settings.min_sample
    ]
    kept.sort(key=lambda c: (c.q_value, -abs(c.diff)))
    return kept[:limit]


def _changes(kpi: Any, dim: str, rows: list[dict[Any, Any]]) -> list[SegmentChange]:
    out = []
    for row in rows:
        values = [number(row[k]) for k in ("value", "baseline_value", "diff", "diff_low",
                                            "diff_high", "p_value")]  # fmt: skip
        if row[dim] is None or any(v is None for v in values):
            continue
        value, previous, diff, low, high, p = (float(v) for v in values)  # type: ignore[arg-type]
        out.append(
            SegmentChange(
                kpi.key,
                kpi.label_nb,
                kpi.label_en,
                kpi.unit,
                kpi.higher_is_better,
                dim,
                str(row[dim]),
                value,
                previous,
                diff,
                low,
                high,
                int(row["n"]),
                int(row["baseline_n"]),
                p,
            )
        )
    return out


def ratio_of_means(
    n_a: float, mean_a: float, sd_a: float, n_b: float, mean_b: float, sd_b: float,
    level: float = 0.95,
) -> Ratio:  # fmt: skip
    """The ratio ``mean_a / mean_b`` of two independent samples, with its interval.

    The interval is the delta-method interval of the log ratio, transformed back:
    ``exp(log r ± z · √(sd_a² / (n_a mean_a²) + sd_b² / (n_b mean_b²)))``; it stays
    positive and is asymmetric like the ratio itself. The p-value tests ``r = 1``.

    Parameters
    ----------
    n_a, mean_a, sd_a : float
        Size, mean and standard deviation of the first sample (e.g. weekend tickets).
    n_b, mean_b, sd_b : float
        The same of the second sample (weekday tickets).
    level : float
        Confidence level of the interval.

    Returns
    -------
    Ratio
        Value, interval bounds, sizes, means and the p-value (NaN where undefined).

    Examples
    --------
    >>> r = ratio_of_means(100, 8.0, 4.0, 400, 4.0, 2.0)
    >>> round(r.value, 2), round(r.low, 2), round(r.high, 2)
    (2.0, 1.79, 2.23)
    """
    if min(n_a, n_b) < 2 or mean_a <= 0 or mean_b <= 0 or not math.isfinite(sd_a + sd_b):
        nan = math.nan
        return Ratio(nan, nan, nan, int(n_a), int(n_b), mean_a, mean_b, nan)
    se = math.sqrt(sd_a**2 / (n_a * mean_a**2) + sd_b**2 / (n_b * mean_b**2))
    log_ratio = math.log(mean_a / mean_b)
    z = float(sps.norm.ppf(0.5 + level / 2))
    p = float(2 * sps.norm.sf(abs(log_ratio) / se)) if se > 0 else math.nan
    return Ratio(
        math.exp(log_ratio),
        math.exp(log_ratio - z * se),
        math.exp(log_ratio + z * se),
        int(n_a),
        int(n_b),
        mean_a,
        mean_b,
        p,
    )


def weekend_ratio(session: Session | None, settings: Settings, period: Period) -> Ratio | None:
    """Weekend / weekday mean first-response time in ``period`` (None without both)."""
    kpi = service.registry(session, settings).get("first_response_hours")
    query = service.make_query(by=["weekend"], start=period.start, end=period.end)
    frame = filled(kpi, query, *sufficient(backend_for(settings), kpi, query, settings.tz))
    groups = {bool(row["weekend"]): row for row in frame.to_dict("records")
              if row["weekend"] is not None}  # fmt: skip
    if True not in groups or False not in groups:
        return None
    a, b = groups[True], groups[False]
    return ratio_of_means(*_moments(a), *_moments(b))


def _moments(row: dict[Any, Any]) -> tuple[float, float, float]:
    mean, sd = number(row["mean"]), number(row["sd"])
    return (
        float(row["n"] or 0),
        mean if mean is not None else math.nan,
        sd if sd is not None else math.nan,
    )
