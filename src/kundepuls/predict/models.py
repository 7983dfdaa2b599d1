"""ORM tables of the prediction domain: one row of predictions per customer, and the fits."""

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Attributes, Base, UTCDateTime


class CustomerPrediction(Base):
    """The newest predictions for one customer; the KPI engine joins it for ``rfm_segment``.

    Purchase-model columns are null when the store had too little history to fit them; RFM
    columns are filled for every customer with at least one order.
    """

    __tablename__ = "customer_predictions"

    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.customer_id", ondelete="CASCADE"), primary_key=True
    )
    frequency: Mapped[float] = mapped_column(Float)
    recency_days: Mapped[float] = mapped_column(Float)
    age_days: Mapped[float] = mapped_column(Float)
    monetary_value: Mapped[float] = mapped_column(Float)
    total_spend: Mapped[float] = mapped_column(Float)
    horizon_months: Mapped[int | None] = mapped_column(Integer)
    predicted_purchases: Mapped[float | None] = mapped_column(Float)
    prob_alive: Mapped[float | None] = mapped_column(Float)
    prob_alive_before: Mapped[float | None] = mapped_column(Float)
    expected_avg_value: Mapped[float | None] = mapped_column(Float)
    clv: Mapped[float | None] = mapped_column(Float)
    r_score: Mapped[int] = mapped_column(SmallInteger)
    f_score: Mapped[int] = mapped_column(SmallInteger)
    m_score: Mapped[int] = mapped_column(SmallInteger)
    rfm_segment: Mapped[str] = mapped_column(String(30), index=True)
    churn_risk: Mapped[float | None] = mapped_column(Float)
    churn_reasons: Mapped[list[str] | None] = mapped_column(Attributes)
    model_version: Mapped[str] = mapped_column(String(60))
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PredictionFit(Base):
    """One fit of a model on the store: its parameters and its holdout figures."""

    __tablename__ = "prediction_fits"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    model_version: Mapped[str] = mapped_column(String(60))
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    customers: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(Attributes, default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(Attributes, default=dict)
