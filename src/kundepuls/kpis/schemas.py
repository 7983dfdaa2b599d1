"""Pydantic in/out models of the KPI API."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class KpiInfo(BaseModel):
    """One KPI of the catalogue."""

    key: str
    label_nb: str
    label_en: str
    unit: str
    higher_is_better: bool
    table: str
    interval: str
    description: str
    custom: bool
    target: float | None = None


class KpiRow(BaseModel):
    """One row of a KPI: its value, n and 95 % interval, plus one key per dimension."""

    model_config = ConfigDict(extra="allow")

    kpi: str
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    low_sample: bool
    period_start: str | None = Field(default=None, description="with a grain: ISO date")


class CompareRow(BaseModel):
    """A difference (this minus the baseline) with its interval, p-value and q-value."""

    model_config = ConfigDict(extra="allow")

    kpi: str
    value: float | None
    n: int
    baseline: str
    baseline_value: float | None
    baseline_n: int
    diff: float | None
    diff_low: float | None
    diff_high: float | None
    p_value: float | None
    q_value: float | None


class TargetIn(BaseModel):
    """A target; ``where`` limits it to one segment, e.g. ``{"region": "Nord"}``."""

    value: float
    where: dict[str, str] = Field(default_factory=dict)


class Target(TargetIn):
    kpi: str


class KpiDefinitionIn(BaseModel):
    """A custom KPI, with the same fields as in the KPI file (see kundepuls.kpis.custom)."""

    model_config = ConfigDict(extra="allow")

    key: str
    table: str
    type: str


class KpiDefined(BaseModel):
    key: str
    label_en: str
    interval: str


def as_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows are returned as plain dicts so that dimension keys keep their names."""
    return records
