"""Routes of the facts domain: the store summary (the data page lives in ``ingest.pages``)."""

from fastapi import APIRouter

from kundepuls.deps import SessionDep, ViewerUser
from kundepuls.facts import service
from kundepuls.facts.schemas import StoreSummary

router = APIRouter()


@router.get("/api/v1/store/summary", tags=["store"])
def store_summary(_user: ViewerUser, session: SessionDep) -> StoreSummary:
    """Rows and time span per kind of data, and the last imports."""
    return service.store_summary(session)
