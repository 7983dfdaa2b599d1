"""The survey admin pages: the list, one survey with its preview, and the survey form.

Reading needs a signed-in viewer; creating and editing need the permission the survey API
uses for changes (``surveys:write``). A preview renders the public page of a survey without
an invitation, and can never submit (no form action, and the browser is told so).
"""

from typing import Annotated, Any

from babel.dates import format_date
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kundepuls.accounts import audit
from kundepuls.accounts.schemas import Principal
from kundepuls.accounts.web import Forbidden, client_ip
from kundepuls.deps import Permission, SessionDep, SettingsDep, ViewerUser, require
from kundepuls.kit.errors import NotFoundError
from kundepuls.kit.i18n import LOCALES, language_or_default
from kundepuls.surveys import admin_form, overview, repository, service, sharing
from kundepuls.surveys.admin_texts import TEXTS
from kundepuls.surveys.answering import Answers
from kundepuls.surveys.models import Invitation
from kundepuls.surveys.pages import page_context
from kundepuls.web.export import check_format, table_response
from kundepuls.web.pages import render, templates

router = APIRouter(include_in_schema=False)
SurveyEditor = Annotated[Principal, Depends(require(Permission.MANAGE_SURVEYS))]
PREVIEW_LANGS = ("nb", "nn", "en")


def _tx(user: Principal) -> dict[str, str]:
    return TEXTS[language_or_default(user.language)]


def _export_allowed(user: Principal, request: Request) -> str | None:
    """The download format asked for, once the user may download."""
    export = check_format(request.query_params.get("format"))
    if export and not user.can(Permission.EXPORT):
        raise Forbidden(f"your role may not do this ({Permission.EXPORT.value})")
    return export


def _rate_cells(rate: overview.Rate) -> list[float | None]:
    return [None if v is None else round(v, 2) for v in (rate.value, rate.low, rate.high)]


@router.get("/surveys", response_class=HTMLResponse)
def surveys_page(request: Request, user: ViewerUser, session: SessionDep) -> Response:
    """Every survey with its kind, status, invitations, responses and response rate."""
    rows = overview.survey_rows(session)
    export = _export_allowed(user, request)
    if export:
        tx, lang = _tx(user), language_or_default(user.language)
        labels = [
            tx["f_key"],
            tx["col_survey"],
            tx["col_kind"],
            tx["col_status"],
            tx["col_sent"],
            tx["col_answered"],
            tx["col_rate"] + " %",
            tx["col_interval"] + " –",
            tx["col_interval"] + " +",
            tx["col_responses"],
        ]
        table = [
            [
                r.survey.key,
                r.title(lang),
                tx["kind_" + r.kind],
                tx["status_" + r.status],
                r.rate.sent,
                r.rate.answered,
                *_rate_cells(r.rate),
                r.responses,
            ]
            for r in rows
        ]
        return table_response(table, labels, export, "undersokelser", lang)
    return render(
        request,
        "surveys/admin_list.html",
        user,
        TEXTS,
        active="surveys",
        rows=rows,
        can_edit=user.can(Permission.MANAGE_SURVEYS),
        can_export=user.can(Permission.EXPORT),
    )


def _survey(session: Any, key: str) -> Any:
    found = repository.latest_survey(session, key)
    if found is None:
        raise NotFoundError(f"no survey {key!r}")
    return found


@router.get("/surveys/new", response_class=HTMLResponse)
def new_survey_page(request: Request, user: SurveyEditor) -> HTMLResponse:
    """The form for a new survey."""
    return _form(request, user, admin_form.empty_values(), {}, None)


def _form(
    request: Request,
    user: Principal,
    values: admin_form.Form,
    errors: dict[str, str],
    old: dict[str, Any] | None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "surveys/admin_form.html",
        user,
        TEXTS,
        active="surveys",
        status=status,
        values=values,
        errors=errors,
        error_labels={f: admin_form.field_label(f, _tx(user)) for f in errors},
        editing=old is not None,
        action=f"/surveys/{old['key']}/edit" if old else "/surveys/new",
        rows=admin_form.question_rows(values),
        langs=admin_form.LANGS,
        lead_kinds=admin_form.LEAD_KINDS,
        extra_types=admin_form.EXTRA_TYPES,
        triggers=admin_form.TRIGGERS,
        every=admin_form.EVERY,
    )


async def _posted(request: Request) -> admin_form.Form:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


