"""Pydantic out/in models of the prediction API."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class Prediction(BaseModel):
    """The stored predictions of one customer."""

    model_config = ConfigDict(from_attributes=True)

    customer_id: str
    frequency: float
    recency_days: float
    age_days: float
    monetary_value: float
    total_spend: float
    horizon_months: int | None
    predicted_purchases: float | None
    prob_alive: float | None
    prob_alive_before: float | None
    expected_avg_value: float | None
    clv: float | None
    r_score: int
    f_score: int
    m_score: int
    rfm_segment: str
    churn_risk: float | None
    churn_reasons: list[str] | None
    model_version: str
    fitted_at: datetime


class CustomerView(BaseModel):
    """Basic facts about a customer and their predictions."""

    customer_id: str
    name: str | None
    segment: str | None
    region: str | None
    orders: int
    total_amount: float
    first_order_at: datetime | None
    last_order_at: datetime | None
    last_nps: int | None
    last_nps_at: datetime | None
    open_complaints: int
    prediction: Prediction | None


class SegmentRow(BaseModel):
    rfm_segment: str
    label_en: str
    label_nb: str
    customers: int
    mean_clv: float | None
    mean_monetary_value: float | None


class Ambassador(Prediction):
    last_nps: int
    last_nps_at: datetime


class AtRisk(Prediction):
    reasons: list[str]


class ForecastIn(BaseModel):
    """A KPI series: one value per consecutive period."""

    period_starts: list[date] = Field(min_length=1)
    values: list[float] = Field(min_length=1)
    grain: str = "month"
    periods: int = Field(default=3, ge=1, le=60)
    level: float = Field(default=0.95, gt=0, lt=1)


class ForecastRow(BaseModel):
    period_start: date
    forecast: float
    lower: float
    upper: float
