"""The follow-up inbox (``/cases``) and one case (``/cases/{id}``).

Filters live in the URL (a GET form), so a filtered inbox can be bookmarked. Reading
needs a signed-in viewer; every change needs the permission the cases API writes with
(:data:`WRITE`), and viewers see no change forms. Comments are masked wherever shown or
downloaded; notes written by staff are shown as written (escaped).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from babel.dates import format_time
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kundepuls.accounts import audit
from kundepuls.accounts import service as accounts
from kundepuls.accounts.schemas import Principal
from kundepuls.accounts.web import Forbidden
from kundepuls.cases import service
from kundepuls.cases.models import Case
from kundepuls.cases.page_texts import TEXTS
from kundepuls.deps import Permission, SessionDep, SettingsDep, ViewerUser, require
from kundepuls.kit.errors import UsageError
from kundepuls.kit.i18n import language_or_default
from kundepuls.web.export import check_format, table_response
from kundepuls.web.pages import formats_for, render

router = APIRouter(include_in_schema=False)

WRITE = Permission.COMMENT  # as the cases API's writes
Writer = Annotated[Principal, Depends(require(WRITE))]
SHOWN = 200
EXPORT_ROWS = 50_000
RATE_DAYS = 30
NOTE_MAX = 5000
OUTCOMES = ("resolved", "cannot_resolve")
DONE = ("assigned", "noted", "contacted", "closed")


def _when(request: Request, user: Principal) -> Callable[[datetime | None], str]:
    """A point in time to the minute (``5. des. 2026, 14:05``): the SLA has no seconds."""
    fmt = formats_for(request, user)

    def when(value: datetime | None) -> str:
        if value is None:
            return fmt.day(None)
        return f"{fmt.day(value)}, {format_time(value, 'short', tzinfo=fmt.tz, locale=fmt.locale)}"

    return when


def _tx(user: Principal) -> dict[str, str]:
    return TEXTS[language_or_default(user.language)]


def _span(delta: timedelta, tx: dict[str, str]) -> str:
    """A duration as "3 d 4 t" / "5 t" / "20 min" (whole units, never negative)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    if days:
        return tx["days_hours"].format(d=days, h=rest // 60)
    if rest >= 60:
        return tx["hours"].format(h=rest // 60)
    return tx["minutes"].format(m=rest)


def _filter(request: Request) -> tuple[service.CaseFilter, dict[str, str]]:
    """The inbox filter of the URL; unknown values fall back to the defaults."""
    query = request.query_params
    params = {
        "status": query.get("status", "open"),
        "assignee": query.get("assignee", "anyone"),
        "overdue": "1" if query.get("overdue") in ("1", "on", "true") else "",
        "reason": query.get("reason", ""),
        "from": (query.get("from") or "").strip()[:10],
        "to": (query.get("to") or "").strip()[:10],
    }
    if params["status"] not in service.STATUS_GROUPS:
        params["status"] = "open"
    if params["assignee"] not in service.ASSIGNEES:
        params["assignee"] = "anyone"
    if params["reason"] not in service.REASONS:
        params["reason"] = ""
    where = service.CaseFilter(
        params["status"], params["assignee"], bool(params["overdue"]), params["reason"]
    )
    return where, params


def _url(params: dict[str, str], **changes: str) -> str:
    """The inbox URL with ``params`` changed by ``changes`` (defaults left out)."""
    defaults = {"status": "open", "assignee": "anyone"}
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v and defaults.get(k) != v}
    return "/cases" + (f"?{urlencode(kept)}" if kept else "")


def _period(request: Request, today: date, tx: dict[str, str]) -> tuple[date, date, list[str]]:
    """The rates' period of the URL (``from``/``to``); the last 30 days by default."""
    errors: list[str] = []
    days = []
    for name, default in (("from", today - timedelta(days=RATE_DAYS - 1)), ("to", today)):
        text = (request.query_params.get(name) or "").strip()
        try:
            days.append(date.fromisoformat(text) if text else default)
        except ValueError:
            errors.append(tx["bad_date"].format(field=tx[f"period_{name}"]))
            days.append(default)
    return min(days), max(days), errors


def _names(session: Session) -> dict[str, str]:
    """Each user's email to their display name (assignees and note authors are emails)."""
    return {u.email: u.display_name or u.email for u in accounts.list_users(session)}


def _row(case: Case, now: datetime, tx: dict[str, str]) -> dict[str, Any]:
    comment = service.masked_comment(case)
    overdue = service.is_overdue(case, now)
    return {
        "case": case,
        "customer": case.context.get("customer_name"),
        "comment": comment.strip().splitlines()[0] if comment and comment.strip() else None,
        "overdue": overdue,
        "due_text": tx["late_by"].format(late=_span(now - case.due_at, tx))
        if overdue
        else (tx["due_in"].format(left=_span(case.due_at - now, tx)) if case.status == "new"
              else ""),
        "age": _span(now - case.event_at, tx),
        "age_hours": round((now - case.event_at).total_seconds() / 3600, 1),
    }  # fmt: skip


def _reason(case: Case, tx: dict[str, str]) -> str:
    """``NPS 3`` / ``CSAT 1`` / ``Klage: levering`` in the reader's language."""
    if case.kind == "complaint":
        return f"{tx['reason_complaint']}: {case.reason.removeprefix('complaint: ')}"
    return case.reason


def _download(rows: list[dict[str, Any]], tx: dict[str, str], lang: str, fmt: str) -> Response:
    """The filtered inbox as CSV or Excel; the whole comment, masked as on the page."""
    keys = ("export_id", "export_status", "export_kind", "export_customer_id",
            "export_customer", "score", "reason", "comment", "assignee", "export_event",
            "export_due", "export_overdue", "export_age_hours")  # fmt: skip
    table = [
        [r["case"].id, tx[f"state_{r['case'].status}"], tx[f"kind_{r['case'].kind}"],
         r["case"].customer_id, r["customer"],
         r["case"].score, _reason(r["case"], tx), service.masked_comment(r["case"]),
         r["case"].assignee,
         r["case"].event_at.astimezone(UTC).replace(tzinfo=None),
         r["case"].due_at.astimezone(UTC).replace(tzinfo=None), r["overdue"], r["age_hours"]]
        for r in rows
    ]  # fmt: skip
    return table_response(table, [tx[k] for k in keys], fmt, "oppfolging", lang)


@router.get("/cases", response_class=HTMLResponse)
def inbox(
    request: Request, user: ViewerUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """The follow-up inbox: cases by due time with the URL's filters, counts and rates."""
    lang, tx = language_or_default(user.language), _tx(user)
    export = check_format(request.query_params.get("format"))
    if export and not user.can(Permission.EXPORT):
        raise Forbidden(f"your role may not do this ({Permission.EXPORT.value})")
    now = datetime.now(UTC)
    where, params = _filter(request)
    limit = EXPORT_ROWS if export else SHOWN
    cases, total = service.find_cases(session, where, me=user.email, now=now, limit=limit)
    rows = [_row(c, now, tx) for c in cases]
    if export:
        return _download(rows, tx, lang, export)
    start, end, errors = _period(request, now.astimezone(settings.tz).date(), tx)
    rates = service.loop_rates(session, start, end, settings.tz)
    return render(request, "cases/inbox.html", user, TEXTS, active="cases",
                  rows=rows, total=total, params=params, counts=service.status_counts(session, now),
                  rates=rates, start=start, end=end, errors=errors, names=_names(session),
                  can_export=user.can(Permission.EXPORT), when=_when(request, user),
                  url=lambda **changes: _url(params, **changes))  # fmt: skip


def _workers(session: Session) -> list[tuple[str, str]]:
    """The users a case can be given to: active, and allowed to work cases."""
    return [
        (u.email, u.display_name or u.email)
        for u in accounts.list_users(session)
        if u.active and accounts.principal(u).can(WRITE)
    ]


def _case_page(
    request: Request,
    user: Principal,
    session: Session,
    case_id: int,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    case = service.get_case(session, case_id)
    now = datetime.now(UTC)
    answer = service.answer(session, case)
    context.setdefault("errors", {})
    context.setdefault("form", {})
    fmt = formats_for(request, user)
    previous = [
        {**a, "day": fmt.day(datetime.fromisoformat(a["at"]))}
        for a in case.context.get("previous_answers", [])
    ]
    return render(request, "cases/case.html", user, TEXTS, active="cases", status=status,
                  case=case, row=_row(case, now, _tx(user)), answer=answer,
                  comment=service.masked_comment(case, answer),
                  timeline=service.timeline(session, case_id), names=_names(session),
                  workers=_workers(session), closed=case.status in service.CLOSED,
                  can_write=user.can(WRITE), when=_when(request, user), previous=previous,
                  **context)  # fmt: skip


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request, case_id: int, user: ViewerUser, session: SessionDep, done: str = ""
) -> HTMLResponse:
    """One case: the answer, the customer's context, the history and (for workers) actions."""
    return _case_page(request, user, session, case_id, done=done if done in DONE else "")


def _done(case_id: int, what: str) -> RedirectResponse:
    return RedirectResponse(f"/cases/{case_id}?done={what}#work", 303)


@router.post("/cases/{case_id}/assign", response_model=None)
def assign(
    request: Request,
    case_id: int,
    user: Writer,
    session: SessionDep,
    assignee: Annotated[str, Form(max_length=320)] = "",
) -> HTMLResponse | RedirectResponse:
    """Give the case to a user ("me" is the signed-in user)."""
    service.get_case(session, case_id)
    chosen = user.email if assignee == "me" else assignee.strip()
    if chosen not in dict(_workers(session)):
        errors = {"assignee": _tx(user)["err_assignee"]}
        return _case_page(request, user, session, case_id, 422, errors=errors,
                          form={"assignee": assignee})  # fmt: skip
    service.assign(session, case_id, chosen)
    audit.record(session, user, "case.assign", object_type="case", object_id=case_id,
                 details={"assignee": chosen})  # fmt: skip
    return _done(case_id, "assigned")


@router.post("/cases/{case_id}/notes", response_model=None)
def add_note(
    request: Request,
    case_id: int,
    user: Writer,
    session: SessionDep,
    text: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Add a note written by the signed-in user."""
    service.get_case(session, case_id)
    tx = _tx(user)
    problem = (
        tx["err_note"] if not text.strip()
        else tx["err_note_long"].format(most=NOTE_MAX) if len(text) > NOTE_MAX else None
    )  # fmt: skip
    if problem:
        return _case_page(request, user, session, case_id, 422, errors={"text": problem},
                          form={"text": text})  # fmt: skip
    service.add_note(session, case_id, text.strip(), author=user.email)
    audit.record(session, user, "case.note", object_type="case", object_id=case_id)
    return _done(case_id, "noted")


@router.post("/cases/{case_id}/contacted", response_model=None)
def contacted(
    request: Request, case_id: int, user: Writer, session: SessionDep
) -> HTMLResponse | RedirectResponse:
    """Record that the customer was reached now."""
    try:
        service.mark_contacted(session, case_id)
    except UsageError:
        errors = {"contacted": _tx(user)["err_closed"]}
        return _case_page(request, user, session, case_id, 422, errors=errors)
    audit.record(session, user, "case.contacted", object_type="case", object_id=case_id)
    return _done(case_id, "contacted")


@router.post("/cases/{case_id}/close", response_model=None)
def close(
    request: Request,
    case_id: int,
    user: Writer,
    session: SessionDep,
    outcome: Annotated[str, Form(max_length=50)] = "",
    summary: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Close the case as resolved or as cannot_resolve, with what came of it."""
    case, tx = service.get_case(session, case_id), _tx(user)
    errors: dict[str, str] = {}
    if case.status in service.CLOSED:
        errors["outcome"] = tx["err_closed"]
    elif outcome not in OUTCOMES:
        errors["outcome"] = tx["err_outcome"]
    if len(summary) > NOTE_MAX:
        errors["summary"] = tx["err_summary_long"].format(most=NOTE_MAX)
    if errors:
        return _case_page(request, user, session, case_id, 422, errors=errors,
                          form={"outcome": outcome, "summary": summary})  # fmt: skip
    service.close(session, case_id, summary.strip() or None, resolved=outcome == "resolved")
    audit.record(session, user, "case.close", object_type="case", object_id=case_id,
                 details={"outcome": outcome})  # fmt: skip
    return _done(case_id, "closed")
