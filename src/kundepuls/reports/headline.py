"""The headline KPIs of a report: value, interval, n, target, change and a trend.

Everything is asked of the KPI service, so the report shows the same numbers as
``kundepuls kpi show`` and ``kpi compare`` for the same dates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.kit.errors import UsageError
from kundepuls.kpis import service
from kundepuls.kpis.catalog import Kpi
from kundepuls.reports.periods import Period

DEFAULT_KPIS = (
    "nps",
    "csat",
    "ces",
    "first_response_hours",
    "resolution_hours",
    "fcr",
    "aov",
    "repeat_purchase_rate",
    "complaint_rate",
    "churn_rate",
)
SIGNIFICANCE = 0.05


@dataclass
class TrendPoint:
    start: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    low_sample: bool


@dataclass
class KpiLine:
    """One KPI of the report, for its period and against the period before."""

    key: str
    label_nb: str
    label_en: str
    unit: str
    higher_is_better: bool
    value: float | None
    low: float | None
    high: float | None
    n: int
    low_sample: bool
    target: float | None = None
    status: str | None = None
    previous: float | None = None
    previous_n: int = 0
    diff: float | None = None
    diff_low: float | None = None
    diff_high: float | None = None
    p_value: float | None = None
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def significant(self) -> bool:
        """A change that is unlikely to be noise (p < 0.05, both periods with data)."""
        return self.p_value is not None and self.p_value < SIGNIFICANCE and self.previous_n > 0

    @property
    def better(self) -> bool | None:
        """Whether the change goes the good way (None without a change)."""
        if self.diff is None or self.diff == 0:
            return None
        return (self.diff > 0) == self.higher_is_better

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_nb


def kpi_keys(settings: Settings, wanted: list[str] | None = None) -> list[str]:
    """The KPIs of a report: those asked for, else ``KUNDEPULS_REPORT_KPIS``, else the default."""
    if wanted:
        return list(dict.fromkeys(wanted))
    configured = settings.report_kpis or ""
    keys = [k.strip() for k in configured.split(",") if k.strip()]
    return keys or list(DEFAULT_KPIS)


def headline(
    session: Session | None, settings: Settings, period: Period, keys: list[str]
) -> list[KpiLine]:
    """One line per KPI key (an unknown key is a not-found error naming the nearest keys)."""
    registry = service.registry(session, settings)
    return [_line(session, settings, period, registry.get(key)) for key in keys]


def _line(session: Session | None, settings: Settings, period: Period, kpi: Kpi) -> KpiLine:
    now = service.show(session, settings, kpi.key, service.make_query(start=period.start,
                       end=period.end)).iloc[0]  # fmt: skip
    line = KpiLine(
        key=kpi.key,
        label_nb=kpi.label_nb,
        label_en=kpi.label_en,
        unit=kpi.unit,
        higher_is_better=kpi.higher_is_better,
        value=number(now["value"]),
        low=number(now["ci_low"]),
        high=number(now["ci_high"]),
        n=int(now["n"]),
        low_sample=bool(now["low_sample"]),
        target=number(now.get("target")),
        status=now.get("target_status") or None,
    )
    _add_change(session, settings, period, kpi, line)
    line.trend = trend(session, settings, period, kpi.key)
    return line


def _add_change(
    session: Session | None, settings: Settings, period: Period, kpi: Kpi, line: KpiLine
) -> None:
    before = period.previous()
    query = service.make_query(start=period.start, end=period.end)
    try:
        row = service.compare(
            session, settings, kpi.key, query, "previous", (before.start, before.end)
        ).iloc[0]
    except UsageError:  # medians have no comparison; the line shows no change
        return
    line.previous = number(row["baseline_value"])
    line.previous_n = int(row["baseline_n"])
    line.diff = number(row["diff"])
    line.diff_low = number(row["diff_low"])
    line.diff_high = number(row["diff_high"])
    line.p_value = number(row["p_value"])


def trend(
    session: Session | None, settings: Settings, period: Period, key: str
) -> list[TrendPoint]:
    """The KPI per week or month over the trend span of ``period``."""
    query = service.make_query(grain=period.trend_grain, start=period.trend_start, end=period.end)
    rows = service.show(session, settings, key, query)
    return [_point(row) for row in rows.to_dict("records")]


def _point(row: dict[Any, Any]) -> TrendPoint:
    return TrendPoint(
        start=str(row["period_start"]),
        value=number(row["value"]),
        low=number(row["ci_low"]),
        high=number(row["ci_high"]),
        n=int(row["n"]),
        low_sample=bool(row["low_sample"]),
    )


def number(value: Any) -> float | None:
    """A finite float, or None for missing, NaN and infinite values."""
    if value is None or value is pd.NA:
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None
