"""Every query of the actions domain: actions themselves and the unit-level KPI rows.

Effects are measured on units (each ticket's first-response hours, each answer's score),
not on daily aggregates, so that every regression sees the real n.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kundepuls.actions.models import Action
from kundepuls.facts.models import Customer, Response, Ticket
from kundepuls.kit.errors import UsageError

CUSTOMER_COLUMNS = ("region", "country", "segment", "age_band", "gender", "language")
TIME_PARTS = ("weekday", "weekend", "hour")


@dataclass(frozen=True)
class UnitKpi:
    """How one KPI reads as one value per unit: a mean of ``value`` over the units."""

    key: str
    model: type[Ticket] | type[Response]
    time_column: str
    kind: str  # "mean", "share" (values 0/100) or "nps" (values -100/0/100)
    unit: str  # what one unit is, for messages ("tickets", "answers")
    label: str
    lower_is_better: bool = False


UNIT_KPIS = {
    k.key: k
    for k in (
        UnitKpi("first_response_hours", Ticket, "created_at", "mean", "tickets",
                "first response (hours)", lower_is_better=True),
        UnitKpi("resolution_hours", Ticket, "created_at", "mean", "tickets",
                "resolution time (hours)", lower_is_better=True),
        UnitKpi("fcr", Ticket, "created_at", "share", "tickets", "first-contact resolution (%)"),
        UnitKpi("csat", Response, "submitted_at", "share", "answers", "CSAT (% 4–5)"),
        UnitKpi("csat_mean", Response, "submitted_at", "mean", "answers", "CSAT mean (1–5)"),
        UnitKpi("ces", Response, "submitted_at", "mean", "answers", "CES mean (1–7)"),
        UnitKpi("nps", Response, "submitted_at", "nps", "answers", "NPS"),
    )
}  # fmt: skip


def unit_kpi(key: str) -> UnitKpi:
    try:
        return UNIT_KPIS[key]
    except KeyError:
        known = ", ".join(sorted(UNIT_KPIS))
        raise UsageError(f"kpi: {key!r} cannot be measured per unit; known: {known}") from None


def _value_columns(kpi: UnitKpi) -> list[str]:
    if kpi.model is Ticket:
        return ["created_at", "first_response_at", "resolved_at", "contacts", "reopened"]
    return ["submitted_at", {"csat_mean": "csat"}.get(kpi.key, kpi.key)]


def _unit_values(kpi: UnitKpi, frame: pd.DataFrame) -> pd.Series:
    """One float per row (NaN where the row is not a unit of this KPI)."""
    if kpi.key in ("first_response_hours", "resolution_hours"):
        end = "first_response_at" if kpi.key == "first_response_hours" else "resolved_at"
        hours = (frame[end] - frame["created_at"]).dt.total_seconds() / 3600.0
        return hours.astype(float)
    if kpi.key == "fcr":
        contacts = frame["contacts"].astype(float).fillna(1.0)
        reopened = frame["reopened"].astype(object).fillna(False).astype(bool)
        first = (contacts == 1.0) & ~reopened
        return pd.Series(np.where(frame["resolved_at"].notna(), 100.0 * first, np.nan))
    score = frame[{"csat_mean": "csat"}.get(kpi.key, kpi.key)].astype(float)
    if kpi.key == "csat":
        return pd.Series(np.where(score.notna(), 100.0 * (score >= 4), np.nan))
    if kpi.key == "nps":
        nps = np.select([score >= 9, score <= 6], [100.0, -100.0], 0.0)
        return pd.Series(np.where(score.notna(), nps, np.nan))
    return score


def _query(kpi: UnitKpi, start: datetime, end: datetime, dims: Sequence[str]) -> Select[Any]:
    model = kpi.model
    names = {c.name for c in model.__table__.columns}
    columns = [getattr(model, c) for c in _value_columns(kpi)]
    row_dims = [d for d in dims if d in names and d not in columns]
    customer_dims = [d for d in dims if d in CUSTOMER_COLUMNS and d not in names]
    columns += [getattr(model, d).label(d) for d in row_dims]
    columns += [getattr(Customer, d).label(d) for d in customer_dims]
    other = [d for d in dims if d not in names and d not in CUSTOMER_COLUMNS + TIME_PARTS]
    if other:
        columns += [model.attributes.label("_attributes"), Customer.attributes.label("_cattrs")]
    time = getattr(model, kpi.time_column)
    query = select(*columns).where(time >= start, time < end)
    if customer_dims or other:
        query = query.outerjoin(Customer, Customer.customer_id == model.customer_id)
    return query


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    return str(value)


def unit_rows(
    session: Session, key: str, start: datetime, end: datetime, dims: Sequence[str], tz: ZoneInfo
) -> pd.DataFrame:
    """Units of KPI ``key`` with event time in ``[start, end)``.

    Columns: ``at`` (UTC), ``value`` (float) and one text column per dimension in
    ``dims`` (time parts in ``tz``; booleans as ``true``/``false``; missing as None).
    """
    kpi = unit_kpi(key)
    result = session.execute(_query(kpi, start, end, dims))
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    if frame.empty:
        empty = {
            "at": pd.Series([], dtype="datetime64[ns, UTC]"),
            "value": pd.Series([], dtype=float),
        }
        return pd.DataFrame({**empty, **{d: pd.Series([], dtype=object) for d in dims}})
    for name in frame.columns:
        if name.endswith("_at"):
            frame[name] = pd.to_datetime(frame[name], utc=True)
    out = pd.DataFrame({"at": frame[kpi.time_column], "value": _unit_values(kpi, frame).values})
    local = out["at"].dt.tz_convert(tz)
    for dim in dims:
        if dim == "weekend":
            out[dim] = np.where(local.dt.day_of_week >= 5, "true", "false")
        elif dim in ("weekday", "hour"):
            part = local.dt.day_of_week if dim == "weekday" else local.dt.hour
            out[dim] = part.astype(str)
        elif dim in frame.columns:
            out[dim] = [_text(v) for v in frame[dim]]
        else:
            out[dim] = [
                _text((a or {}).get(dim, (c or {}).get(dim)))
                for a, c in zip(frame["_attributes"], frame["_cattrs"], strict=True)
            ]
    return out[out["value"].notna()].reset_index(drop=True)


def get_action(session: Session, action_id: int) -> Action | None:
    return session.get(Action, action_id)


def list_actions(session: Session, status: str | None = None) -> list[Action]:
    query = select(Action).order_by(Action.start_date.desc(), Action.id.desc())
    if status:
        query = query.where(Action.status == status)
    return list(session.scalars(query))


def add_action(session: Session, action: Action) -> Action:
    session.add(action)
    session.flush()
    return action


def delete_action(session: Session, action: Action) -> None:
    session.delete(action)
    session.flush()
