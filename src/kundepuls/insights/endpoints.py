"""REST API of the insights (read-only): ``/api/v1/insights``."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from kundepuls.deps import Permission, SessionDep, SettingsDep, api_guard
from kundepuls.insights import service
from kundepuls.insights.schemas import ChangeOut, DriversOut, HeatCell, InsightOut

router = APIRouter(
    prefix="/api/v1/insights",
    tags=["insights"],
    dependencies=[api_guard(Permission.MANAGE_SETTINGS)],
)

Lang = Annotated[str, Query(description="nb (Bokmål) or en (English).")]
From = Annotated[str | None, Query(alias="from", description="First local date, YYYY-MM-DD.")]
To = Annotated[str | None, Query(alias="to", description="Last local date, inclusive.")]


@router.get("", response_model=list[InsightOut])
def list_insights(
    session: SessionDep,
    settings: SettingsDep,
    since: Annotated[str | None, Query(description="First day of the window.")] = None,
    lang: Lang = "nb",
    grain: Annotated[str, Query(description="week or day.")] = "week",
    kpi: Annotated[list[str], Query(description="Scan only this KPI (repeatable).")] = [],  # noqa: B006
    by: Annotated[list[str], Query(description="Scan the segments of DIM (repeatable).")] = [],  # noqa: B006
) -> list[dict[str, Any]]:
    """Ranked findings (anomalies, level shifts, trends, weekend gaps) and priorities."""
    return service.insights(
        session, settings, since=since, lang=lang, grain=grain, kpis=kpi or None, by=by or None
    )


@router.get("/drivers", response_model=DriversOut)
def key_drivers(
    session: SessionDep,
    settings: SettingsDep,
    outcome: Annotated[str, Query(description="nps, csat or ces.")] = "nps",
    lang: Lang = "nb",
    start: From = None,
    end: To = None,
) -> dict[str, Any]:
    """Key drivers of the outcome (Shapley share of R²) and the priority list."""
    return service.key_drivers(session, settings, outcome=outcome, lang=lang, start=start, end=end)


@router.get("/change", response_model=ChangeOut)
def explain_change(
    session: SessionDep,
    settings: SettingsDep,
    kpi: Annotated[str, Query(description="The KPI, e.g. nps.")],
    by: Annotated[str, Query(description="The dimension to split the change over.")],
    start: From = None,
    end: To = None,
    vs_start: Annotated[str | None, Query(alias="vs_from", description="Baseline start.")] = None,
    vs_end: Annotated[str | None, Query(alias="vs_to", description="Baseline end.")] = None,
) -> dict[str, Any]:
    """What drove a KPI's change: each segment's mix and rate contribution."""
    return service.explain_change(
        session, settings, kpi=kpi, by=by, start=start, end=end, vs_start=vs_start, vs_end=vs_end
    )


@router.get("/heatmap", response_model=list[HeatCell])
def heatmap(
    session: SessionDep,
    settings: SettingsDep,
    kpi: Annotated[str, Query(description="The KPI, e.g. first_response_hours.")],
    start: From = None,
    end: To = None,
) -> list[dict[str, Any]]:
    """The KPI per weekday × hour with n, interval and the low-sample flag per cell."""
    return service.heatmap(session, settings, kpi=kpi, start=start, end=end)
