"""REST routes of follow-up cases."""

from dataclasses import asdict
from datetime import date

from fastapi import APIRouter
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from kundepuls.cases import service, tasks
from kundepuls.cases.schemas import CaseChange, CaseOut, NoteIn, NoteOut, RateOut, SyncOut
from kundepuls.deps import EngineDep, Permission, SessionDep, SettingsDep, api_guard

router = APIRouter(
    prefix="/api/v1/cases", tags=["cases"], dependencies=[api_guard(Permission.COMMENT)]
)


def _announce_after_commit(session: Session, engine: Engine) -> None:
    """Send the case events once the request's transaction has committed, never before:
    a rolled-back change announces nothing."""
    event.listen(session, "after_commit", lambda _s: tasks.deliver_case_events(engine), once=True)


@router.get("")
def list_cases(
    session: SessionDep, status: str | None = None, assignee: str | None = None
) -> list[CaseOut]:
    """Follow-up cases, earliest due first."""
    return [CaseOut.model_validate(c) for c in service.list_cases(session, status, assignee)]


@router.get("/overdue")
def overdue(session: SessionDep) -> list[CaseOut]:
    """New cases past their due time."""
    return [CaseOut.model_validate(c) for c in service.overdue_cases(session)]


@router.get("/rates")
def rates(session: SessionDep, settings: SettingsDep, start: date, end: date) -> list[RateOut]:
    """followup_rate and recovery_rate of the cases from ``start`` to ``end`` (inclusive)."""
    found = service.loop_rates(session, start, end, settings.tz)
    return [RateOut(kpi=key, **asdict(rate)) for key, rate in found.items()]


@router.post("/sync")
def sync(session: SessionDep, engine: EngineDep) -> SyncOut:
    """Open the missing cases for detractor answers and complaints."""
    _announce_after_commit(session, engine)
    return SyncOut(opened=len(service.open_cases(session)))


@router.get("/{case_id}")
def get_case(case_id: int, session: SessionDep) -> CaseOut:
    """One case with the customer's context."""
    return CaseOut.model_validate(service.get_case(session, case_id))


@router.patch("/{case_id}")
def change_case(
    case_id: int,
    change: CaseChange,
    session: SessionDep,
    engine: EngineDep,
) -> CaseOut:
    """Assign a case, record contact, or close it with an outcome."""
    _announce_after_commit(session, engine)
    if change.assignee:
        service.assign(session, case_id, change.assignee)
    if change.status == "contacted":
        service.mark_contacted(session, case_id)
    elif change.status:
        service.close(session, case_id, change.outcome, resolved=change.status == "resolved")
    return CaseOut.model_validate(service.get_case(session, case_id))


@router.get("/{case_id}/notes")
def list_notes(case_id: int, session: SessionDep) -> list[NoteOut]:
    """The case's notes, oldest first."""
    return [NoteOut.model_validate(n) for n in service.notes(session, case_id)]


@router.post("/{case_id}/notes", status_code=201)
def add_note(case_id: int, note: NoteIn, session: SessionDep) -> NoteOut:
    """Add a note to a case."""
    return NoteOut.model_validate(service.add_note(session, case_id, note.text, note.author))
