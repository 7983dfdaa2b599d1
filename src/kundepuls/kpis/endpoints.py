"""REST API of the KPIs: ``/api/v1/kpis``."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from kundepuls.deps import Permission, SessionDep, SettingsDep, api_guard
from kundepuls.kpis import service
from kundepuls.kpis.output import records
from kundepuls.kpis.schemas import (
    CompareRow,
    KpiDefined,
    KpiDefinitionIn,
    KpiInfo,
    KpiRow,
    Target,
    TargetIn,
)

router = APIRouter(
    prefix="/api/v1/kpis", tags=["kpis"], dependencies=[api_guard(Permission.MANAGE_SETTINGS)]
)

By = Annotated[list[str], Query(description="Break down by DIM (repeatable).")]
Where = Annotated[list[str], Query(description="Keep rows with DIM=VALUE (repeatable).")]
From = Annotated[str | None, Query(alias="from", description="First local date, YYYY-MM-DD.")]
To = Annotated[str | None, Query(alias="to", description="Last local date, inclusive.")]


@router.get("", response_model=list[KpiInfo])
def list_kpis(session: SessionDep, settings: SettingsDep) -> list[dict[str, Any]]:
    """List every KPI with its labels, unit, direction and target."""
    return service.list_kpis(session, settings)


@router.post("", response_model=KpiDefined, status_code=status.HTTP_201_CREATED)
def define_kpi(
    definition: KpiDefinitionIn, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Declare or replace a custom KPI (same fields as the KPI file)."""
    return service.define_kpi(session, settings, definition.model_dump(), None)


@router.delete("/{key}", status_code=status.HTTP_204_NO_CONTENT)
def delete_kpi(key: str, session: SessionDep) -> None:
    """Remove a custom KPI declared through the API."""
    service.delete_kpi(session, key)


@router.get("/{key}", response_model=list[KpiRow])
def show_kpi(
    key: str,
    session: SessionDep,
    settings: SettingsDep,
    by: By = [],  # noqa: B006 - FastAPI copies query defaults
    grain: str | None = None,
    start: From = None,
    end: To = None,
    where: Where = [],  # noqa: B006
) -> list[dict[str, Any]]:
    """A KPI's rows: value, n, 95 % interval, low-sample flag, per dimension and period."""
    query = service.make_query(by, grain, start, end, where)
    return records(service.show(session, settings, key, query))


@router.get("/{key}/compare", response_model=list[CompareRow])
def compare_kpi(
    key: str,
    session: SessionDep,
    settings: SettingsDep,
    by: By = [],  # noqa: B006
    start: From = None,
    end: To = None,
    where: Where = [],  # noqa: B006
    against: str | None = None,
    previous: str | None = None,
) -> list[dict[str, Any]]:
    """Period over period, or each segment vs the rest, with p-values and q-values."""
    query = service.make_query(by, None, start, end, where)
    frame = service.compare(session, settings, key, query, against, service.parse_span(previous))
    return records(frame)


@router.put("/{key}/target", response_model=Target)
def set_target(key: str, body: TargetIn, session: SessionDep, settings: SettingsDep) -> Any:
    """Set the target of a KPI, for all rows or for one segment."""
    where = [f"{k}={v}" for k, v in body.where.items()]
    return service.set_target(session, settings, key, body.value, where)
