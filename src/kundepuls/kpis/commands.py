"""``kundepuls kpi``: list, show and compare KPIs, and set targets."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kundepuls.config import get_settings

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(help="Compute KPIs with their n and 95 % intervals.", no_args_is_help=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


By = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        help="Break down by DIM (repeatable): a column such as region or channel, weekday, "
        "weekend, hour, an imported attribute, or for survey KPIs the comment's sentiment or "
        "theme (a comment about two themes counts in both).",
    ),
]
Where = Annotated[
    list[str] | None, typer.Option("--where", help="Keep rows with DIM=VALUE (repeatable).")
]
From = Annotated[str | None, typer.Option("--from", help="First day (local date), YYYY-MM-DD.")]
To = Annotated[str | None, typer.Option("--to", help="Last day, inclusive, YYYY-MM-DD.")]
FormatOpt = Annotated[Format, typer.Option("--format", help="table, json or csv.")]


def _emit(frame: pd.DataFrame, fmt: Format, title: str) -> None:
    from rich.console import Console

    from kundepuls.kpis.output import records, table

    if fmt is Format.json:
        typer.echo(json.dumps(records(frame), ensure_ascii=False, indent=1))
    elif fmt is Format.csv:
        frame.to_csv(sys.stdout, index=False)
    else:
        Console(soft_wrap=True).print(table(frame, title))


@app.command("list")
def list_command(
    fmt: FormatOpt = Format.table,
) -> None:
    """List every KPI: key, label, unit, which direction is better, target."""
    import pandas as pd

    from kundepuls.kpis.notebook import store_session
    from kundepuls.kpis.service import list_kpis

    settings = get_settings()
    with store_session(settings) as session:
        rows = pd.DataFrame(list_kpis(session, settings))
    columns = ["key", "label_en", "label_nb", "unit", "higher_is_better", "interval", "target"]
    _emit(rows if fmt is not Format.table else rows[columns], fmt, "KPIs")


@app.command("show")
def show_command(
    key: Annotated[str, typer.Argument(help="The KPI, e.g. nps (see `kundepuls kpi list`).")],
    by: By = None,
    grain: Annotated[
        str | None, typer.Option(help="day, week (ISO), month, quarter or year.")
    ] = None,
    start: From = None,
    end: To = None,
    where: Where = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show one KPI with n, 95 % interval and low-sample flag per group and period."""
    from kundepuls.kpis.notebook import show

    frame = show(key, by or [], grain, start, end, where or [])
    _emit(frame, fmt, key)


@app.command("compare")
def compare_command(
    key: Annotated[str, typer.Argument(help="The KPI, e.g. csat.")],
    by: By = None,
    start: From = None,
    end: To = None,
    where: Where = None,
    against: Annotated[
        str | None,
        typer.Option(help="previous (period over period) or rest (each --by segment vs rest)."),
    ] = None,
    previous: Annotated[
        str | None, typer.Option(help="Baseline span FROM..TO (default: same length before).")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Compare periods, or each segment with the rest: difference, interval, p and q."""
    from kundepuls.kpis.notebook import compare
    from kundepuls.kpis.service import parse_span

    frame = compare(key, by or [], start, end, where or [], against, parse_span(previous))
    _emit(frame, fmt, f"{key}: difference")


@app.command("target")
def target_command(
    key: Annotated[str, typer.Argument(help="The KPI.")],
    value: Annotated[float, typer.Argument(help="The target value.")],
    where: Where = None,
) -> None:
    """Set a KPI's target, for all rows or for one segment (--where DIM=VALUE)."""
    from kundepuls.db import engine_for, session_scope
    from kundepuls.kpis.service import set_target

    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        result = set_target(session, settings, key, value, where or [])
    typer.echo(f"target of {key} set to {result['value']:g}")
