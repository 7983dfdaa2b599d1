"""Anomaly rules: the insights engine judges the KPI's recent daily series."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kundepuls.alerts.evaluate import Decision
from kundepuls.alerts.models import AlertRule
from kundepuls.config import Settings
from kundepuls.kit.errors import UsageError


def anomaly(session: Session, settings: Settings, rule: AlertRule, now: datetime) -> Decision:
    """Not available until the insights engine's anomaly check is part of this build."""
    raise UsageError(f"rule {rule.id}: anomaly rules need kundepuls.insights.anomalies")
