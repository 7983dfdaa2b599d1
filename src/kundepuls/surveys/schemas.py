"""Pydantic in/out models of the survey API."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class SurveyOut(BaseModel):
    key: str
    version: int
    title: str
    touchpoint: str | None
    anonymous: bool
    sent: str
    link: str
    qr_code: str
    embed: str
    created_at: datetime
    definition: dict[str, Any]


class ResponseRate(BaseModel):
    survey: str
    touchpoint: str | None
    channel: str
    invitations: int
    skipped: int
    sent: int
    opened: int
    answered: int
    rate: float | None
