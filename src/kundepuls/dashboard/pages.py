"""Pages of the dashboard: the overview at ``/``, its fragments, and ``/settings``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from kundepuls.accounts.schemas import Principal
from kundepuls.config import Settings
from kundepuls.dashboard import findings, periods, preferences, service, view
from kundepuls.dashboard.texts import TEXTS
from kundepuls.deps import EngineDep, Permission, SessionDep, SettingsDep, ViewerUser, require
from kundepuls.kit.errors import UsageError
from kundepuls.kit.i18n import language_or_default
from kundepuls.web.pages import formats_for, page_texts, render

router = APIRouter(include_in_schema=False)

PeriodKey = Annotated[str | None, Query(alias="period")]
From = Annotated[str | None, Query(alias="from")]
To = Annotated[str | None, Query(alias="to")]


def _period(
    settings: SettingsDep, key: PeriodKey = None, start: From = None, end: To = None
) -> tuple[periods.Period, str | None]:
    """The period in the URL, or the default one and what was wrong with the URL's."""
    today = datetime.now(settings.tz).date()
    try:
        return periods.resolve(key, start, end, today), None
    except UsageError as error:
        return periods.resolve(None, None, None, today), str(error)


ChosenPeriod = Annotated[tuple[periods.Period, str | None], Depends(_period)]


def _context(request: Request, user: Principal, overview: service.Overview) -> dict[str, Any]:
    lang = language_or_default(user.language)
    tx, fmt = page_texts(lang, TEXTS), formats_for(request, user)
    period = overview.period
    return {
        "period": period,
        "tiles": [view.tile(t, period, fmt, tx, lang) for t in overview.tiles],
        "marker": overview.marker,
        "query": period.query_string(),
    }


@router.get("/", response_class=HTMLResponse)
def overview_page(
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    chosen: ChosenPeriod,
) -> HTMLResponse:
    """The overview: the chosen KPIs as tiles, and the top findings."""
    period, problem = chosen
    state = service.state_of(session, settings, engine)
    overview = service.overview(session, settings, engine, period, state=state)
    context = _context(request, user, overview)
    if findings.findings_cached(settings, state):
        context["findings"] = _findings(user, session, settings, engine, period, state)
    return render(request, "dashboard/overview.html", user, TEXTS, active="overview",
                  periods=periods.PERIODS, problem=problem, **context)  # fmt: skip


@router.get("/overview/tiles", response_class=HTMLResponse)
def tiles_fragment(
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    chosen: ChosenPeriod,
) -> HTMLResponse:
    """The tiles alone (the live script swaps them in when new data arrives)."""
    period, _problem = chosen
    overview = service.overview(session, settings, engine, period)
    context = _context(request, user, overview)
    response = render(request, "dashboard/_tiles.html", user, TEXTS, **context)
    response.headers["X-Kundepuls-Marker"] = overview.marker
    response.headers["Cache-Control"] = "no-store"
    return response


def _findings(
    user: Principal,
    session: SessionDep,
    settings: Settings,
    engine: EngineDep,
    period: periods.Period,
    state: service.State | None = None,
) -> list[dict[str, Any]]:
    state = state or service.state_of(session, settings, engine)
    lang = language_or_default(user.language)
    found = findings.top_findings(session, settings, state, lang)
    return [view.finding(f, state.registry.kpis, period) for f in found]


@router.get("/overview/findings", response_class=HTMLResponse)
def findings_page(
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    chosen: ChosenPeriod,
    fragment: bool = False,
) -> HTMLResponse:
    """The top findings: a fragment for the overview's script, or a page without it."""
    period, _problem = chosen
    items = _findings(user, session, settings, engine, period)
    name = "dashboard/_findings.html" if fragment else "dashboard/findings.html"
    return render(request, name, user, TEXTS, active="overview", findings=items,
                  period=period, query=period.query_string())  # fmt: skip


@router.get("/settings", response_class=HTMLResponse)
def settings_page(
    request: Request, user: ViewerUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The overview's KPIs, their order and targets (read-only without settings:write)."""
    saved = request.query_params.get("saved") == "1"
    return _settings(request, user, session, settings, saved=saved)


def _settings(
    request: Request,
    user: Principal,
    session: SessionDep,
    settings: Settings,
    *,
    saved: bool = False,
    errors: dict[str, tuple[str, dict[str, Any]]] | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    lang = language_or_default(user.language)
    tx, fmt = page_texts(lang, TEXTS), formats_for(request, user)
    rows = []
    for row in preferences.rows(session, settings):
        key = row.kpi.key
        target = fmt.number(row.target, view.digits(row.kpi)) if row.target is not None else ""
        rows.append({
            "key": key,
            "label": row.kpi.label(lang),
            "unit": view.unit(row.kpi, tx),
            "higher_is_better": row.kpi.higher_is_better,
            "shown": bool(form.get(f"show_{key}")) if form is not None else row.shown,
            "position": form.get(f"position_{key}", "") if form is not None else row.position,
            "target": form.get(f"target_{key}", "") if form is not None else target,
            "segment_targets": row.segment_targets,
        })  # fmt: skip
    messages = {name: _message(tx, fmt, code, params) for name, (code, params) in
                (errors or {}).items()}  # fmt: skip
    return render(request, "dashboard/settings.html", user, TEXTS, active="settings",
                  rows=rows, saved=saved, errors=messages,
                  can_change=user.can(Permission.MANAGE_SETTINGS),
                  status=422 if errors else 200)  # fmt: skip


def _message(tx: dict[str, str], fmt: Any, code: str, params: dict[str, Any]) -> str:
    if code == "out_of_range" and params.get("high") is None:
        return tx["error_below"].format(low=fmt.number(params["low"]))
    shown = {k: fmt.number(v) if isinstance(v, float) else v for k, v in params.items()}
    return tx[f"error_{code}"].format(**shown)


@router.post("/settings", response_model=None)
async def save_settings(
    request: Request,
    user: Annotated[Principal, Depends(require(Permission.MANAGE_SETTINGS))],
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse | RedirectResponse:
    """Save the overview's KPIs, their order and targets (admins)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    lang = language_or_default(user.language)
    try:
        await run_in_threadpool(preferences.save, session, settings, user, form, lang)
    except preferences.FieldErrors as error:
        session.rollback()
        return await run_in_threadpool(
            _settings, request, user, session, settings, errors=error.fields, form=form
        )
    return RedirectResponse("/settings?saved=1", 303)
