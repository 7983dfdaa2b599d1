"""Pydantic in/out models of benchmarks."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class BenchmarkCreate(BaseModel):
    """A benchmark: the KPI's value at a source (a competitor or the industry) in a period,
    optionally with its 95 % interval (``ci_low``/``ci_high``) or its sample size ``n``."""

    kpi: str = Field(min_length=1, max_length=100)
    source: str = Field(min_length=1, max_length=200)
    kind: Literal["competitor", "industry"]
    period_start: date
    period_end: date
    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = Field(default=None, ge=1)
    note: str | None = None

    @field_validator("value", "ci_low", "ci_high")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @field_validator("kpi", "source")
    @classmethod
    def _stripped(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.period_start > self.period_end:
            raise ValueError("period_end: comes before period_start")
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError("ci_low/ci_high: give both ends of the interval or neither")
        inside = (
            self.ci_low is None
            or self.ci_high is None
            or (self.ci_low <= self.value <= self.ci_high)
        )
        if not inside:
            raise ValueError("ci_low/ci_high: the interval must contain the value")
        return self


class BenchmarkOut(BenchmarkCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime


class ComparisonOut(BaseModel):
    """Our KPI in the benchmark's period against the benchmark."""

    benchmark: BenchmarkOut
    where: list[str]
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    low_sample: bool
    diff: float | None
    diff_low: float | None
    diff_high: float | None
    p_value: float | None
    benchmark_uncertainty: str
    verdict: str
    text: str
