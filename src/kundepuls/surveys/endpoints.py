"""Routes of the survey domain: the public answer pages and the survey API.

The public pages own their transaction explicitly: an answer is committed before the
next page (or the thank-you page) is rendered.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from kundepuls.config import Settings
from kundepuls.db import session_scope
from kundepuls.deps import Permission, SessionDep, SettingsDep, api_guard
from kundepuls.kit.security import RateLimiter, check_csrf
from kundepuls.surveys import answering, service, sharing, texts
from kundepuls.surveys.answering import LinkError
from kundepuls.surveys.definitions import parse_definition
from kundepuls.surveys.pages import page_context
from kundepuls.surveys.schemas import ResponseRate, SurveyOut

templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "web" / "templates")
# Templates ship with the package and do not change while it runs: no stat per page.
templates.env.auto_reload = False
Form = dict[str, list[str]]


# The public pages' dependencies are async: FastAPI runs a sync dependency in the thread
# pool, and these do no I/O, so each would only add a thread hop to every answer.


async def _limit(request: Request) -> None:
    """Per-address rate limit of the public pages (the limiter lives on ``app.state``)."""
    limiter: RateLimiter | None = getattr(request.app.state, "survey_limiter", None)
    if limiter is None:
        limiter = request.app.state.survey_limiter = RateLimiter(rate=120, per=60, burst=60)
    if not limiter.allow(request.client.host if request.client else "unknown"):
        raise HTTPException(429, texts.ui("too_many", "nb"), headers={"Retry-After": "30"})


async def _engine(request: Request) -> Engine:
    """The app's engine (as ``EngineDep``, without a thread hop)."""
    engine: Engine = request.app.state.engine
    return engine


async def _settings(request: Request) -> Settings:
    """The app's settings (as ``SettingsDep``, without a thread hop)."""
    settings: Settings = request.app.state.settings
    return settings


PublicEngine = Annotated[Engine, Depends(_engine)]
PublicSettings = Annotated[Settings, Depends(_settings)]
public = APIRouter(dependencies=[Depends(_limit)], include_in_schema=False)
api = APIRouter(
    prefix="/api/v1/surveys", tags=["surveys"], dependencies=[api_guard(Permission.MANAGE_SURVEYS)]
)


def _now() -> datetime:
    return datetime.now(UTC)


def _message(request: Request, key: str, lang: str = "nb", status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "surveys/message.html", {"lang": lang, "text": texts.ui(key, lang)}, status
    )


def _link_error(request: Request, error: LinkError) -> HTMLResponse:
    return _message(request, error.reason, error.language, error.status_code)


def _show(
    engine: Engine, settings: Settings, token: str, step: str | None = None, **extra: Any
) -> dict[str, Any]:
    with session_scope(engine) as session:
        invitation, definition = answering.open_link(session, token, _now())
        answers = answering.current(session, invitation)
        return page_context(invitation, definition, answers, token, settings, step, **extra)


@public.get("/s/{token}")
def survey_page(
    request: Request,
    token: str,
    engine: PublicEngine,
    settings: PublicSettings,
    step: str | None = None,
) -> Response:
    """The survey page of an invitation (``?step=score`` to change the score)."""
    try:
        context = _show(engine, settings, token, step if step in ("score", "rest") else None)
    except LinkError as error:
        return _link_error(request, error)
    return templates.TemplateResponse(request, "surveys/page.html", context)


@public.get("/s/{token}/score/{score}")
def one_click_score(
    request: Request, token: str, score: str, engine: PublicEngine, settings: PublicSettings
) -> Response:
    """Record the score clicked in the email at once, then ask the follow-up."""
    try:
        outcome = _submit(engine, settings, token, "score", None, score=score)
    except LinkError as error:
        return _link_error(request, error)
    if outcome["errors"]:
        return templates.TemplateResponse(request, "surveys/page.html", outcome, 422)
    if outcome["step"] == "done":
        return RedirectResponse(f"/s/{token}/thanks", status_code=303)
    return templates.TemplateResponse(request, "surveys/page.html", outcome)


@public.post("/s/{token}")
async def submit_answers(
    request: Request, token: str, engine: PublicEngine, settings: PublicSettings
) -> Response:
    """Save one step of answers (CSRF-checked); the next step or the thanks follow."""
    raw = await request.form()
    form: Form = {key: [str(v) for v in raw.getlist(key)] for key in raw}
    try:
        outcome = await run_in_threadpool(_submit, engine, settings, token, None, form)
    except LinkError as error:
        return _link_error(request, error)
    if outcome.get("csrf_failed"):
        return templates.TemplateResponse(request, "surveys/page.html", outcome, 403)
    if outcome["errors"]:
        return templates.TemplateResponse(request, "surveys/page.html", outcome, 422)
    target = f"/s/{token}/thanks" if outcome["step"] == "done" else f"/s/{token}"
    return RedirectResponse(target, status_code=303)


