"""Use cases of the demo: build the data set into a store."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session

from kundepuls.demo.actions import add_planted_action
from kundepuls.demo.generate import KINDS, generate
from kundepuls.demo.planted import DEFAULT_CUSTOMERS, DEFAULT_SEED, Planted
from kundepuls.facts import repository
from kundepuls.facts.models import FACT_MODELS, ImportBatch
from kundepuls.kit.errors import KundepulsError

Step = Callable[[str], None]


@dataclass(frozen=True)
class DemoBuild:
    """What a demo build wrote: rows per kind and the planted facts."""

    seed: int
    counts: dict[str, int]
    planted: Planted


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as plain Python values (None for missing) for the database."""
    columns: dict[str, list[Any]] = {}
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            columns[name] = [None if pd.isna(v) else v.to_pydatetime() for v in series]
        elif name == "amount":
            columns[name] = [Decimal(f"{v:.2f}") for v in series]
        else:
            columns[name] = series.astype(object).where(series.notna(), None).tolist()
    return [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]


def build_demo(
    session: Session,
    *,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    customers: int = DEFAULT_CUSTOMERS,
    step: Step | None = None,
) -> DemoBuild:
    """Generate the demo data set and write it into the (empty) store of ``session``.

    Every kind is recorded as an import batch, so the store shows where its rows came from.
    Raises ``KundepulsError`` when the store already holds data: the demo never mixes
    with real rows.
    """
    counts = repository.count_rows(session)
    if any(counts.values()):
        held = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        raise KundepulsError(f"the store already holds data ({held}); the demo needs an empty one")
    data = generate(seed=seed, today=today, customers=customers, step=step)
    now = datetime.now(UTC)
    for kind in KINDS:
        if step:
            step(f"writing {kind}")
        rows = records(data.frames[kind])
        batch = ImportBatch(
            kind=kind,
            file=f"demo (seed {seed}, {data.planted.end.isoformat()})",
            status="done",
            inserted=len(rows),
            started_at=now,
            finished_at=now,
            started_by="kundepuls demo",
        )
        session.add(batch)
        session.flush()
        for row in rows:
            row["batch_id"] = batch.id
            row["updated_at"] = now
        if rows:  # an empty parameter list would run one INSERT without values
            session.execute(insert(FACT_MODELS[kind].__table__), rows)  # type: ignore[arg-type]
    session.flush()
    add_planted_action(session, data.planted)
    return DemoBuild(seed=seed, counts=data.counts(), planted=data.planted)
