"""Every query of benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kundepuls.benchmarks.models import Benchmark


def listed(
    session: Session, kpi: str | None = None, kind: str | None = None
) -> Sequence[Benchmark]:
    query = select(Benchmark).order_by(Benchmark.kpi, Benchmark.period_start, Benchmark.source)
    if kpi:
        query = query.where(Benchmark.kpi == kpi)
    if kind:
        query = query.where(Benchmark.kind == kind)
    return session.scalars(query).all()


def get(session: Session, benchmark_id: int) -> Benchmark | None:
    return session.get(Benchmark, benchmark_id)


def upsert(session: Session, fields: dict[str, Any]) -> tuple[Benchmark, bool]:
    """Store a benchmark, or update the one with the same KPI, source, kind and period;
    returns it and whether it is new."""
    query = select(Benchmark).where(
        Benchmark.kpi == fields["kpi"],
        Benchmark.source == fields["source"],
        Benchmark.kind == fields["kind"],
        Benchmark.period_start == fields["period_start"],
        Benchmark.period_end == fields["period_end"],
    )
    found = session.scalars(query).first()
    if found is None:
        found = Benchmark(**fields)
        session.add(found)
        session.flush()
        return found, True
    for name, value in fields.items():
        setattr(found, name, value)
    session.flush()
    return found, False
