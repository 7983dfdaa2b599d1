"""``kundepuls import``: the CLI face of ``ingest.service.import_file``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from kundepuls.config import get_settings
from kundepuls.ingest.columns import KINDS, spec_for
from kundepuls.ingest.readers import check_path
from kundepuls.kit.errors import KundepulsError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from kundepuls.ingest.schemas import ImportReport

HELP = f"""Import a file of KIND ({", ".join(KINDS)}) into the store.

The format follows the ending: .csv (comma, semicolon or tab; UTF-8 with or without BOM,
or Windows-1252), .json (an array of objects), .jsonl, .xlsx (first sheet) or .parquet.
Rows are upserted by id, so importing the same file again changes nothing. A row whose
id appears again later in the file is replaced by the later one. Columns outside the data
contract are kept as attributes. Amounts may be negative (refunds and credit notes) and
may use a decimal comma (1 234,50). Customer ids not yet in the store get a bare customer
that a later customers import fills in.

Rejected rows go to FILE.rejects.csv with their original values and a reason (row numbers
count data rows, 1 = the first row after the header). Exit code 0: all rows imported;
2: some rows rejected (the others are imported); 1: nothing imported (fatal error).
"""

err = Console(stderr=True, soft_wrap=True, highlight=False)


class _LazyProgress:
    """A progress bar on stderr that appears only when an import runs for a while.

    Short imports and output captured by scripts stay free of progress noise.
    """

    DELAY = 2.0

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, rows: int, fraction: float) -> None:
        if self.bar is None:
            if not err.is_terminal or time.monotonic() - self.started < self.DELAY:
                return
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("importing"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rows]:,} rows"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("import", total=1.0, rows=0)
        assert self.task is not None
        self.bar.update(self.task, completed=fraction, rows=rows)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def import_command(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(KINDS)}.")],
    file: Annotated[Path, typer.Argument(help="The file to import.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and count; write nothing.")
    ] = False,
) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from kundepuls.db import engine_for, migrate, session_scope
    from kundepuls.ingest.service import import_file

    spec_for(kind)  # a wrong kind or file should not create a store on its way out
    check_path(file)
    url = get_settings().database_url
    migrate(url)
    progress = _LazyProgress()
    try:
        with session_scope(engine_for(url)) as session:
            report = import_file(session, kind, file, dry_run=dry_run, progress=progress)
    except SQLAlchemyError as error:
        # Validation should keep every row the store would refuse out; if one gets
        # through anyway, nothing was written and the user gets the database's reason.
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise KundepulsError(f"{file}: the store refused the import: {reason}") from None
    finally:
        progress.stop()
    _print(report)
    return 2 if report.rejected else 0


def _print(report: ImportReport) -> None:
    verb = "would be " if report.dry_run else ""
    typer.echo(
        f"{report.file}: {report.rows} rows of {report.kind}"
        + (" (dry run: nothing written)" if report.dry_run else "")
    )
    typer.echo(f"  inserted    {report.inserted:>9}  {verb}new")
    typer.echo(f"  updated     {report.updated:>9}  {verb}changed")
    typer.echo(f"  unchanged   {report.unchanged:>9}")
    typer.echo(
        f"  rejected    {report.rejected:>9}"
        + (f"  see {report.rejects_path}" if report.rejects_path else "")
    )
    if report.duplicates:
        typer.echo(
            f"  duplicates  {report.duplicates:>9}  id seen again later in the file; "
            "the last row won"
        )
    if report.customers_created:
        typer.echo(
            f"  customers   {report.customers_created:>9}  {verb}created bare for "
            "unknown customer ids"
        )
    for message in report.messages:
        err.print(message, markup=False)
    if report.rejected > len(report.messages):
        err.print(f"… and {report.rejected - len(report.messages)} more", markup=False)
    sys.stdout.flush()
