"""Pydantic in/out models of alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class AlertRuleCreate(BaseModel):
    """A new rule. ``where`` holds DIM=VALUE items; threshold rules need ``threshold``."""

    kpi: str
    kind: Literal["threshold", "change", "anomaly"]
    name: str | None = None
    where: list[str] = []
    direction: Literal["below", "above", "worse", "any"] = "worse"
    threshold: float | None = None
    window_days: int = Field(default=7, ge=1, le=366)
    emails: list[str] = []
    webhook_url: str | None = None
    webhook_secret: str | None = None
    lang: Literal["nb", "en"] = "nb"


class AlertRuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kpi: str
    segment: str
    kind: str
    direction: str
    threshold: float | None
    window_days: int
    emails: str | None
    webhook_url: str | None
    lang: str
    active: bool
    created_at: datetime


class AlertEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    rule_id: int
    segment: str
    episode: int
    kind: str
    at: datetime
    subject: str
    text: str
    link: str
    data: dict[str, Any]


class AlertCheck(BaseModel):
    """One rule evaluated now: what it found and what would be (or was) sent."""

    rule_id: int
    name: str
    status: str
    state: str
    outcome: str
    explanation: str
    subject: str | None = None
    text: str | None = None
    decision: dict[str, Any]