def _submit(
    engine: Engine,
    settings: Settings,
    token: str,
    step: str | None,
    form: Form | None,
    score: str | None = None,
) -> dict[str, Any]:
    """Validate and commit one step; returns the context of the page to show next."""
    # The page is built after the commit, so that the write lock (SQLite: one writer at a
    # time) is held only for the statements themselves.
    extra: dict[str, Any]
    with session_scope(engine) as session:
        invitation, definition = answering.open_link(session, token, _now(), defer=True)
        opened = {"opened_at": None, "status": None}  # written by record, or here when refused
        if score is not None:
            lead = definition.lead
            form = {f"q_{lead.id}": [score]} if lead else {}
            step = "score" if lead else "rest"
        assert form is not None
        step = step or (form.get("step") or ["rest"])[0]
        step = step if step in ("score", "rest") else "rest"
        if score is None and not check_csrf(
            settings.secret_key, invitation.invitation_id, next(iter(form.get("csrf") or []), None)
        ):
            answering.note_open(session, invitation, opened)
            answers = answering.current(session, invitation)
            shown, extra = step, {"form": form, "csrf_failed": True}
        else:
            errors, answers = answering.record(session, invitation, definition, form, step, _now())
            if errors:
                answering.note_open(session, invitation, opened)
                shown = step
            elif step == "rest" or not answering.has_rest(definition, answers, invitation.language):
                shown = "done"
            else:
                shown = "rest"
            extra = {
                "form": form if errors else None,
                "errors": errors,
                "notice": "saved_score" if score is not None and not errors else None,
            }
    return page_context(invitation, definition, answers, token, settings, shown, **extra)


@public.get("/s/{token}/thanks")
def thanks(request: Request, token: str, engine: PublicEngine) -> Response:
    """The thank-you page, shown after the answer is stored."""
    try:
        with session_scope(engine) as session:
            invitation, _definition = answering.open_link(session, token, _now())
            lang = invitation.language
    except LinkError as error:
        return _link_error(request, error)
    return templates.TemplateResponse(request, "surveys/thanks.html", {"lang": lang, "t": _t(lang)})


@public.get("/u/{token}")
def unsubscribe_page(request: Request, token: str, settings: PublicSettings) -> Response:
    """Ask to confirm the unsubscribe (a link scanner's GET must not unsubscribe)."""
    return templates.TemplateResponse(
        request,
        "surveys/unsubscribe.html",
        {"lang": "nb", "t": _t("nb"), "action": f"/u/{token}", "done": False},
    )


@public.post("/u/{token}")
async def unsubscribe(request: Request, token: str, engine: PublicEngine) -> Response:
    """Unsubscribe from all surveys: the page's button or an RFC 8058 one-click POST."""
    try:
        invitation = await run_in_threadpool(_unsubscribe, engine, token)
    except LinkError as error:
        return _link_error(request, error)
    lang = invitation.language
    return templates.TemplateResponse(
        request, "surveys/unsubscribe.html", {"lang": lang, "t": _t(lang), "done": True}
    )


def _unsubscribe(engine: Engine, token: str) -> Any:
    with session_scope(engine) as session:
        return answering.unsubscribe(session, token, _now(), "link")


@public.get("/l/{link_key}")
def shared_link(
    link_key: str, engine: PublicEngine, settings: PublicSettings, via: str = "link"
) -> Response:
    """The shareable link (also behind the QR code and the widget): starts an answer."""
    with session_scope(engine) as session:
        token = sharing.open_shared(session, link_key, via, settings, _now())
    return RedirectResponse(f"/s/{token}", status_code=303)


@public.get("/l/{link_key}/qr.svg")
def qr_code(link_key: str, engine: PublicEngine, settings: PublicSettings) -> Response:
    """The QR code of the shareable link, as SVG."""
    with session_scope(engine) as session:
        survey = service.survey_by_link(session, link_key)
        url = sharing.share_link(survey, settings, "qr")
    return Response(sharing.qr_svg(url), media_type="image/svg+xml")


@api.post("", status_code=201)
def create_survey(body: dict[str, Any], session: SessionDep, settings: SettingsDep) -> SurveyOut:
    """Create a survey, or a new version of it when the definition changed."""
    survey, _new = service.save_survey(session, parse_definition(body, "body"))
    return sharing.survey_out(survey, settings)


@api.get("")
def list_surveys(session: SessionDep, settings: SettingsDep) -> list[SurveyOut]:
    """Every survey in its newest version."""
    return [sharing.survey_out(s, settings) for s in service.list_surveys(session)]


@api.get("/{key}")
def show_survey(
    key: str, session: SessionDep, settings: SettingsDep, version: int | None = None
) -> SurveyOut:
    """One survey (newest version unless ``version`` is given)."""
    return sharing.survey_out(service.get_survey(session, key, version), settings)


@api.get("/{key}/response-rate")
def response_rate(key: str, session: SessionDep) -> list[ResponseRate]:
    """Invitations sent, opened and answered per touchpoint and channel."""
    service.get_survey(session, key)
    return [ResponseRate(**row) for row in service.response_rates(session, key)]


def _t(lang: str) -> Any:
    return lambda key: texts.ui(key, lang)


router = APIRouter()
router.include_router(public)
router.include_router(api)
