"""Report pages: the report of a period as a page of the web app and as a PDF download."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kundepuls.deps import SessionDep, SettingsDep, ViewerUser
from kundepuls.kit.i18n import language_or_default
from kundepuls.reports import service, texts, view
from kundepuls.reports.periods import parse_period, quarter_of
from kundepuls.web.pages import render

router = APIRouter(tags=["reports"], include_in_schema=False)
Lang = Annotated[str | None, Query(pattern="^(nb|en)$", description="nb or en")]


@router.get("/reports")
def reports_start(settings: SettingsDep, user: ViewerUser, period: str | None = None) -> Response:
    """The report of the period asked for, or of the last full quarter."""
    if period is None:
        last_quarter = quarter_of(service.today(settings)).start - timedelta(days=1)
        period = quarter_of(last_quarter).label
    return RedirectResponse(f"/reports/{parse_period(period).label}", 303)


@router.get("/reports/{period}.pdf")
def report_pdf(
    period: str, user: ViewerUser, session: SessionDep, settings: SettingsDep, lang: Lang = None
) -> Response:
    """The report of a period (2026-Q3, 2026-09, 2026, 2026-W36) as a PDF download."""
    chosen = parse_period(period)
    report = service.build_report(session, settings, chosen, lang or user.language)
    data, _pages = service.report_pdf(report)
    name = f"kundepuls-{chosen.label}.pdf"
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/reports/{period}", response_class=HTMLResponse)
def report_page(
    request: Request,
    period: str,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: Lang = None,
) -> HTMLResponse:
    """The report of a period as a page (the language: ?lang=, else the user's)."""
    chosen = parse_period(period)
    report = service.build_report(session, settings, chosen, lang or user.language)
    context = view.report_context(report)
    context.pop("lang")
    page_user = user.model_copy(update={"language": language_or_default(report.lang)})
    return render(request, "reports/page.html", page_user, texts.page_texts(), active="reports",
                  period=chosen.label, **context)  # fmt: skip
