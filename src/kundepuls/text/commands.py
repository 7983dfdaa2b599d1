"""``kundepuls text …``: analyse comments from a file or stdin, and the stored responses."""

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from kundepuls.kit.errors import KundepulsError, UsageError

app = typer.Typer(help="Comment analytics: language, sentiment, themes, masked personal data.")


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.buffer.read().decode("utf-8", errors="replace")
    path = Path(source)
    try:
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as error:
        raise KundepulsError(f"{source}: cannot read ({error.strerror})") from None


def _comments(source: str, text: str) -> list[str]:
    """One comment per line, or the ``comment`` column of a CSV file."""
    if source.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or "comment" not in reader.fieldnames:
            raise UsageError(f"{source}: a CSV file needs a column named 'comment'")
        try:
            return [row.get("comment") or "" for row in reader]
        except csv.Error as error:
            raise UsageError(f"{source}, line {reader.line_num}: not valid CSV ({error})") from None
    return text.splitlines()


@app.command("analyze")
def analyze_command(
    source: Annotated[
        str,
        typer.Argument(
            help="File with one comment per line, a CSV file "
            "with a 'comment' column, or - for stdin."
        ),
    ] = "-",
    language: Annotated[
        str | None, typer.Option(help="The customers' known language (nb, nn, en).")
    ] = None,
) -> None:
    """Print one JSON line per comment: language, sentiment, score, themes, masked."""
    from kundepuls.text.service import analyze

    for comment in _comments(source, _read(source)):
        typer.echo(json.dumps(analyze(comment, language).as_dict(), ensure_ascii=False))


@app.command("reanalyze")
def reanalyze_command(
    learn: Annotated[
        bool, typer.Option(help="Learn from the scored comments when there are enough.")
    ] = True,
) -> None:
    """Analyse every stored response with a comment again and store the results."""
    from kundepuls.config import get_settings
    from kundepuls.db import engine_for, migrate, session_scope
    from kundepuls.text.learn import train_installation_model
    from kundepuls.text.service import analyze_responses

    url = get_settings().database_url
    migrate(url)
    with session_scope(engine_for(url)) as session:
        model = train_installation_model(session) if learn else None
        if model is not None:
            typer.echo(_describe(model.report()))
        count = analyze_responses(session, pending_only=False, model=model)
    typer.echo(f"Analysed {count} comments.")


def _describe(report: dict[str, object]) -> str:
    if not report["fitted"]:
        return (
            f"Built-in reading only: {report['comments']} scored comments, "
            f"{report['minimum']} needed to learn from them."
        )
    return (
        f"Learned from {report['comments']} scored comments; held-out accuracy "
        f"{report['heldout_accuracy']:.3f} (built-in {report['builtin_heldout_accuracy']:.3f}, "
        f"blend {report['blend_heldout_accuracy']:.3f} with weight {report['blend_weight']})."
    )


@app.command("discover")
def discover_command(
    clusters: Annotated[
        int | None, typer.Option(help="Number of clusters (default: by size).")
    ] = None,
) -> None:
    """Cluster the stored comments that matched no theme; print each cluster as a JSON line."""
    from kundepuls.config import get_settings
    from kundepuls.db import engine_for, migrate, session_scope
    from kundepuls.text.service import discover_themes

    url = get_settings().database_url
    migrate(url)
    with session_scope(engine_for(url)) as session:
        found = discover_themes(session, clusters)
    for cluster in found:
        typer.echo(json.dumps(cluster.as_dict(), ensure_ascii=False))
