"""What the insights domain returns: findings, change decompositions, drivers, heat maps.

The analysis layers return frozen dataclasses (cheap, no validation in hot loops); the API
returns the Pydantic models below, built from them (``from_attributes=True``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict

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


class FindingOut(BaseModel):
    """A finding as the API returns it, with its sentence in the asked language."""

    model_config = ConfigDict(from_attributes=True)

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
    n_baseline: int
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    z: float | None
    text: str = ""
