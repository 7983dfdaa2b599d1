"""The actions pages: every improvement action with its measured effect in one line
(``/actions``), one action explained with its weekly chart, before/after table and
difference-in-differences effect (``/actions/{id}``), and — for those who may — the forms
that create, change and delete actions.

Reading needs a signed-in viewer; changes need the permission the actions API asks for
(:data:`WRITE`, analysts and up), and every change is written to the audit log. Downloads
(``?format=csv|xlsx``) need the export permission, as on the other pages. The numbers are
:func:`kundepuls.actions.service.measure_effect`'s, unchanged.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from kundepuls.accounts import audit
from kundepuls.accounts.schemas import Principal
from kundepuls.accounts.web import Forbidden, client_ip
from kundepuls.actions import repository, service
from kundepuls.actions.effect import MIN_UNITS
from kundepuls.actions.form import form_data, form_values, refused
from kundepuls.actions.models import ACTION_STATUSES, Action
from kundepuls.actions.present import (
    DIGITS,
    Row,
    chart,
    estimates,
    group_labels,
    headline,
    outcome,
    period_table,
    weekly_table,
)
from kundepuls.actions.schemas import ActionCreate, ActionUpdate, EffectOut
from kundepuls.actions.texts import TEXTS
from kundepuls.config import Settings
from kundepuls.deps import Permission, SessionDep, SettingsDep, ViewerUser, require
from kundepuls.insights.pages import chart_data
from kundepuls.kit.errors import KundepulsError, UsageError
from kundepuls.kit.i18n import language_or_default
from kundepuls.kpis.present import segment_words
from kundepuls.kpis.service import labels as every_kpi_label
from kundepuls.text.masking import mask
from kundepuls.web.export import check_format, table_response
from kundepuls.web.pages import page_texts, render

router = APIRouter(include_in_schema=False)

WRITE = Permission.COMMENT  # as the actions API's writes (analysts and up)
Writer = Annotated[Principal, Depends(require(WRITE))]
STATUS_ORDER = {"running": 0, "planned": 1, "done": 2, "dropped": 3}
DETAIL_TABLES = ("periods", "weekly", "estimates")


def _today(settings: Settings) -> date:
    return datetime.now(settings.tz).date()


def _measure(
    session: Session, settings: Settings, action: Action, today: date
) -> tuple[EffectOut | None, str | None]:
    """The effect now, or None with the reason (None too before the action has started)."""
    if action.start_date >= today:
        return None, None
    try:
        return service.measure_effect(session, action.id, tz=settings.tz, today=today), None
    except KundepulsError as error:
        return None, str(error)


def _rows(session: Session, settings: Settings) -> list[Row]:
    today = _today(settings)
    rows = []
    for action in service.list_actions(session):
        effect, error = _measure(session, settings, action, today)
        rows.append(Row(action, effect, headline(effect), outcome(effect), error))
    rows.sort(key=lambda r: (STATUS_ORDER.get(r.action.status, 9), -r.action.start_date.toordinal(),
                             -r.action.id))  # fmt: skip
    return rows


def kpi_labels(session: Session, settings: Settings, lang: str) -> dict[str, str]:
    """The catalogue's labels of the KPIs an action can be measured on."""
    names = every_kpi_label(session, settings, lang)
    return {key: names.get(key, key) for key in repository.UNIT_KPIS}


def _lang(user: Principal) -> str:
    return language_or_default(user.language)


def _check_export(request: Request, user: Principal) -> str | None:
    export = check_format(request.query_params.get("format"))
    if export and not user.can(Permission.EXPORT):
        raise Forbidden(f"your role may not do this ({Permission.EXPORT.value})")
    return export


@router.get("/actions")
def actions_page(
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    done: str | None = None,
) -> Response:
    """Every action with its measured effect in one line (and the list as a download)."""
    export = _check_export(request, user)
    lang = _lang(user)
    rows, labels = _rows(session, settings), kpi_labels(session, settings, lang)
    if export:
        return _export_list(rows, labels, export, lang)
    return render(request, "actions/list.html", user, TEXTS, active="actions", rows=rows,
                  kpi_labels=labels, can_write=user.can(WRITE), digits=DIGITS,
                  can_export=user.can(Permission.EXPORT), done=done,
                  words=lambda segment: segment_words(segment, lang))  # fmt: skip


