"""What the insights domain returns: findings, change decompositions, drivers, heat maps.

The analysis layers return frozen dataclasses (cheap, no validation in hot loops); the API
returns the Pydantic models below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel

KINDS = ("anomaly", "level_shift", "trend", "weekend")


@dataclass(frozen=True)
class Finding:
    """One thing that changed or stands out, with its evidence.

    ``size`` is the difference against the baseline in the KPI's unit (after minus before
    for a level shift; this period minus its seasonal baseline for an anomaly; the change
    over the window for a trend; weekend minus weekdays for a weekend split), with its 95 %
    interval. ``q_value`` is the Benjamini–Hochberg q-value over every test of the scan.
    """

    kpi: str
    dim: str | None
    value: str | None
    kind: str
    since: date | None
    size: float
    ci_low: float
    ci_high: float
    p_value: float
    q_value: float
    n: int
    baseline: float
    current: float
    n_baseline: int = 0
    ratio: float | None = None
    ratio_low: float | None = None
    ratio_high: float | None = None
    z: float | None = None

    @property
    def segment(self) -> tuple[str, str] | None:
        return (self.dim, self.value) if self.dim is not None and self.value is not None else None

    @property
    def id(self) -> str:
        """A stable name of the finding, e.g. for an action's ``findings`` list.

        >>> Finding("nps", "region", "Vestfold", "level_shift", date(2026, 9, 14), -36.0,
        ...         -50.0, -22.0, 1e-4, 0.01, 96, 30.0, -6.0).id
        'nps:region=Vestfold:level_shift:2026-09-14'
        """
        where = f"{self.dim}={self.value}" if self.segment else "all"
        return f"{self.kpi}:{where}:{self.kind}:{self.since.isoformat() if self.since else ''}"


class InsightOut(BaseModel):
    """One ranked line of ``GET /api/v1/insights``: a finding, or a priority driver."""

    rank: int
    id: str
    kind: str
    text: str
    kpi: str
    dim: str | None = None
    value: str | None = None
    since: date | None = None
    size: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    q_value: float | None = None
    n: int
    baseline: float | None = None
    current: float | None = None
    n_baseline: int | None = None
    ratio: float | None = None
    ratio_low: float | None = None
    ratio_high: float | None = None
    z: float | None = None
    driver: str | None = None
    importance: float | None = None
    performance: float | None = None


class DriverOut(BaseModel):
    """A driver: Shapley share of R² with its bootstrap interval, direction, priority."""

    name: str
    label: str
    importance: float
    ci_low: float
    ci_high: float
    share: float
    direction: int
    n: int
    performance: float | None
    priority: float
    text: str


class DriversOut(BaseModel):
    """The key drivers of an outcome and the impact × performance priority list."""

    outcome: str
    start: date
    end: date
    customers: int
    r2: float
    drivers: list[DriverOut]
    priorities: list[DriverOut]


class SegmentChange(BaseModel):
    """One segment's part of a change: value then and now, shares, mix, rate, total."""

    segment: str
    n: int
    n_baseline: int
    value: float | None
    baseline: float | None
    share: float
    share_baseline: float
    mix: float
    rate: float
    contribution: float
    diff_low: float | None
    diff_high: float | None
    p_value: float | None
    q_value: float | None


class ChangeOut(BaseModel):
    """A KPI's change between two periods, split over the segments of a dimension."""

    kpi: str
    dim: str
    start: date
    end: date
    vs_start: date
    vs_end: date
    value: float
    baseline: float
    total: float
    n: int
    n_baseline: int
    segments: list[SegmentChange]


class HeatCell(BaseModel):
    """One weekday × hour cell of a KPI."""

    weekday: str | None
    hour: int | None
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    low_sample: bool
