"""The insights pages: ranked findings, key drivers and priorities, what drove a change, and
the weekday × hour heat map (``/insights``, ``/insights/drivers``, ``/insights/change``,
``/insights/heatmap``).

Thin: they read the URL's parameters, check them (a bad one is a message on the page, in
the reader's language), call :mod:`kundepuls.insights.service` and render what it returns.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from kundepuls.config import Settings
from kundepuls.deps import SessionDep, SettingsDep, ViewerUser
from kundepuls.insights import service
from kundepuls.insights.drivers import OUTCOMES
from kundepuls.insights.page_texts import TEXTS
from kundepuls.kit.errors import KundepulsError
from kundepuls.kit.i18n import language_or_default
from kundepuls.kpis.service import labels as kpi_labels
from kundepuls.kpis.service import registry
from kundepuls.web.pages import render

router = APIRouter(include_in_schema=False)

DIMENSIONS = ("region", "country", "segment", "age_band", "channel", "touchpoint", "team",
              "product_line", "category", "weekend", "weekday", "theme")  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHANGE_DAYS = 90
NAMES = {"start": "from", "end": "to", "vs_start": "vs_from", "vs_end": "vs_to"}


class BadParameter(Exception):
    """A parameter of the URL the page cannot use; the message is in the reader's language."""


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def chart_data(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block, safe inside HTML."""
    text = json.dumps(_finite(value), ensure_ascii=False, allow_nan=False)
    # <, > and & are written as JSON escapes, so the text cannot close the script element.
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # noqa: S704


def _blank(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _day(value: str | None, tx: dict[str, str]) -> date | None:
    value = _blank(value)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadParameter(tx["bad_date"].format(value=value)) from None


def _kpi(value: str | None, default: str, labels: dict[str, str], tx: dict[str, str]) -> str:
    key = _blank(value) or default
    if key not in labels:
        raise BadParameter(tx["bad_kpi"].format(value=key))
    return key


def kpi_link(row: dict[str, Any]) -> str:
    """The KPI page of a finding, with its segment in ``where``."""
    params: list[tuple[str, str]] = [("grain", "week")]
    if row.get("dim") is not None and row.get("value") is not None:
        params.append(("where", f"{row['dim']}={row['value']}"))
    return f"/kpis/{row['kpi']}?{urlencode(params)}"


def change_link(row: dict[str, Any]) -> str | None:
    """For a shift or trend: what drove it, from the day it started, over its dimension."""
    if row["kind"] not in ("level_shift", "trend") or not row.get("since"):
        return None
    by = row["dim"] if row.get("dim") in DIMENSIONS else "region"
    return f"/insights/change?{urlencode({'kpi': row['kpi'], 'by': by, 'from': row['since']})}"


def _page(request: Request, user: Any, name: str, tab: str, **context: Any) -> HTMLResponse:
    status = 422 if context.get("error") else 200
    return render(request, f"insights/{name}.html", user, TEXTS, active="insights", tab=tab,
                  status=status, chart_data=chart_data, **context)  # fmt: skip


@router.get("/insights")
def findings_page(
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    since: str | None = None,
) -> HTMLResponse:
    """Ranked findings with their evidence, and the first priorities."""
    lang = language_or_default(user.language)
    tx, rows, error = TEXTS[lang], [], None
    try:
        rows = service.insights(session, settings, since=_day(since, tx), lang=lang)
    except BadParameter as problem:
        error = str(problem)
    except KundepulsError as problem:
        error = tx["not_enough"].format(reason=problem)
    findings = [
        {**r, "link": kpi_link(r), "explain": change_link(r)}
        for r in rows
        if r["kind"] != "priority"
    ]
    priorities = [r for r in rows if r["kind"] == "priority"]
    return _page(request, user, "findings", "findings", findings=findings,
                 priorities=priorities, since=_blank(since) or "", error=error,
                 kpi_labels=kpi_labels(session, settings, lang))  # fmt: skip


def _drivers_charts(report: dict[str, Any], tx: dict[str, str]) -> dict[str, Any]:
    drivers = report["drivers"]
    return {
        "labels": [d["label"] for d in drivers],
        "importance": [100 * d["importance"] for d in drivers],
        "low": [100 * d["ci_low"] for d in drivers],
        "high": [100 * d["ci_high"] for d in drivers],
        "priorities": [
            {"label": d["label"], "share": 100 * d["share"], "performance": d["performance"]}
            for d in report["priorities"]
            if d["performance"] is not None
        ],
        "axis_importance": tx["importance"],
        "axis_share": tx["axis_importance"],
        "axis_performance": tx["axis_performance"],
        "quadrants": [
            tx[k] for k in ("quadrant_fix", "quadrant_keep", "quadrant_low", "quadrant_watch")
        ],
    }


@router.get("/insights/drivers")
def drivers_page(
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    outcome: str = "nps",
) -> HTMLResponse:
    """Key drivers of NPS (or CSAT, CES) with intervals, and the priority list."""
    lang = language_or_default(user.language)
    tx, report, error = TEXTS[lang], None, None
    try:
        if outcome not in OUTCOMES:
            raise BadParameter(tx["bad_outcome"])
        report = service.key_drivers(session, settings, outcome=outcome, lang=lang)
    except BadParameter as problem:
        error = str(problem)
    except KundepulsError as problem:
        error = tx["not_enough"].format(reason=problem)
    charts = _drivers_charts(report, tx) if report else None
    span = [date.fromisoformat(report[k]) for k in ("start", "end")] if report else [None] * 2
    return _page(request, user, "drivers", "drivers", report=report, outcome=outcome,
                 outcomes=OUTCOMES, charts=charts, error=error, start_day=span[0],
                 end_day=span[1],
                 kpi_labels=kpi_labels(session, settings, lang))  # fmt: skip


def _change_params(
    settings: Settings, tx: dict[str, str], params: dict[str, str | None]
) -> dict[str, date]:
    """The two periods: the URL's, or the last 90 days and the 90 before them."""
    end = _day(params["to"], tx) or datetime.now(settings.tz).date()
    start = _day(params["from"], tx) or end - timedelta(days=CHANGE_DAYS - 1)
    vs_end = _day(params["vs_to"], tx) or start - timedelta(days=1)
    vs_start = _day(params["vs_from"], tx) or vs_end - (end - start)
    return {"start": start, "end": end, "vs_start": vs_start, "vs_end": vs_end}


@router.get("/insights/change")
def change_page(
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    kpi: str | None = None,
    by: str | None = None,
) -> HTMLResponse:
    """What drove a KPI's change between two periods: mix and rate per segment."""
    lang = language_or_default(user.language)
    tx, labels = TEXTS[lang], kpi_labels(session, settings, lang)
    q = request.query_params
    raw = {k: q.get(k) for k in ("from", "to", "vs_from", "vs_to")}
    form = {"kpi": _blank(kpi) or "nps", "by": _blank(by) or "region", **raw}
    change, error = None, None
    span: dict[str, date] = {}
    try:
        key = _kpi(kpi, "nps", labels, tx)
        dim = _blank(by) or "region"
        if dim not in DIMENSIONS:
            raise BadParameter(tx["bad_dimension"].format(value=dim))
        span = _change_params(settings, tx, raw)
        form.update({NAMES[k]: v.isoformat() for k, v in span.items()})
        change = service.explain_change(session, settings, kpi=key, by=dim, **span)
    except BadParameter as problem:
        error = str(problem)
    except KundepulsError as problem:
        error = tx["not_enough"].format(reason=problem)
    charts = _change_chart(change, tx) if change else None
    return _page(request, user, "change", "change", change=change, form=form, error=error,
                 kpi_labels=labels, dimensions=DIMENSIONS, charts=charts, span=span)  # fmt: skip


def _change_chart(change: dict[str, Any], tx: dict[str, str]) -> dict[str, Any]:
    segments = change["segments"]
    return {
        "segments": [str(s["segment"]) for s in segments],
        "mix": [s["mix"] for s in segments],
        "rate": [s["rate"] for s in segments],
        "contribution": [s["contribution"] for s in segments],
        "names": {"mix": tx["mix"], "rate": tx["rate"], "contribution": tx["contribution"]},
    }


def heat_grid(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """Seven rows (Monday first) of 24 hours: value and n per cell, low-sample cells apart."""
    value: list[list[float | None]] = [[None] * 24 for _ in WEEKDAYS]
    grey: list[list[int | None]] = [[None] * 24 for _ in WEEKDAYS]
    count = [[0] * 24 for _ in WEEKDAYS]
    for cell in cells:
        if cell["weekday"] not in WEEKDAYS or cell["hour"] is None:
            continue
        row, hour = WEEKDAYS.index(cell["weekday"]), int(cell["hour"])
        count[row][hour] = int(cell["n"])
        if cell["low_sample"] or cell["value"] is None:
            grey[row][hour] = 1 if cell["n"] else None
        else:
            value[row][hour] = cell["value"]
    return {"value": value, "grey": grey, "n": count}


@router.get("/insights/heatmap")
def heatmap_page(
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    kpi: str | None = None,
) -> HTMLResponse:
    """A KPI per weekday × hour; cells with too few observations are grey."""
    lang = language_or_default(user.language)
    tx, labels = TEXTS[lang], kpi_labels(session, settings, lang)
    q = request.query_params
    form = {"kpi": _blank(kpi) or "first_response_hours", "from": q.get("from"), "to": q.get("to")}
    cells: list[dict[str, Any]] = []
    error = None
    try:
        key = _kpi(kpi, "first_response_hours", labels, tx)
        start, end = _day(form["from"], tx), _day(form["to"], tx)
        cells = service.heatmap(session, settings, kpi=key, start=start, end=end)
    except BadParameter as problem:
        error = str(problem)
    except KundepulsError as problem:
        error = tx["not_enough"].format(reason=problem)
    kpis = registry(session, settings).kpis
    chart = {"days": [tx[d] for d in WEEKDAYS], **heat_grid(cells), "hour": tx["hour"],
             "low": tx["low_sample_cell"], "lower_is_better": form["kpi"] in kpis
             and not kpis[form["kpi"]].higher_is_better}  # fmt: skip
    return _page(
        request,
        user,
        "heatmap",
        "heatmap",
        cells=cells,
        chart=chart,
        form=form,
        error=error,
        kpi_labels=labels,
        min_sample=settings.min_sample,
    )
