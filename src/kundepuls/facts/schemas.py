"""Pydantic in/out models of the facts domain."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class KindSummary(BaseModel):
    """How many rows of one kind the store holds, and the span of their event times."""

    kind: str
    rows: int
    first: datetime | None
    last: datetime | None


class ImportBatchOut(BaseModel):
    """One import: what came in and how it went."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    file: str
    status: str
    inserted: int
    updated: int
    rejected: int
    started_at: datetime
    finished_at: datetime | None
    started_by: str | None


class StoreSummary(BaseModel):
    """What is in the store: rows and time span per kind, and the last imports."""

    total_rows: int
    kinds: list[KindSummary]
    imports: list[ImportBatchOut]
