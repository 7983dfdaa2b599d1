"""What an import reports back, to the CLI and (later) the API."""

from pathlib import Path

from pydantic import BaseModel, Field


class ImportReport(BaseModel):
    """The outcome of one import.

    ``rows`` = ``inserted + updated + unchanged + rejected + duplicates``: a row whose id
    appears again later in the same file counts as a duplicate (the last one wins), and
    ``updated`` counts only rows that existed and whose values changed.
    """

    kind: str
    file: Path
    dry_run: bool = False
    batch_id: int | None = None
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0
    customers_created: int = Field(
        0, description="Bare customers created for customer ids not seen before."
    )
    rejects_path: Path | None = None
    messages: list[str] = Field(default_factory=list)
