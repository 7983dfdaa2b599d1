"""REST route of the data-quality report: ``/api/v1/quality``."""

from typing import Annotated

from fastapi import APIRouter, Query

from kundepuls.deps import Permission, SessionDep, SettingsDep, api_guard
from kundepuls.kpis.dimensions import parse_where
from kundepuls.quality import service
from kundepuls.quality.schemas import FindingOut

router = APIRouter(
    prefix="/api/v1/quality", tags=["quality"], dependencies=[api_guard(Permission.MANAGE_SETTINGS)]
)


@router.get("")
def quality(
    session: SessionDep,
    settings: SettingsDep,
    lang: str = "nb",
    kpi: str | None = None,
    where: Annotated[list[str], Query(description="Only findings for DIM=VALUE.")] = [],  # noqa: B006
) -> list[FindingOut]:
    """Data-quality findings (all, or those to show next to ``kpi`` for the segment)."""
    found = service.report(session, settings)
    if kpi is not None:
        found = service.warnings_for(kpi, dict(parse_where(where)), findings=found)
    return [FindingOut.of(f, lang) for f in found]
