"""Pydantic in/out models of follow-up cases."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source_key: str
    kind: str
    reason: str
    customer_id: str | None
    response_id: str | None
    complaint_id: str | None
    event_at: datetime
    opened_at: datetime
    due_at: datetime
    status: str
    assignee: str | None
    team: str | None
    region: str | None
    contacted_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    context: dict[str, Any]


class NoteIn(BaseModel):
    text: str = Field(min_length=1)
    author: str | None = None


class NoteOut(NoteIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    at: datetime


class CaseChange(BaseModel):
    """Work on a case: assign it, record contact, or close it with an outcome."""

    assignee: str | None = None
    status: Literal["contacted", "resolved", "cannot_resolve"] | None = None
    outcome: str | None = None


class SyncOut(BaseModel):
    """How many cases were opened; their events are sent after the commit."""

    opened: int


class RateOut(BaseModel):
    """A loop KPI in percent with its n and Wilson 95 % interval."""

    kpi: str
    value: float | None
    n: int
    hits: int
    ci_low: float | None
    ci_high: float | None
