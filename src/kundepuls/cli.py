"""The ``kundepuls`` command. Subcommands parse options and call services, never SQL."""

from typing import Annotated

import typer
from rich.console import Console

from kundepuls.config import get_settings
from kundepuls.db import migrate
from kundepuls.kit.errors import KundepulsError
from kundepuls.kpis import commands as kpi_commands

app = typer.Typer(
    name="kundepuls",
    help="Customer-experience KPIs, surveys and insights — self-hosted.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)
app.add_typer(kpi_commands.app, name="kpi")


@app.command()
def init() -> None:
    """Create the store at KUNDEPULS_DATABASE_URL, or migrate it to the newest schema."""
    url = get_settings().database_url
    migrate(url)
    typer.echo(f"Store ready: {_redact(url)}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web app and the REST API."""
    import uvicorn

    from kundepuls.app import create_app

    migrate(get_settings().database_url)
    uvicorn.run(create_app(), host=host, port=port)


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
