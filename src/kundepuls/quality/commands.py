"""``kundepuls quality``: the data-quality report."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer


class Format(StrEnum):
    table = "table"
    json = "json"


MARK = {"critical": "!!", "warning": "! ", "info": "i "}


def quality_command(
    lang: Annotated[str, typer.Option(help="nb or en.")] = "nb",
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Data-quality warnings: gaps, falling response rate, low samples, duplicates,
    straight-lining, impossible times and missing fields."""
    from rich.console import Console
    from rich.table import Table

    from kundepuls.config import get_settings
    from kundepuls.db import engine_for, session_scope
    from kundepuls.quality import service
    from kundepuls.quality.schemas import FindingOut

    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        found = [FindingOut.of(f, lang) for f in service.report(session, settings)]
    if fmt is Format.json:
        typer.echo(json.dumps([f.model_dump() for f in found], ensure_ascii=False, indent=1))
        return
    if not found:
        typer.echo("Ingen funn." if lang != "en" else "No findings.")
        return
    table = Table(title="Datakvalitet" if lang != "en" else "Data quality", show_lines=True)
    for column in ("", "check", "KPI", "segment", "message"):
        table.add_column(column, overflow="fold")
    for f in found:
        segment = ", ".join(f"{k}={v}" for k, v in f.segment.items())
        table.add_row(MARK[f.severity], f.check, ", ".join(f.kpis), segment, f.message)
    Console(soft_wrap=True).print(table)
