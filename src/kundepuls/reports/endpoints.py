"""Report pages: the report of a period as an HTML page and as a PDF download."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from kundepuls.deps import SessionDep, SettingsDep, ViewerUser
from kundepuls.reports import service
from kundepuls.reports.periods import parse_period
from kundepuls.reports.texts import language

router = APIRouter(tags=["reports"])
Lang = Annotated[str | None, Query(pattern="^(nb|en)$", description="nb or en")]


@router.get("/reports/{period}.pdf", response_class=Response)
def report_pdf(
    period: str, user: ViewerUser, session: SessionDep, settings: SettingsDep, lang: Lang = None
) -> Response:
    """The report of a period (2026-Q3, 2026-09, 2026, 2026-W36) as a PDF download."""
    chosen = parse_period(period)
    report = service.build_report(session, settings, chosen, language(lang or user.language))
    data, _pages = service.report_pdf(report)
    name = f"kundepuls-{chosen.label}.pdf"
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/reports/{period}", response_class=HTMLResponse)
def report_page(
    period: str, user: ViewerUser, session: SessionDep, settings: SettingsDep, lang: Lang = None
) -> HTMLResponse:
    """The report of a period as a page."""
    chosen = parse_period(period)
    report = service.build_report(session, settings, chosen, language(lang or user.language))
    return HTMLResponse(service.report_html(report))
