"""``kundepuls benchmark``: competitor and industry values, and our KPI against them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kundepuls.config import get_settings

app = typer.Typer(help="Competitor and industry benchmarks per KPI.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("add")
def add_command(
    kpi: Annotated[str, typer.Argument(help="The KPI, e.g. nps.")],
    value: Annotated[float, typer.Argument(help="The benchmark's value.")],
    source: Annotated[str, typer.Option(help="Who measured it, e.g. 'Norsk Kundebarometer'.")],
    start: Annotated[str, typer.Option("--from", help="First day of its period, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day of its period (inclusive).")],
    kind: Annotated[str, typer.Option(help="industry or competitor.")] = "industry",
    low: Annotated[float | None, typer.Option(help="Lower end of its 95 % interval.")] = None,
    high: Annotated[float | None, typer.Option(help="Upper end of its 95 % interval.")] = None,
    n: Annotated[int | None, typer.Option(help="Its sample size, when known.")] = None,
    note: Annotated[str | None, typer.Option(help="A note.")] = None,
) -> None:
    """Add (or update) a benchmark value for a KPI and period."""
    from pydantic import ValidationError

    from kundepuls.benchmarks import service
    from kundepuls.benchmarks.schemas import BenchmarkCreate
    from kundepuls.db import engine_for, session_scope
    from kundepuls.kit.errors import UsageError

    fields = {"kpi": kpi, "source": source, "kind": kind, "period_start": start,
              "period_end": end, "value": value, "ci_low": low, "ci_high": high, "n": n,
              "note": note}  # fmt: skip
    try:
        data = BenchmarkCreate.model_validate(fields)
    except ValidationError as error:
        raise UsageError(service.problem(error)) from None
    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        found, new = service.add(session, settings, data)
        found_id = found.id
    typer.echo(f"benchmark {found_id} {'added' if new else 'updated'}")


@app.command("list")
def list_command(
    kpi: Annotated[str | None, typer.Option(help="Only this KPI.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the benchmarks."""
    from kundepuls.benchmarks import service
    from kundepuls.benchmarks.schemas import BenchmarkOut
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        rows = [BenchmarkOut.model_validate(b) for b in service.listed(session, kpi)]
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False))
        return
    for b in rows:
        extra = (
            f" [{b.ci_low:g}, {b.ci_high:g}]"
            if b.ci_low is not None and b.ci_high is not None
            else ""
        )
        extra += f" n={b.n}" if b.n else ""
        typer.echo(f"{b.id:>4}  {b.kpi:<12} {b.kind:<10} {b.source:<24} "
                   f"{b.period_start}..{b.period_end}  {b.value:g}{extra}")  # fmt: skip


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file, one benchmark a row.")],
) -> None:
    """Import benchmarks from a file (columns kpi, source, kind, period_start, period_end,
    value, and optionally ci_low, ci_high, n, note). Exits 2 when rows were rejected."""
    from kundepuls.benchmarks import service
    from kundepuls.db import engine_for, session_scope

    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        result = service.import_file(session, settings, file)
    typer.echo(f"{result.inserted} inserted, {result.updated} updated, "
               f"{len(result.errors)} rejected")  # fmt: skip
    for error in result.errors:
        typer.echo(error, err=True)
    if result.errors:
        raise typer.Exit(2)


@app.command("remove")
def remove_command(
    benchmark_id: Annotated[int, typer.Argument(help="The benchmark's id.")],
) -> None:
    """Remove a benchmark."""
    from kundepuls.benchmarks import service
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        service.remove(session, benchmark_id)
    typer.echo(f"benchmark {benchmark_id} removed")


@app.command("compare")
def compare_command(
    benchmark_id: Annotated[int | None, typer.Argument(help="Only this benchmark.")] = None,
    kpi: Annotated[str | None, typer.Option(help="Only this KPI's benchmarks.")] = None,
    where: Annotated[
        list[str] | None, typer.Option("--where", help="Our segment DIM=VALUE (repeatable).")
    ] = None,
    lang: Annotated[str, typer.Option(help="nb or en.")] = "nb",
    as_json: JsonOpt = False,
) -> None:
    """Our KPI in each benchmark's period against it: difference, interval, p, in words."""
    from kundepuls.benchmarks import service
    from kundepuls.db import engine_for, session_scope

    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        found = service.compare(session, settings, kpi, benchmark_id, where or [], lang)
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in found], ensure_ascii=False))
        return
    if not found:
        typer.echo(
            "Ingen benchmarks å sammenligne med."
            if lang != "en"
            else "No benchmarks to compare with."
        )
    for comparison in found:
        typer.echo(comparison.text)
