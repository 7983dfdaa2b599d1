"""Routes of the facts domain: the first page and the store summary."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kundepuls.deps import SessionDep, SettingsDep, ViewerUser
from kundepuls.facts import service
from kundepuls.facts.schemas import StoreSummary
from kundepuls.web.pages import templates

router = APIRouter()


def _formatters(tz: ZoneInfo) -> dict[str, Any]:
    """Norwegian number and date formats, in the configured timezone."""

    def number(value: int) -> str:
        return f"{value:,}".replace(",", "\u00a0")

    def day(value: datetime | None) -> str:
        return value.astimezone(tz).strftime("%d.%m.%Y") if value else "–"

    def moment(value: datetime | None) -> str:
        return value.astimezone(tz).strftime("%d.%m.%Y %H:%M") if value else "–"

    return {"number": number, "day": day, "moment": moment}


@router.get("/data", response_class=HTMLResponse, include_in_schema=False)
def home(
    request: Request, _user: ViewerUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The data page: what is in the store."""
    summary = service.store_summary(session)
    context = {"summary": summary, **_formatters(settings.tz)}
    return templates.TemplateResponse(request, "home.html", context)


@router.get("/api/v1/store/summary", tags=["store"])
def store_summary(_user: ViewerUser, session: SessionDep) -> StoreSummary:
    """Rows and time span per kind of data, and the last imports."""
    return service.store_summary(session)