def _export_list(rows: list[Row], labels: dict[str, str], export: str, lang: str) -> Response:
    tx = page_texts(lang, TEXTS)
    header = ["id", tx["name"], tx["kpi"], tx["segment"], tx["compare"], tx["start"], tx["end"],
              tx["status"], tx["owner"], tx["method"], tx["estimate"], "ci_low", "ci_high",
              tx["p_value"], tx["n_before"], tx["n_after"], tx["verdict"],
              tx["description"]]  # fmt: skip
    table = []
    for r in rows:
        a, e = r.action, r.estimate
        table.append([
            a.id, a.title, labels.get(a.kpi, a.kpi), a.segment, a.compare, a.start_date,
            a.end_date, tx[f"status_{a.status}"], a.owner,
            tx[f"method_{e.method}"] if e else None, e.effect if e else None,
            e.ci_low if e else None, e.ci_high if e else None, e.p_value if e else None,
            e.n_before if e else None, e.n_after if e else None, tx[f"outcome_{r.outcome}"],
            mask(a.description) if a.description else None,
        ])  # fmt: skip
    return table_response(table, header, export, "tiltak" if lang == "nb" else "actions", lang)


def _form_page(
    request: Request,
    user: Principal,
    session: Session,
    settings: Settings,
    action: Action | None,
    form: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    lang = _lang(user)
    return render(request, "actions/form.html", user, TEXTS, active="actions", action=action,
                  form=form, errors=errors, kpi_labels=kpi_labels(session, settings, lang),
                  statuses=ACTION_STATUSES, status=status)  # fmt: skip


class ActionForm(BaseModel):
    """The action form's fields as typed; :func:`form_data` checks them."""

    title: str = ""
    kpi: str = ""
    segment: str = ""
    compare: str = ""
    start_date: str = ""
    end_date: str = ""
    status: str = "running"
    owner: str = ""
    expected_effect: str = ""
    description: str = ""


Posted = Annotated[ActionForm, Form()]


@router.get("/actions/new", response_class=HTMLResponse)
def new_action_page(
    request: Request, user: Writer, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The form for a new action."""
    return _form_page(request, user, session, settings, None, form_values(None, ""), {})


@router.post("/actions/new", response_model=None)
def create_action(
    request: Request,
    user: Writer,
    session: SessionDep,
    settings: SettingsDep,
    posted: Posted,
) -> Response:
    """Record an action from the form (CSRF-checked), or show it again with its errors."""
    form = posted.model_dump()
    lang = _lang(user)
    tx = TEXTS[lang]
    data, errors = form_data(form, lang, tx, kpi_labels(session, settings, lang))
    if data is not None:
        try:
            action = service.add_action(session, ActionCreate(**data))
        except (KundepulsError, ValidationError) as error:
            errors = refused(error, tx)
    if errors:
        return _form_page(request, user, session, settings, None, form, errors, 422)
    audit.record(session, user, "action.create", object_type="action", object_id=action.id,
                 details={"title": action.title}, ip=client_ip(request))  # fmt: skip
    return RedirectResponse(f"/actions/{action.id}?done=added", 303)


@router.get("/actions/{action_id}/edit", response_class=HTMLResponse)
def edit_action_page(
    action_id: int, request: Request, user: Writer, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The form that changes an action."""
    action = service.get_action(session, action_id)
    form = form_values(action, _lang(user))
    return _form_page(request, user, session, settings, action, form, {})


@router.post("/actions/{action_id}/edit", response_model=None)
def update_action(
    action_id: int,
    request: Request,
    user: Writer,
    session: SessionDep,
    settings: SettingsDep,
    posted: Posted,
) -> Response:
    """Change an action from the form (CSRF-checked); nothing changes when a field is wrong."""
    action = service.get_action(session, action_id)
    form = posted.model_dump()
    lang = _lang(user)
    tx = TEXTS[lang]
    data, errors = form_data(form, lang, tx, kpi_labels(session, settings, lang))
    if data is not None:
        try:
            service.update_action(session, action_id, ActionUpdate(**data))
        except (KundepulsError, ValidationError) as error:
            session.rollback()  # the refused change must not be committed with the page
            errors = refused(error, tx)
    if errors:
        return _form_page(request, user, session, settings, action, form, errors, 422)
    audit.record(session, user, "action.update", object_type="action", object_id=action_id,
                 details={"title": action.title}, ip=client_ip(request))  # fmt: skip
    return RedirectResponse(f"/actions/{action_id}?done=saved", 303)


@router.post("/actions/{action_id}/delete")
def delete_action(
    action_id: int, request: Request, user: Writer, session: SessionDep
) -> RedirectResponse:
    """Delete an action (CSRF-checked)."""
    title = service.get_action(session, action_id).title
    service.delete_action(session, action_id)
    audit.record(session, user, "action.delete", object_type="action", object_id=action_id,
                 details={"title": title}, ip=client_ip(request))  # fmt: skip
    return RedirectResponse("/actions?done=deleted", 303)


@router.get("/actions/{action_id}")
def action_page(
    action_id: int,
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    done: str | None = None,
) -> Response:
    """One action: its effect, weekly chart with table, before/after per group, the method."""
    export = _check_export(request, user)
    action = service.get_action(session, action_id)
    lang = _lang(user)
    tx = page_texts(lang, TEXTS)
    today = _today(settings)
    effect, error = _measure(session, settings, action, today)
    labels = kpi_labels(session, settings, lang)
    groups = group_labels(action, effect, tx, lang)
    if export:
        return _export_detail(request, action, effect, groups, export, tx, lang)
    unit = repository.UNIT_KPIS.get(action.kpi)
    return render(
        request, "actions/detail.html", user, TEXTS, active="actions", action=action,
        effect=effect, error=error, estimate=headline(effect), outcome=outcome(effect),
        estimates=estimates(effect), kpi_label=labels.get(action.kpi, action.kpi),
        groups=groups, digits=DIGITS.get(action.kpi, 1),
        lower_is_better=unit.lower_is_better if unit else None,
        unit=tx[f"unit_{unit.unit}"] if unit else "", min_units=MIN_UNITS,
        chart=chart(effect, groups, labels.get(action.kpi, action.kpi), tx) if effect else None,
        weekly=weekly_table(effect) if effect else [],
        periods=period_table(effect) if effect else [],
        description=mask(action.description) if action.description else None,
        can_write=user.can(WRITE), can_export=user.can(Permission.EXPORT), done=done,
        chart_data=chart_data,
        before_end=effect.start - timedelta(days=1) if effect else None,
    )  # fmt: skip


def _export_detail(
    request: Request,
    action: Action,
    effect: EffectOut | None,
    groups: dict[str, str],
    export: str,
    tx: dict[str, str],
    lang: str,
) -> Response:
    name = request.query_params.get("table") or "periods"
    if name not in DETAIL_TABLES:
        raise UsageError(f"table {name!r}: use one of {', '.join(DETAIL_TABLES)}")
    header: list[str]
    table: list[list[Any]]
    if name == "periods":
        header = [tx["group"], tx["segment"], "period", tx["value"], "ci_low", "ci_high", "n"]
        table = [[p.group, groups[p.group], p.period, p.value, p.ci_low, p.ci_high, p.n]
                 for p in (effect.periods if effect else [])]  # fmt: skip
    elif name == "weekly":
        header = [tx["week"], tx["group"], tx["segment"], tx["value"], "n"]
        table = [[w.week_start, w.group, groups[w.group], w.value, w.n]
                 for w in (effect.weekly if effect else [])]  # fmt: skip
    else:
        header = [tx["method"], tx["estimate"], "ci_low", "ci_high", tx["p_value"],
                  tx["n_before"], tx["n_after"], tx["significant"]]  # fmt: skip
        table = [[e.method, e.effect, e.ci_low, e.ci_high, e.p_value, e.n_before, e.n_after,
                  e.significant] for e in estimates(effect)]  # fmt: skip
    prefix = "tiltak" if lang == "nb" else "action"
    return table_response(table, header, export, f"{prefix}-{action.id}-{name}", lang)
