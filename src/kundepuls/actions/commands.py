"""``kundepuls action …``: record improvement actions and measure their effect."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from kundepuls.config import get_settings
from kundepuls.kit.errors import UsageError

if TYPE_CHECKING:
    from kundepuls.actions.schemas import ActionOut

app = typer.Typer(help="Improvement actions and their measured effect.", no_args_is_help=True)

Segment = Annotated[str | None, typer.Option(help="The action's segment, DIM=VALUE.")]
Compare = Annotated[str | None, typer.Option(help="Comparison segment, DIM=VALUE.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None


def _show(action: ActionOut) -> None:
    seg = f" [{action.segment}" + (f" vs {action.compare}]" if action.compare else "]")
    end = f"–{action.end_date}" if action.end_date else "–"
    typer.echo(
        f"{action.id:>4}  {action.status:<8} {action.start_date}{end}  {action.kpi}"
        f"{seg if action.segment else ''}  {action.title}"
        + (f" ({action.owner})" if action.owner else "")
    )


@app.command()
def add(
    title: Annotated[str, typer.Argument(help="What was done.")],
    kpi: Annotated[str, typer.Option(help="Target KPI key, e.g. first_response_hours.")],
    start: Annotated[str, typer.Option(help="Start date, YYYY-MM-DD.")],
    end: Annotated[str | None, typer.Option(help="End date, YYYY-MM-DD.")] = None,
    segment: Segment = None,
    compare: Compare = None,
    owner: Annotated[str | None, typer.Option(help="Who is responsible.")] = None,
    description: Annotated[str | None, typer.Option(help="Longer description.")] = None,
    expected: Annotated[float | None, typer.Option(help="Expected change, KPI units.")] = None,
    status: Annotated[str, typer.Option(help="planned, running, done or dropped.")] = "running",
    finding: Annotated[list[str] | None, typer.Option(help="Linked finding (repeatable).")] = None,
) -> None:
    """Record an improvement action."""
    from kundepuls.actions import service
    from kundepuls.actions.schemas import ActionCreate, ActionOut
    from kundepuls.db import engine_for, session_scope

    try:
        data = ActionCreate(
            title=title, kpi=kpi, start_date=_day(start, "--start"), end_date=_day(end, "--end"),
            segment=segment, compare=compare, owner=owner, description=description,
            expected_effect=expected, status=status, findings=finding or [],
        )  # fmt: skip
    except ValueError as error:
        raise UsageError(f"action: {error}") from None
    with session_scope(engine_for(get_settings().database_url)) as session:
        action = ActionOut.model_validate(service.add_action(session, data))
    _show(action)


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    as_json: AsJson = False,
) -> None:
    """List actions, newest start first."""
    from kundepuls.actions import service
    from kundepuls.actions.schemas import ActionOut
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        actions = [ActionOut.model_validate(a) for a in service.list_actions(session, status)]
    if as_json:
        typer.echo(json.dumps([a.model_dump(mode="json") for a in actions], indent=2))
    for action in [] if as_json else actions:
        _show(action)


@app.command()
def show(action_id: int, as_json: AsJson = False) -> None:
    """Show one action."""
    from kundepuls.actions import service
    from kundepuls.actions.schemas import ActionOut
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        action = ActionOut.model_validate(service.get_action(session, action_id))
    typer.echo(action.model_dump_json(indent=2) if as_json else "")
    if not as_json:
        _show(action)
        for name in ("description", "expected_effect", "findings"):
            if getattr(action, name):
                typer.echo(f"      {name}: {getattr(action, name)}")


@app.command()
def update(
    action_id: int,
    status: Annotated[str | None, typer.Option(help="planned, running, done or dropped.")] = None,
    end: Annotated[str | None, typer.Option(help="End date, YYYY-MM-DD.")] = None,
    owner: Annotated[str | None, typer.Option(help="Who is responsible.")] = None,
    expected: Annotated[float | None, typer.Option(help="Expected change, KPI units.")] = None,
    compare: Compare = None,
) -> None:
    """Change an action's status, end date, owner, expected effect or comparison."""
    from kundepuls.actions import service
    from kundepuls.actions.schemas import ActionOut, ActionUpdate
    from kundepuls.db import engine_for, session_scope

    given = {"status": status, "end_date": _day(end, "--end"), "owner": owner,
             "expected_effect": expected, "compare": compare}  # fmt: skip
    try:
        data = ActionUpdate(**{k: v for k, v in given.items() if v is not None})
    except ValueError as error:
        raise UsageError(f"action {action_id}: {error}") from None
    with session_scope(engine_for(get_settings().database_url)) as session:
        action = ActionOut.model_validate(service.update_action(session, action_id, data))
    _show(action)


@app.command()
def effect(
    action_id: int,
    compare: Compare = None,
    before_days: Annotated[int | None, typer.Option(help="Days before the start.")] = None,
    kpi: Annotated[str | None, typer.Option(help="Measure this KPI instead.")] = None,
    expected: Annotated[
        float | None, typer.Option(help="Expected change in that KPI's unit (for power).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Measure the action's effect (before/after, time series, diff-in-diff)."""
    from kundepuls.actions import service
    from kundepuls.db import engine_for, session_scope

    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        result = service.measure_effect(
            session,
            action_id,
            tz=settings.tz,
            compare=compare,
            before_days=before_days,
            kpi=kpi,
            expected=expected,
        )
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    typer.echo(f"{result.label}: {result.before_start} – {result.start} – {result.after_end}")
    for est in (
        result.before_after,
        result.interrupted_time_series,
        result.difference_in_differences,
    ):
        if est is not None:
            typer.echo(
                f"  {est.method:<26} {est.effect:+9.2f}  [{est.ci_low:+.2f}, {est.ci_high:+.2f}]"
                f"  p={est.p_value:.3g}  n={est.n_before}/{est.n_after}"
            )
    typer.echo(result.message)
