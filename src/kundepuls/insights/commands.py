"""``kundepuls insights`` and ``kundepuls drivers``: findings and key drivers, in nb or en."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from kundepuls.config import get_settings


class Format(StrEnum):
    table = "table"
    json = "json"


Lang = Annotated[str, typer.Option("--lang", help="nb (Bokmål, default) or en (English).")]
FormatOpt = Annotated[Format, typer.Option("--format", help="table (one line each) or json.")]


def _json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=1))


def insights_command(
    since: Annotated[
        str | None,
        typer.Option(help="First day of the window, YYYY-MM-DD (default: 26 weeks back)."),
    ] = None,
    lang: Lang = "nb",
    fmt: FormatOpt = Format.table,
    grain: Annotated[str, typer.Option(help="week (default) or day.")] = "week",
    kpi: Annotated[
        list[str] | None, typer.Option("--kpi", help="Scan only this KPI (repeatable).")
    ] = None,
    by: Annotated[
        list[str] | None, typer.Option("--by", help="Scan the segments of DIM (repeatable).")
    ] = None,
) -> None:
    """Ranked findings: anomalies, level shifts, trends and weekend gaps, with evidence."""
    from kundepuls.db import engine_for, session_scope
    from kundepuls.insights import service

    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        rows = service.insights(
            session, settings, since=since, lang=lang, grain=grain, kpis=kpi or None,
            by=by or None,
        )  # fmt: skip
    if fmt is Format.json:
        _json(rows)
        return
    if not rows:
        typer.echo("Ingen funn." if lang == "nb" else "No findings.")
    for row in rows:
        typer.echo(f"{row['rank']:>3}. {row['text']}")


def drivers_command(
    outcome: Annotated[str, typer.Option(help="nps (default), csat or ces.")] = "nps",
    lang: Lang = "nb",
    fmt: FormatOpt = Format.table,
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, inclusive.")] = None,
) -> None:
    """Key drivers of NPS (or CSAT, CES) and the priority list: fix these first."""
    from kundepuls.db import engine_for, session_scope
    from kundepuls.insights import service

    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        report = service.key_drivers(
            session, settings, outcome=outcome, lang=lang, start=start, end=end
        )
    if fmt is Format.json:
        _json(report)
        return
    nb = lang == "nb"
    r2 = f"{100 * report['r2']:.1f}".replace(".", "," if nb else ".")
    head = (
        f"Hva driver {outcome.upper()} ({report['start']}–{report['end']}, "
        f"{report['customers']} kunder, R² = {r2} %):"
        if nb
        else f"What drives {outcome.upper()} ({report['start']}–{report['end']}, "
        f"{report['customers']} customers, R² = {r2}%):"
    )
    typer.echo(head)
    for i, row in enumerate(report["drivers"], start=1):
        typer.echo(f"{i:>3}. {row['text']}")
    typer.echo("Prioritet (viktighet × resultat):" if nb else "Priority (impact × performance):")
    for i, row in enumerate(report["priorities"], start=1):
        typer.echo(f"{i:>3}. {row['text']}")
