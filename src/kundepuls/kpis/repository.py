"""Every query of the KPI domain on the store: API-declared KPIs and targets.

The KPI numbers themselves are computed by :mod:`kundepuls.kpis.engine` through Ibis.
"""

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kundepuls.kpis.models import KpiDefinition, KpiTarget


def definitions(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(KpiDefinition).order_by(KpiDefinition.key))
    return [dict(row.definition) for row in rows]


def save_definition(session: Session, key: str, definition: dict[str, Any]) -> None:
    row = session.get(KpiDefinition, key)
    if row is None:
        session.add(KpiDefinition(key=key, definition=definition))
    else:
        row.definition = definition
    session.flush()


def delete_definition(session: Session, key: str) -> bool:
    result = session.execute(delete(KpiDefinition).where(KpiDefinition.key == key))
    session.flush()
    return bool(getattr(result, "rowcount", 0))


def targets(session: Session) -> list[tuple[str, str, float]]:
    rows = session.scalars(select(KpiTarget).order_by(KpiTarget.kpi, KpiTarget.segment))
    return [(row.kpi, row.segment, row.value) for row in rows]


def save_target(session: Session, kpi: str, segment: str, value: float) -> None:
    row = session.scalar(
        select(KpiTarget).where(KpiTarget.kpi == kpi, KpiTarget.segment == segment)
    )
    if row is None:
        session.add(KpiTarget(kpi=kpi, segment=segment, value=value))
    else:
        row.value = value
    session.flush()


def delete_target(session: Session, kpi: str, segment: str) -> bool:
    result = session.execute(
        delete(KpiTarget).where(KpiTarget.kpi == kpi, KpiTarget.segment == segment)
    )
    session.flush()
    return bool(getattr(result, "rowcount", 0))
