"""What the KPI pages show, computed through the KPI services (never around them).

A :class:`View` is the state a URL carries (``from``, ``to``, ``grain``, ``by``,
``where``, ``compare``, ``vs_from``, ``vs_to``), so a view can be shared and an alert can
link straight into it. Each part of the detail page (headline, trend, breakdown, heat
map, comparison) is one call of :mod:`kundepuls.kpis.service` with that view's query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.facts.repository import kind_spans
from kundepuls.kit.errors import UsageError
from kundepuls.kpis import catalog as cat
from kundepuls.kpis import dimensions as dims
from kundepuls.kpis import service
from kundepuls.kpis.backends import backend_for, table, table_names
from kundepuls.kpis.expressions import ROW_ID
from kundepuls.kpis.frames import PREDICTIONS, Query, comment_dimensions
from kundepuls.kpis.periods import GRAINS, local_date

DEFAULT_DAYS = 90
COMPARES = ("previous", "segment")


@dataclass(frozen=True)
class View:
    """The parameters of a KPI page, as the URL carries them."""

    start: date
    end: date
    grain: str
    by: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    compare: str | None = None
    vs_from: date | None = None
    vs_to: date | None = None
    errors: tuple[str, ...] = field(default=(), compare=False)

    def query(self, by: Sequence[str] = (), grain: str | None = None) -> Query:
        """The engine query of this view for the given breakdown and grain."""
        return service.make_query(list(by), grain, self.start, self.end, list(self.where))

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """The view as query parameters (``changes`` replace fields; None drops one)."""
        values: dict[str, Any] = {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "grain": self.grain,
            "by": list(self.by),
            "where": list(self.where),
            "compare": self.compare,
            "vs_from": self.vs_from.isoformat() if self.vs_from else None,
            "vs_to": self.vs_to.isoformat() if self.vs_to else None,
        }
        values.update(changes)
        out: list[tuple[str, str]] = []
        for name, value in values.items():
            for item in value if isinstance(value, list | tuple) else [value]:
                if item is not None and item != "":
                    out.append((name, str(item)))
        return out

    def preset_start(self, days: int) -> date:
        """The first day of the ``days`` ending with this view's last day."""
        return self.end - timedelta(days=days - 1)

    def href(self, path: str, **changes: Any) -> str:
        """A link to ``path`` with this view's parameters (and ``changes``)."""
        return f"{path}?{urlencode(self.params(**changes))}"


def default_end(session: Session, settings: Settings) -> date:
    """The local date of the newest fact row (today when the store is empty)."""
    lasts = [span.last for span in kind_spans(session) if span.last is not None]
    if not lasts:
        return date.today()
    return max(local_date(moment, settings.tz) for moment in lasts)


def auto_grain(start: date, end: date) -> str:
    """Days for a few weeks, weeks for up to a year, months beyond."""
    days = (end - start).days + 1
    return "day" if days <= 62 else "week" if days <= 400 else "month"


def _date(params: Mapping[str, list[str]], name: str, errors: list[str]) -> date | None:
    text = (params.get(name) or [""])[-1].strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(f"{name}: {text!r} is not a date; write it as YYYY-MM-DD")
        return None


def parse_view(params: Mapping[str, list[str]], end_default: date) -> View:
    """A view from query parameters; problems are collected (named by field), not raised."""
    errors: list[str] = []
    end = _date(params, "to", errors) or end_default
    start = _date(params, "from", errors) or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        errors.append(f"from {start} is after to {end}; give the earlier date first")
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    grain = (params.get("grain") or [""])[-1] or auto_grain(start, end)
    if grain not in GRAINS:
        errors.append(f"grain {grain!r}: use one of {', '.join(GRAINS)}")
        grain = auto_grain(start, end)
    by = tuple(dict.fromkeys(b.strip() for b in params.get("by", []) if b.strip()))
    where = tuple(w.strip() for w in params.get("where", []) if w.strip())
    try:
        dims.parse_where(where)
    except UsageError as error:
        errors.append(str(error).removeprefix("--"))
        where = ()
    compare = (params.get("compare") or [""])[-1] or None
    if compare is not None and compare not in COMPARES:
        errors.append(f"compare {compare!r}: use previous or segment")
        compare = None
    vs_from, vs_to = _date(params, "vs_from", errors), _date(params, "vs_to", errors)
    if (vs_from is None) != (vs_to is None):
        errors.append("vs_from and vs_to: give both dates of the period to compare with")
        vs_from = vs_to = None
    elif vs_from is not None and vs_to is not None and vs_from > vs_to:
        errors.append(f"vs_from {vs_from} is after vs_to {vs_to}; give the earlier date first")
        vs_from = vs_to = None
    if compare is None and vs_from is not None:
        compare = "previous"
    return View(start, end, grain, by, where, compare, vs_from, vs_to, tuple(errors))


