"""The ``kundepuls`` command. Subcommands parse options and call services, never SQL."""

from typing import Annotated

import typer
from rich.console import Console

from kundepuls.accounts.commands import token_app, user_app
from kundepuls.actions.commands import app as action_app
from kundepuls.alerts.commands import app as alerts_app
from kundepuls.benchmarks.commands import app as benchmark_app
from kundepuls.cases.commands import app as case_app
from kundepuls.config import get_settings
from kundepuls.demo.commands import demo
from kundepuls.ingest import commands as ingest_commands
from kundepuls.insights import commands as insights_commands
from kundepuls.jobs import jobs_app
from kundepuls.kit.errors import KundepulsError
from kundepuls.kpis import commands as kpi_commands
from kundepuls.predict.commands import app as predict_app
from kundepuls.quality.commands import quality_command
from kundepuls.reports.commands import app as report_app
from kundepuls.surveys.commands import survey_app
from kundepuls.text import commands as text_commands

app = typer.Typer(
    name="kundepuls",
    help="Customer-experience KPIs, surveys and insights — self-hosted.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)
app.add_typer(survey_app, name="survey")
app.add_typer(jobs_app, name="jobs")
app.add_typer(text_commands.app, name="text")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(predict_app, name="predict")
app.add_typer(kpi_commands.app, name="kpi")


@app.command()
def init() -> None:
    """Create the store at KUNDEPULS_DATABASE_URL, or migrate it to the newest schema."""
    from kundepuls.db import migrate

    url = get_settings().database_url
    migrate(url)
    typer.echo(f"Store ready: {_redact(url)}")


app.command("import", help=ingest_commands.HELP)(ingest_commands.import_command)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    worker: Annotated[
        bool | None,
        typer.Option(help="Run the job worker in this process (default: without a broker)."),
    ] = None,
) -> None:
    """Serve the web app and the REST API."""
    import uvicorn

    from kundepuls.app import create_app
    from kundepuls.db import migrate
    from kundepuls.jobs import BackgroundWorker

    settings = get_settings()
    migrate(settings.database_url)
    background = (
        BackgroundWorker() if worker or (worker is None and not settings.broker_url) else None
    )
    if background:
        background.start()
    try:
        uvicorn.run(create_app(), host=host, port=port)
    finally:
        if background:
            background.stop()


app.command()(demo)
app.add_typer(action_app, name="action")
app.add_typer(case_app, name="case")
app.add_typer(alerts_app, name="alerts")
app.add_typer(benchmark_app, name="benchmark")
app.command("quality")(quality_command)
app.command("insights")(insights_commands.insights_command)
app.command("drivers")(insights_commands.drivers_command)
app.add_typer(report_app, name="report")


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point: user errors become one clear line and an exit code, never a traceback."""
    try:
        result = app(standalone_mode=False)
    except typer.TyperException as error:  # usage errors of the command line itself
        show = getattr(error, "show", None)
        if show is not None:
            show()
        else:
            err.print(str(error))
        raise SystemExit(getattr(error, "exit_code", 2)) from None
    except KundepulsError as error:
        err.print(f"[bold red]error:[/] {error}", highlight=False)
        raise SystemExit(error.exit_code) from None
    except typer.Abort:
        err.print("aborted")
        raise SystemExit(1) from None
    # A command that ends with typer.Exit(code) returns the code here.
    raise SystemExit(result if isinstance(result, int) else 0)
