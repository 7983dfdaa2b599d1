"""Pydantic in/out models of the actions domain."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["planned", "running", "done", "dropped"]


class ActionCreate(BaseModel):
    """A new improvement action. ``segment``/``compare`` are ``DIM=VALUE`` (weekend=true)."""

    title: str = Field(min_length=1, max_length=200)
    kpi: str
    start_date: date
    description: str | None = None
    owner: str | None = None
    segment: str | None = None
    compare: str | None = None
    end_date: date | None = None
    expected_effect: float | None = None
    status: Status = "planned"
    findings: list[str] = Field(default_factory=list)


class ActionUpdate(BaseModel):
    """Fields to change; the ones left out stay as they are."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    owner: str | None = None
    kpi: str | None = None
    segment: str | None = None
    compare: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    expected_effect: float | None = None
    status: Status | None = None
    findings: list[str] | None = None


class ActionOut(ActionCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    updated_at: datetime


class EstimateOut(BaseModel):
    """One estimate: after minus before (DiD: relative to the comparison), in KPI units."""

    method: str
    effect: float
    ci_low: float
    ci_high: float
    p_value: float
    n_before: int
    n_after: int
    significant: bool


class WeekPoint(BaseModel):
    """One week's mean of the KPI in one group, for the effect chart."""

    week_start: date
    group: Literal["all", "treated", "compare"]
    value: float
    n: int


class PeriodStat(BaseModel):
    """The KPI of one group in one period (before or after the start) with its 95 % interval."""

    group: Literal["all", "treated", "compare"]
    period: Literal["before", "after"]
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int


class EffectOut(BaseModel):
    """The measured effect of one action and a plain verdict."""

    action_id: int
    kpi: str
    label: str
    segment: str | None
    compare: str | None
    before_start: date
    start: date
    after_end: date
    mean_before: float | None
    mean_after: float | None
    before_after: EstimateOut | None
    interrupted_time_series: EstimateOut | None
    difference_in_differences: EstimateOut | None
    headline: str | None
    verdict: Literal["improved", "worsened", "no_change", "cannot_tell"]
    more_needed: int | None
    message: str
    weekly: list[WeekPoint] = Field(default_factory=list)
    periods: list[PeriodStat] = Field(default_factory=list)
