"""Thin API routes of the prediction domain."""

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query

from kundepuls.deps import Permission, SessionDep, api_guard
from kundepuls.kit.errors import UsageError
from kundepuls.predict import lists, repository, service
from kundepuls.predict.rfm import SEGMENTS
from kundepuls.predict.schemas import (
    Ambassador,
    AtRisk,
    CustomerView,
    ForecastIn,
    ForecastRow,
    Prediction,
    SegmentRow,
)

# Customer-level predictions are personal data: analysts and up (or an API token).
router = APIRouter(
    prefix="/api/v1", tags=["predictions"], dependencies=[api_guard(Permission.READ_API)]
)


@router.get("/customers/{customer_id}", response_model=CustomerView)
def customer(customer_id: str, session: SessionDep) -> dict[str, Any]:
    """One customer's basic facts and stored predictions."""
    return service.customer_view(session, customer_id)


@router.get("/predictions", response_model=list[Prediction])
def predictions(
    session: SessionDep,
    segment: Annotated[str | None, Query(description="Only this RFM segment.")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
) -> list[Any]:
    """Stored predictions, highest CLV first."""
    if segment is not None and segment not in SEGMENTS:
        raise UsageError(f"unknown segment {segment!r}; one of {', '.join(SEGMENTS)}")
    return list(repository.predictions(session, segment=segment, limit=limit))


@router.get("/predictions/segments", response_model=list[SegmentRow])
def segments(session: SessionDep) -> list[dict[str, Any]]:
    """Customers, mean CLV and mean spend per RFM segment."""
    return [
        {
            "rfm_segment": s,
            "label_en": SEGMENTS[s][0],
            "label_nb": SEGMENTS[s][1],
            "customers": n,
            "mean_clv": c,
            "mean_monetary_value": m,
        }
        for s, n, c, m in repository.segment_summary(session)
    ]


@router.get("/predictions/ambassadors", response_model=list[Ambassador])
def ambassadors(
    session: SessionDep, min_value_quantile: Annotated[float, Query(ge=0, le=1)] = 0.5
) -> list[dict[str, Any]]:
    """Promoters with high predicted value and no open complaint."""
    return lists.ambassadors(session, min_value_quantile=min_value_quantile)


@router.get("/predictions/at-risk", response_model=list[AtRisk])
def at_risk(
    session: SessionDep, min_value_quantile: Annotated[float, Query(ge=0, le=1)] = 0.7
) -> list[dict[str, Any]]:
    """Valuable customers with low or falling P(alive) or a recent detractor answer."""
    return lists.at_risk(session, min_value_quantile=min_value_quantile)


@router.post("/predictions/forecast", response_model=list[ForecastRow])
def forecast(body: ForecastIn) -> list[dict[str, Any]]:
    """Forecast the next periods of a KPI series with prediction intervals."""
    from kundepuls.predict.forecast import forecast_series  # statsmodels: load on first use

    if len(body.values) != len(body.period_starts):
        raise UsageError("period_starts and values must have the same length")
    series = pd.Series(body.values, index=pd.to_datetime(body.period_starts))
    result = forecast_series(series, periods=body.periods, grain=body.grain, level=body.level)
    return [{str(k): v for k, v in row.items()} for row in result.table.to_dict("records")]
