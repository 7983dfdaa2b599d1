"""``kundepuls case …``: the follow-up inbox on the command line."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from kundepuls.config import get_settings
from kundepuls.kit.errors import UsageError

if TYPE_CHECKING:
    from kundepuls.cases.schemas import CaseOut

app = typer.Typer(help="Follow-up cases for detractors and complaints.", no_args_is_help=True)


def _line(case: CaseOut) -> str:
    due = case.due_at.strftime("%Y-%m-%d %H:%M")
    return (
        f"{case.id:>5}  {case.status:<14} due {due} UTC  {case.assignee or '-':<14} "
        f"{case.reason}  {case.customer_id or ''}"
    )


@app.command("list")
def list_(
    status: Annotated[
        str | None, typer.Option(help="new, contacted, resolved, cannot_resolve.")
    ] = None,
    assignee: Annotated[str | None, typer.Option(help="Only this person's cases.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue cases.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List cases, earliest due first."""
    from kundepuls.cases import service
    from kundepuls.cases.schemas import CaseOut
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        rows = (
            service.overdue_cases(session)
            if overdue
            else service.list_cases(session, status, assignee)
        )
        cases = [CaseOut.model_validate(c) for c in rows]
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in cases], indent=2))
        return
    for case in cases:
        typer.echo(_line(case))


@app.command()
def assign(case_id: int, assignee: str) -> None:
    """Give a case to a person."""
    from kundepuls.cases import service
    from kundepuls.cases.schemas import CaseOut
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        case = CaseOut.model_validate(service.assign(session, case_id, assignee))
    typer.echo(_line(case))


@app.command()
def contacted(case_id: int) -> None:
    """Record that the customer was reached."""
    from kundepuls.cases import service
    from kundepuls.cases.schemas import CaseOut
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        case = CaseOut.model_validate(service.mark_contacted(session, case_id))
    service_deliver()
    typer.echo(_line(case))


@app.command()
def close(
    case_id: int,
    outcome: Annotated[str | None, typer.Option(help="What came of it.")] = None,
    unresolved: Annotated[
        bool, typer.Option("--unresolved", help="Close as cannot_resolve.")
    ] = False,
) -> None:
    """Close a case as resolved (or --unresolved) with its outcome."""
    from kundepuls.cases import service
    from kundepuls.cases.schemas import CaseOut
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        case = CaseOut.model_validate(
            service.close(session, case_id, outcome, resolved=not unresolved)
        )
    service_deliver()
    typer.echo(_line(case))


@app.command()
def note(
    case_id: int,
    text: str,
    author: Annotated[str | None, typer.Option(help="Who writes.")] = None,
) -> None:
    """Add a note to a case."""
    from kundepuls.cases import service
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        service.add_note(session, case_id, text, author)
    typer.echo(f"note added to case {case_id}")


@app.command()
def rates(
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day (inclusive), YYYY-MM-DD.")],
) -> None:
    """followup_rate (contacted within SLA) and recovery_rate, with 95 % intervals."""
    from kundepuls.cases import service
    from kundepuls.db import engine_for, session_scope

    settings = get_settings()
    days = [_day(start, "--from"), _day(end, "--to")]
    with session_scope(engine_for(settings.database_url)) as session:
        found = service.loop_rates(session, days[0], days[1], settings.tz)
    for key, rate in found.items():
        if rate.value is None or rate.ci_low is None or rate.ci_high is None:
            typer.echo(f"{key:<14} no cases in this period")
            continue
        typer.echo(
            f"{key:<14} {rate.value:6.1f} %  [{rate.ci_low:.1f}, {rate.ci_high:.1f}]  "
            f"{rate.hits}/{rate.n}"
        )


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None


@app.command()
def sync() -> None:
    """Open the missing cases, announce case events and alert on overdue cases."""
    from kundepuls.cases import tasks

    opened = tasks.open_cases()
    alerted = tasks.alert_overdue_cases()
    typer.echo(f"{opened} case(s) opened" + ("; overdue alert sent" if alerted else ""))


def service_deliver() -> None:
    """Announce the events just committed."""
    from kundepuls.cases import tasks

    tasks.deliver_case_events()
