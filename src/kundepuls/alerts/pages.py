"""The alerts page: rules with their state, recent events with delivery status, and (for
those who may) adding, removing and testing rules (``/alerts``).

Reading needs a signed-in viewer; changes and "test now" need the permission the alerts
API uses (:data:`WRITE`: rules send data to outside addresses). "Test now" evaluates the
rule without recording or sending anything.
"""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kundepuls.accounts.schemas import Principal
from kundepuls.alerts import repository, service
from kundepuls.alerts.models import AlertRule, AlertState
from kundepuls.alerts.page_texts import TEXTS
from kundepuls.alerts.schemas import AlertCheck, AlertRuleCreate
from kundepuls.config import Settings
from kundepuls.deps import Permission, SessionDep, SettingsDep, ViewerUser, require
from kundepuls.kit.errors import KundepulsError, NotFoundError
from kundepuls.kit.i18n import language_or_default, plain_number
from kundepuls.kpis.service import labels as kpi_labels
from kundepuls.kpis.service import registry
from kundepuls.web.pages import render

router = APIRouter(include_in_schema=False)

WRITE = Permission.MANAGE_SETTINGS  # as the alerts API's writes
Writer = Annotated[Principal, Depends(require(WRITE))]
EVENTS_SHOWN = 20
# The service's refusals start with the field they are about.
_REFUSALS = (
    ("threshold: a threshold rule needs", "threshold", "err_threshold_needed"),
    ("threshold:", "threshold", "err_threshold_not"),
    ("direction:", "direction", "err_direction"),
    ("emails/webhook_url:", "emails", "err_receiver"),
    ("webhook_url:", "webhook_url", "err_webhook"),
    ("where:", "where", "err_segment"),
)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def refusal(error: KundepulsError, tx: dict[str, str]) -> dict[str, str]:
    """The field a refusal of ``add_rule`` is about, with a message in the reader's language."""
    message = str(error)
    if isinstance(error, NotFoundError) and "KPI" in message:
        return {"kpi": tx["err_kpi"]}
    for start, field, key in _REFUSALS:
        if message.startswith(start):
            return {field: tx[key]}
    return {"where": message}  # a dimension the KPI does not have: the engine names it


def _rule_data(
    form: dict[str, str], lang: str, higher_is_better: bool | None, tx: dict[str, str]
) -> tuple[AlertRuleCreate | None, dict[str, str]]:
    errors: dict[str, str] = {}
    emails = _split(form["emails"])
    bad = [a for a in emails if "@" not in a or " " in a]
    if bad:
        errors["emails"] = tx["err_email"].format(value=bad[0])
    direction = form["direction"]
    if form["kind"] == "threshold" and direction in ("worse", "any"):
        # "worse" of a threshold rule is below the limit when higher is better.
        direction = "below" if higher_is_better is not False else "above"
    raw = {
        "kpi": form["kpi"], "kind": form["kind"], "name": form["name"].strip() or None,
        "where": _split(form["where"]), "direction": direction,
        "threshold": plain_number(form["threshold"], lang) or None,
        "window_days": form["window_days"].strip() or "7", "emails": emails,
        "webhook_url": form["webhook_url"].strip() or None, "lang": form["lang"] or "nb",
    }  # fmt: skip
    try:
        data = AlertRuleCreate.model_validate(raw)
    except ValidationError as error:
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "kind"
            key = {"threshold": "err_number", "window_days": "err_window"}.get(field, "err_choice")
            errors.setdefault(field, tx[key])
        return None, errors
    return (None if errors else data), errors


class RuleRow(NamedTuple):
    rule: AlertRule
    state: AlertState | None  # None until the rule is first evaluated


def _rows(session: Session) -> tuple[list[RuleRow], list[dict[str, Any]]]:
    """Rules with their state now, and the recent events with their deliveries."""
    rules = [
        RuleRow(rule, repository.state(session, rule.id, rule.segment, create=False))
        for rule in service.list_rules(session)
    ]
    names = {r.rule.id: r.rule.name for r in rules}
    events = [
        {"event": e, "rule": names.get(e.rule_id, str(e.rule_id)),
         "deliveries": repository.deliveries_of(session, e.id)}
        for e in service.list_events(session, limit=EVENTS_SHOWN)
    ]  # fmt: skip
    return rules, events


def _page(
    request: Request,
    user: Principal,
    session: Session,
    settings: Settings,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = language_or_default(user.language)
    labels = kpi_labels(session, settings, lang)
    rules, events = _rows(session)
    context.setdefault("form", {"kind": "threshold", "window_days": "7", "lang": lang})
    context.setdefault("errors", {})
    return render(request, "alerts/page.html", user, TEXTS, active="alerts", status=status,
                  rules=rules, events=events, kpi_labels=labels, can_write=user.can(WRITE),
                  **context)  # fmt: skip


@router.get("/alerts")
def alerts_page(
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    done: str | None = None,
) -> HTMLResponse:
    """Alert rules with their state, and the recent events with delivery status."""
    return _page(request, user, session, settings, done=done)


@router.post("/alerts", response_model=None)
def add_rule(
    request: Request,
    user: Writer,
    session: SessionDep,
    settings: SettingsDep,
    kpi: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    where: Annotated[str, Form()] = "",
    direction: Annotated[str, Form()] = "worse",
    threshold: Annotated[str, Form()] = "",
    window_days: Annotated[str, Form()] = "7",
    emails: Annotated[str, Form()] = "",
    webhook_url: Annotated[str, Form()] = "",
    lang: Annotated[str, Form()] = "nb",
) -> HTMLResponse | RedirectResponse:
    """Add a rule from the form, or show the form again with a message per wrong field."""
    reader = language_or_default(user.language)
    tx = TEXTS[reader]
    form = dict(kpi=kpi, kind=kind, name=name, where=where, direction=direction,
                threshold=threshold, window_days=window_days, emails=emails,
                webhook_url=webhook_url, lang=lang)  # fmt: skip
    known = registry(session, settings).kpis
    better = known[kpi].higher_is_better if kpi in known else None
    data, errors = _rule_data(form, reader, better, tx)
    if data is not None:
        try:
            service.add_rule(session, settings, data)
        except KundepulsError as error:
            errors = refusal(error, tx)
    if errors:
        return _page(request, user, session, settings, 422, form=form, errors=errors)
    return RedirectResponse("/alerts?done=added", 303)


@router.post("/alerts/{rule_id}/delete")
def remove_rule(rule_id: int, user: Writer, session: SessionDep) -> RedirectResponse:
    """Remove a rule with its history."""
    service.remove_rule(session, rule_id)
    return RedirectResponse("/alerts?done=removed", 303)


@router.post("/alerts/{rule_id}/test")
def test_rule(
    request: Request, rule_id: int, user: Writer, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """Evaluate one rule now and show what would be sent; nothing is recorded or sent."""
    try:
        checks: list[AlertCheck] = service.evaluate_all(
            session, settings, dry_run=True, rule_id=rule_id
        )
    except NotFoundError:
        raise
    except KundepulsError as error:  # e.g. the segment's dimension is gone from the data
        return _page(request, user, session, settings, 422, test_error=str(error))
    return _page(request, user, session, settings, tested=checks[0] if checks else None)