def _save(
    request: Request, user: Principal, session: Any, values: admin_form.Form, old: Any
) -> Response:
    tx = _tx(user)
    data = old.definition if old is not None else None
    definition, errors = admin_form.check(values, data, tx)
    if definition is None and not errors:  # pragma: no cover - check returns one or the other
        errors = {"key": tx["err_other"].format(detail="?")}
    if old is None and definition is not None and repository.latest_survey(session, definition.key):
        errors = {"key": tx["err_taken"]}
    if errors or definition is None:
        return _form(request, user, values, errors, data, status=422)
    survey, new = service.save_survey(session, definition)
    if new:
        audit.record(
            session,
            user,
            "survey.create" if survey.version == 1 else "survey.update",
            object_type="survey",
            object_id=survey.key,
            details={"version": survey.version},
            ip=client_ip(request),
        )
    flag = "saved" if new else "unchanged"
    return RedirectResponse(f"/surveys/{survey.key}?{flag}={survey.version}", 303)


@router.post("/surveys/new")
async def create_survey(request: Request, user: SurveyEditor, session: SessionDep) -> Response:
    """Create a survey from the form (CSRF-checked); errors come back per field."""
    return _save(request, user, session, await _posted(request), None)


@router.get("/surveys/{key}/edit", response_class=HTMLResponse)
def edit_survey_page(
    request: Request, key: str, user: SurveyEditor, session: SessionDep
) -> HTMLResponse:
    """The form of an existing survey, filled in from its newest version."""
    survey = _survey(session, key)
    return _form(request, user, admin_form.values_of(survey.definition), {}, survey.definition)


@router.post("/surveys/{key}/edit")
async def edit_survey(
    request: Request, key: str, user: SurveyEditor, session: SessionDep
) -> Response:
    """Save the form as the survey's next version (CSRF-checked)."""
    survey = _survey(session, key)
    values = {**await _posted(request), "key": survey.key}  # the key never changes
    return _save(request, user, session, values, survey)


def _months_download(
    months: list[tuple[Any, overview.Rate]], tx: dict[str, str], export: str, key: str, lang: str
) -> Response:
    labels = [tx["col_month"], tx["col_sent"], tx["col_answered"], tx["col_rate"] + " %"]
    labels += [tx["col_interval"] + " –", tx["col_interval"] + " +"]
    table = [[month, rate.sent, rate.answered, *_rate_cells(rate)] for month, rate in months]
    return table_response(table, labels, export, f"svarprosent-{key}", lang)


@router.get("/surveys/{key}", response_class=HTMLResponse)
def survey_page(
    request: Request, key: str, user: ViewerUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """One survey: its numbers, response rate by month, questions and a preview."""
    survey = _survey(session, key)
    row = overview.survey_row(session, survey)
    lang_of = language_or_default(user.language)
    months = overview.monthly_rates(session, key, settings.tz)
    export = _export_allowed(user, request)
    if export:
        return _months_download(months, _tx(user), export, key, lang_of)
    lang = request.query_params.get("lang", "")
    step = request.query_params.get("step", "")
    return render(
        request,
        "surveys/admin_detail.html",
        user,
        TEXTS,
        active="surveys",
        row=row,
        months=[
            (format_date(month, "LLL y", locale=LOCALES[lang_of]), month, rate)
            for month, rate in months
        ],
        link=sharing.share_link(survey, settings),
        can_edit=user.can(Permission.MANAGE_SURVEYS),
        preview_lang=lang if lang in PREVIEW_LANGS else row.definition.default_language,
        preview_step=step if step in ("score", "rest") else "score",
        preview_langs=PREVIEW_LANGS,
        can_export=user.can(Permission.EXPORT),
        chart=overview.rate_chart(months),
        saved=request.query_params.get("saved"),
        unchanged=request.query_params.get("unchanged"),
    )


@router.get("/surveys/{key}/preview", response_class=HTMLResponse)
def survey_preview(
    request: Request,
    key: str,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: str = "nb",
    step: str = "score",
) -> HTMLResponse:
    """The public page of the survey as a respondent sees it; it cannot be submitted."""
    survey = _survey(session, key)
    definition = service.definition_of(survey)
    language = lang if lang in PREVIEW_LANGS else definition.default_language
    # A transient invitation, never added to the session: nothing about it is stored.
    invitation = Invitation(invitation_id="preview", language=language, survey=key)
    shown = step if step in ("score", "rest") else "score"
    if definition.lead is None:
        shown = "rest"
    context = page_context(invitation, definition, Answers(), "preview", settings, shown)
    context.update(action="#preview", notice=_tx(user)["preview_notice"], last=True)
    response = templates.TemplateResponse(request, "surveys/page.html", context)
    # The browser refuses to submit the form, whatever the page or a user does.
    response.headers["Content-Security-Policy"] = "form-action 'none'; frame-ancestors 'self'"
    return response
