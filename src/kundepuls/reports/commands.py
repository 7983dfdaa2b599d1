"""``kundepuls report``: the PDF report of a period and the weekly summary email."""

from pathlib import Path
from typing import Annotated

import typer

from kundepuls.kit.errors import UsageError

app = typer.Typer(help="Reports: the PDF report of a period and the weekly summary email.")

LangOption = Annotated[str, typer.Option("--lang", help="Language: nb (Bokmål) or en.")]


def _lang(value: str) -> str:
    if value not in ("nb", "en"):
        raise UsageError(f"--lang {value!r}: use nb or en")
    return value


@app.command("pdf")
def pdf_command(
    period: Annotated[str, typer.Option(help="2026 (year), 2026-Q3, 2026-09 or 2026-W36.")],
    out: Annotated[Path, typer.Option(help="Where to write the PDF.")] = Path("report.pdf"),
    lang: LangOption = "nb",
    kpi: Annotated[
        list[str] | None, typer.Option(help="A KPI to show (repeat; default: the usual ten).")
    ] = None,
    html: Annotated[bool, typer.Option(help="Write the HTML instead of the PDF.")] = False,
) -> None:
    """Write the two-page report of a period as PDF (or HTML)."""
    from kundepuls.config import get_settings
    from kundepuls.db import engine_for, session_scope
    from kundepuls.reports import service
    from kundepuls.reports.periods import parse_period

    chosen = parse_period(period)  # a bad period fails before any work
    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        report = service.build_report(session, settings, chosen, _lang(lang), kpi or None)
    try:
        if html:
            out.write_text(service.report_html(report), encoding="utf-8")
            typer.echo(f"Wrote {out} (HTML)")
            return
        data, pages = service.report_pdf(report)
        out.write_bytes(data)
    except OSError as error:
        raise UsageError(f"--out {out}: {error.strerror}") from None
    typer.echo(f"Wrote {out} ({pages} pages, {len(data) // 1024} KiB)")


@app.command("weekly")
def weekly_command(
    send: Annotated[bool, typer.Option(help="Send it (once per user); default: preview.")] = False,
    week: Annotated[
        str | None, typer.Option(help="ISO week, e.g. 2026-W48 (default: due).")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Preview language: nb or en.")] = None,
) -> None:
    """Preview the weekly summary email, or send it to everyone who wants it."""
    from kundepuls.config import get_settings
    from kundepuls.db import engine_for, session_scope
    from kundepuls.reports import weekly

    settings = get_settings()
    chosen = weekly.choose_week(settings, week)
    engine = engine_for(settings.database_url)
    if send:
        typer.echo(str(weekly.send_weekly(engine, settings, chosen)))
        return
    with session_scope(engine) as session:
        message = weekly.preview(session, settings, chosen, _lang(lang) if lang else None)
        names = [u.email for u in weekly.recipients(session)]
    typer.echo(f"To: {', '.join(names) or '(nobody wants the weekly summary yet)'}")
    typer.echo(f"Subject: {message.subject}\n")
    typer.echo(message.text)


@app.command("subscribe")
def subscribe_command(
    email: Annotated[str, typer.Argument(help="The user's email address.")],
    weekly_summary: Annotated[
        bool, typer.Option("--weekly/--no-weekly", help="Get the weekly summary email or not.")
    ] = True,
) -> None:
    """Turn a user's weekly summary email on or off."""
    from kundepuls.config import get_settings
    from kundepuls.db import engine_for, session_scope
    from kundepuls.reports import weekly

    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        user = weekly.subscribe(session, email, weekly_summary)
        state = "on" if weekly_summary else "off"
        typer.echo(f"Weekly summary {state} for {user.email}")
