"""``kundepuls demo``: build a fresh demo store and serve it."""

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from kundepuls.demo.service import DemoBuild

from kundepuls.demo.planted import DEFAULT_CUSTOMERS, DEFAULT_SEED
from kundepuls.kit.errors import UsageError

DEMO_FILE = "kundepuls-demo.db"
KIND_LABELS = {
    "customers": "customers",
    "orders": "orders (incl. refunds)",
    "tickets": "support tickets",
    "complaints": "complaints",
    "responses": "survey responses",
}


def _fresh_sqlite_file(path: Path) -> str:
    """Remove the demo's own store file (and its WAL files) and return its URL."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _reference_day(today: str | None, tz_name: str) -> date:
    if today is None:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo(tz_name)).date()
    try:
        return date.fromisoformat(today)
    except ValueError:
        raise UsageError(f"--today: {today!r} is not a date (YYYY-MM-DD)") from None


def demo(
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the demo store when it is built.")
    ] = True,
    seed: Annotated[int, typer.Option(help="Seed of the random data; same seed, same data.")] = (
        DEFAULT_SEED
    ),
    customers: Annotated[int, typer.Option(help="Number of customers.", min=10)] = (
        DEFAULT_CUSTOMERS
    ),
    today: Annotated[
        str | None, typer.Option(help="Reference day (YYYY-MM-DD): data ends the day before.")
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(help=f"Build into this (empty) store instead of a fresh ./{DEMO_FILE}."),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Build a realistic Norwegian demo data set into a fresh store and serve it."""
    from kundepuls.config import get_settings

    settings = get_settings()
    day = _reference_day(today, settings.timezone)
    url = database_url or _fresh_sqlite_file(Path.cwd() / DEMO_FILE)
    build, login, elapsed = _build(url, seed=seed, today=day, customers=customers)
    _report(build, elapsed, url, f"http://{host}:{port}/", login)
    if serve:
        import uvicorn

        _do_the_workers_jobs(url, day, settings.tz, login[0])

        from kundepuls.app import create_app

        app = create_app(settings.model_copy(update={"database_url": url}))
        uvicorn.run(app, host=host, port=port)


def _do_the_workers_jobs(url: str, day: date, tz: "ZoneInfo", owner: str) -> None:
    """What the job worker would have done by now; the demo serves without it.

    Comments get their language, sentiment and themes; customers their predicted value,
    churn risk and segment; recent unhappy answers and complaints their follow-up cases.
    """
    from kundepuls.cases.demo import open_demo_cases
    from kundepuls.predict.tasks import refresh_predictions
    from kundepuls.text.tasks import analyze_new_comments

    typer.echo("Analysing the comments (language, sentiment, themes)…")
    typer.echo(f"{analyze_new_comments(url)} comments analysed.")
    typer.echo("Predicting customer value and churn risk…")
    typer.echo(f"Predictions: {refresh_predictions(url)}.")
    typer.echo("Opening follow-up cases for the recent detractors and complaints…")
    typer.echo(f"{open_demo_cases(url, day, tz, owner)} cases opened.")


def _build(
    url: str, *, seed: int, today: date, customers: int
) -> "tuple[DemoBuild, tuple[str, str], float]":
    """Migrate the store at ``url``, build the demo into it (showing progress) and a login."""
    import time

    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from kundepuls.accounts.service import ensure_demo_user
    from kundepuls.db import make_engine, migrate, session_scope
    from kundepuls.demo.service import build_demo

    started = time.perf_counter()
    migrate(url)
    engine = make_engine(url)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    try:
        with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("building the demo store", total=None)

            def step(label: str) -> None:
                progress.update(task, description=label)

            with session_scope(engine) as session:
                build = build_demo(session, seed=seed, today=today, customers=customers, step=step)
                login = ensure_demo_user(session)
    finally:
        engine.dispose()
    return build, login, time.perf_counter() - started


def _report(
    build: "DemoBuild", elapsed: float, url: str, address: str, login: tuple[str, str]
) -> None:
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=True)
    last = build.planted.end - timedelta(days=1)
    out.print(
        f"Built the demo store in {elapsed:.1f} s"
        f" (seed {build.seed}; data from {build.planted.start} to {last}):"
    )
    for kind, n in build.counts.items():
        out.print(f"  {n:>7,}  {KIND_LABELS[kind]}".replace(",", " "))
    out.print(f"Store: {_redact(url)}")
    out.print(f"Open {address} and sign in as {login[0]} with the password {login[1]}")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