def dimension_options(settings: Settings, kpi: cat.Kpi) -> list[str]:
    """Every dimension the engine can break this KPI down by (imported attributes aside)."""
    backend = backend_for(settings)
    tables = table_names(backend)
    if kpi.table not in tables:
        return list(dims.TIME_PARTS)
    fact = table(backend, kpi.table)
    row = dims.row_dimensions(fact.schema().items(), ROW_ID.get(kpi.table, ""))
    customer: list[str] = []
    if "customer_id" in fact.columns and "customers" in tables:
        customer = [c for c in dims.CUSTOMER_COLUMNS if c != "rfm_segment"]
        if PREDICTIONS in tables:
            customer.append("rfm_segment")
    comments = comment_dimensions(kpi.table, tables)
    return list(dict.fromkeys([*customer, *row, *comments, *dims.TIME_PARTS]))


def headline(session: Session, settings: Settings, key: str, view: View) -> dict[str, Any]:
    """The KPI over the whole period: value, interval, n, flag and target."""
    frame = service.show(session, settings, key, view.query())
    return _records(frame)[0]


def trend(session: Session, settings: Settings, key: str, view: View) -> pd.DataFrame:
    """One row per period of the view's grain."""
    return service.show(session, settings, key, view.query(grain=view.grain))


def breakdown(
    session: Session, settings: Settings, kpi: cat.Kpi, view: View, by: Sequence[str]
) -> tuple[pd.DataFrame, bool]:
    """Rows per segment, best first, with each segment vs the rest (p and BH q-values).

    Returns the rows and whether the q-values could be computed (not for medians).
    """
    query = view.query(by=by)
    rows = service.show(session, settings, kpi.key, query)
    with_rest = True
    try:
        rest = service.compare(session, settings, kpi.key, query, against="rest")
    except UsageError:  # medians have no segment-vs-rest test
        rest, with_rest = None, False
    if rest is not None and len(rest) == len(rows):
        for column in ("baseline_value", "diff", "diff_low", "diff_high", "p_value", "q_value"):
            rows[column] = rest[column].to_numpy()
    else:
        for column in ("baseline_value", "diff", "diff_low", "diff_high", "p_value", "q_value"):
            rows[column] = np.nan
    rows = rows.sort_values(
        "value", ascending=not kpi.higher_is_better, na_position="last", kind="stable"
    )
    return rows.reset_index(drop=True), with_rest


def heatmap(session: Session, settings: Settings, key: str, view: View) -> pd.DataFrame:
    """The KPI per weekday × hour (the engine's time-part dimensions)."""
    return service.show(session, settings, key, view.query(by=("weekday", "hour")))


def comparison(session: Session, settings: Settings, key: str, view: View) -> dict[str, Any] | None:
    """Two periods, or the filtered segment against the rest of its dimension."""
    if view.compare == "previous":
        previous = (view.vs_from, view.vs_to) if view.vs_from and view.vs_to else None
        frame = service.compare(
            session, settings, key, view.query(), against="previous", previous=previous
        )
        row = _records(frame)[0]
        length = view.end - view.start
        if previous is None:
            previous = (view.start - length - timedelta(days=1), view.start - timedelta(days=1))
        return {**row, "kind": "previous", "vs_from": previous[0], "vs_to": previous[1]}
    if view.compare == "segment":
        if not view.where:
            raise UsageError("compare=segment: filter on a segment first (where DIM=VALUE)")
        name, wanted = dims.parse_where([view.where[-1]])[0]
        others = replace(view, where=view.where[:-1])
        frame = service.compare(session, settings, key, others.query(by=(name,)), against="rest")
        for row in _records(frame):
            if _same(name, row.get(name), wanted):
                return {**row, "kind": "segment", "dimension": name, "segment": wanted}
        raise UsageError(f"where {name}={wanted}: no rows in this period")
    return None


def _same(name: str, value: Any, text: str) -> bool:
    if value is None:
        return False
    if name == "weekday":
        return str(value).lower().startswith(text.lower()[:3])
    return str(value).lower() == text.lower()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for record in frame.to_dict("records"):
        out.append({str(k): (None if _missing(v) else v) for k, v in record.items()})
    return out


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with None for missing values (for templates and JSON)."""
    return _records(frame)
