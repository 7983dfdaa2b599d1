"""The KPI pages: ``/kpis`` (all KPIs), ``/kpis/{key}`` (one KPI explored) and
``/kpis/{key}/rows`` (the rows behind its number). Every table on them downloads as CSV or
Excel with ``?format=csv|xlsx`` on the same URL (``table=`` picks one on the detail page).

The URL carries the whole view (see :class:`kundepuls.kpis.explore.View`), so a view can
be shared and alert messages link into it with ``by``, ``where``, ``from`` and ``to``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.deps import SessionDep, SettingsDep, ViewerUser
from kundepuls.kit.errors import KundepulsError, NotFoundError, UsageError
from kundepuls.kit.i18n import language_or_default
from kundepuls.kpis import catalog as cat
from kundepuls.kpis import drill, explore, service
from kundepuls.kpis import present as pr
from kundepuls.kpis.backends import backend_for
from kundepuls.kpis.texts import COLUMNS, DESCRIPTIONS_NB, DIMENSIONS, TEXTS
from kundepuls.web.export import check_format, table_response
from kundepuls.web.pages import formats_for, page_texts, render

router = APIRouter(include_in_schema=False)
TABLES = ("trend", "breakdown", "heatmap", "comparison")


def _params(request: Request) -> dict[str, list[str]]:
    query = request.query_params
    return {name: query.getlist(name) for name in query}


def _view(request: Request, session: Session, settings: Settings) -> explore.View:
    return explore.parse_view(_params(request), explore.default_end(session, settings))


def _lang(user: Any) -> str:
    return language_or_default(user.language)


def _label(kpi: cat.Kpi | dict[str, Any], lang: str) -> str:
    if isinstance(kpi, dict):
        return str(kpi["label_nb"] if lang == "nb" else kpi["label_en"])
    return kpi.label(lang)


@router.get("/kpis")
def kpi_list(
    request: Request, user: ViewerUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Every KPI with its value, interval and n for the chosen period."""
    export = check_format(request.query_params.get("format"))
    view = _view(request, session, settings)
    lang, items = _lang(user), []
    registry = service.registry(session, settings)
    for info in service.list_kpis(session, settings):
        item = {**info, "label": _label(info, lang)}
        try:
            item.update(explore.headline(session, settings, info["key"], view))
        except KundepulsError as error:
            item["error"] = str(error)
        items.append(item)
    if export:
        return _export_list(items, export, view, lang)
    tx = page_texts(lang, TEXTS)
    fmt = formats_for(request, user)
    speakers = {i["key"]: pr.Speaker(registry.get(i["key"]), fmt, tx) for i in items}
    return render(
        request, "kpis/list.html", user, TEXTS, active="kpis", view=view, items=items,
        speakers=speakers, errors=view.errors, status=422 if view.errors else 200,
    )  # fmt: skip


def _export_list(
    items: list[dict[str, Any]], export: str, view: explore.View, lang: str
) -> Response:
    if view.errors:
        raise UsageError("; ".join(view.errors))
    tx = page_texts(lang, TEXTS)
    columns = ["key", "label", "unit", "value", "ci_low", "ci_high", "n", "low_sample", "target"]
    labels = [tx[c] for c in ("col_key", "col_kpi", "col_unit", "col_value", "col_low",
                              "col_high", "col_n", "col_low_sample", "col_target")]  # fmt: skip
    rows = [[item.get(c) for c in columns] for item in items]
    return table_response(rows, labels, export, f"kpis-{view.start}-{view.end}", lang)


def _kpi(session: Session, settings: Settings, key: str) -> cat.Kpi:
    return service.registry(session, settings).get(key)


def _not_found(request: Request, user: Any, error: KundepulsError) -> Response:
    return render(request, "kpis/missing.html", user, TEXTS, active="kpis",
                  message=str(error), status=404)  # fmt: skip


@router.get("/kpis/{key}")
def kpi_detail(
    key: str, request: Request, user: ViewerUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """One KPI: headline, trend, breakdown, weekday × hour, comparison, links to its rows."""
    export = check_format(request.query_params.get("format"))
    try:
        kpi = _kpi(session, settings, key)
    except NotFoundError as error:
        if export:
            raise
        return _not_found(request, user, error)
    view = _view(request, session, settings)
    lang = _lang(user)
    options = explore.dimension_options(settings, kpi)
    by = view.by or tuple(d for d in ("region", "channel", "weekday") if d in options)[:1]
    parts: dict[str, Callable[[], Any]] = {
        "headline": lambda: explore.headline(session, settings, key, view),
        "trend": lambda: explore.trend(session, settings, key, view),
        "breakdown": lambda: explore.breakdown(session, settings, kpi, view, by),
        "heatmap": lambda: explore.heatmap(session, settings, key, view),
        "comparison": lambda: explore.comparison(session, settings, key, view),
    }
    if export:
        return _export_detail(request, kpi, view, by, parts, export, lang)
    results, errors = _compute(parts, view)
    tx = page_texts(lang, TEXTS)
    speaker = pr.Speaker(kpi, formats_for(request, user), tx)
    context = _detail_context(kpi, view, by, results, speaker, tx)
    return render(
        request, "kpis/detail.html", user, TEXTS, active="kpis", kpi=kpi, view=view, by=by,
        options=options, dims=DIMENSIONS[lang], speaker=speaker, errors=errors,
        by_label=" × ".join(DIMENSIONS[lang].get(b, b) for b in by),
        description=describe(kpi, lang), live_tables=_live_tables(kpi),
        status=422 if errors else 200, **context,
    )  # fmt: skip


def describe(kpi: cat.Kpi, lang: str) -> str:
    """What the KPI measures, in Bokmål where kundepuls has the words (built-in KPIs)."""
    if lang != "nb" or kpi.custom:
        return kpi.description
    return DESCRIPTIONS_NB.get(kpi.key, kpi.description)


def _live_tables(kpi: cat.Kpi) -> list[str]:
    """The tables whose changes alter this page (``GET /live`` names them per event)."""
    tables = {kpi.table, "customers", "kpi_targets", "kpi_definitions"}
    if isinstance(kpi.stat, cat.Rate):
        tables.add(kpi.stat.numerator)
    return sorted(tables)


def _compute(
    parts: dict[str, Callable[[], Any]], view: explore.View
) -> tuple[dict[str, Any], list[str]]:
    errors = list(view.errors)
    results: dict[str, Any] = {}
    if errors:
        return results, errors
    for name, part in parts.items():
        try:
            results[name] = part()
        except KundepulsError as error:
            if str(error) not in errors:
                errors.append(str(error))
    return results, errors


def _detail_context(
    kpi: cat.Kpi,
    view: explore.View,
    by: tuple[str, ...],
    results: dict[str, Any],
    speaker: pr.Speaker,
    tx: dict[str, str],
) -> dict[str, Any]:
    context: dict[str, Any] = {"headline": results.get("headline")}
    if "trend" in results:
        context["trend"] = pr.trend_chart(results["trend"], speaker, tx[f"grain_{view.grain}"])
    if "breakdown" in results:
        frame, with_rest = results["breakdown"]
        context["breakdown"] = pr.breakdown_chart(frame, speaker, by)
        context["breakdown"]["with_rest"] = with_rest
    if "heatmap" in results:
        context["heatmap"] = pr.heatmap_chart(results["heatmap"], speaker)
    context["comparison"] = results.get("comparison")
    return context


def _export_detail(
    request: Request,
    kpi: cat.Kpi,
    view: explore.View,
    by: tuple[str, ...],
    parts: dict[str, Callable[[], Any]],
    export: str,
    lang: str,
) -> Response:
    if view.errors:
        raise UsageError("; ".join(view.errors))
    name = request.query_params.get("table") or "trend"
    if name not in TABLES:
        raise UsageError(f"table {name!r}: use one of {', '.join(TABLES)}")
    tx = page_texts(lang, TEXTS)
    result = parts[name]()
    if name == "comparison":
        if result is None:
            raise UsageError("table comparison: choose compare=previous or compare=segment")
        return _export_comparison(kpi, view, result, export, tx, lang)
    frame = result[0] if name == "breakdown" else result
    keys = by if name == "breakdown" else ("weekday", "hour") if name == "heatmap" else ()
    table, labels = pr.export_frame(frame, keys, tx, DIMENSIONS[lang])
    filename = f"{kpi.key}-{name}-{view.start}-{view.end}"
    return table_response(table, labels, export, filename, lang)


def _export_comparison(
    kpi: cat.Kpi, view: explore.View, row: dict[str, Any], export: str, tx: dict[str, str],
    lang: str,
) -> Response:  # fmt: skip
    columns = ["value", "n", "baseline", "baseline_value", "baseline_n", "diff", "diff_low",
               "diff_high", "p_value"]  # fmt: skip
    labels = [tx[f"col_{c}"] if f"col_{c}" in tx else tx["col_p"] for c in columns]
    frame = pd.DataFrame([{c: row.get(c) for c in columns}])
    filename = f"{kpi.key}-comparison-{view.start}-{view.end}"
    return table_response(frame, labels, export, filename, lang)


def _page_number(text: str | None) -> int:
    if not text:
        return 1
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"page {text!r}: use a whole number from 1")
    return int(text)


@router.get("/kpis/{key}/rows")
def kpi_rows(
    key: str, request: Request, user: ViewerUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """The responses, tickets, orders or complaints behind the KPI's number (paged)."""
    export = check_format(request.query_params.get("format"))
    try:
        kpi = _kpi(session, settings, key)
    except NotFoundError as error:
        if export:
            raise
        return _not_found(request, user, error)
    view = _view(request, session, settings)
    query = request.query_params
    lang = _lang(user)
    errors, page, headline = list(view.errors), None, None
    descending = query.get("dir", "desc") != "asc"
    try:
        number = _page_number(query.get("page"))
        if errors:
            raise UsageError("; ".join(errors))
        backend = backend_for(settings)
        if export:
            page = drill.everything(session, backend, kpi, view.query(), settings.tz,
                                    query.get("sort"), descending)  # fmt: skip
            return _export_rows(kpi, view, page, export, lang)
        page = drill.rows(session, backend, kpi, view.query(), settings.tz,
                          sort=query.get("sort"), descending=descending, page=number)  # fmt: skip
        headline = explore.headline(session, settings, key, view)
    except KundepulsError as error:
        if export:
            raise
        if str(error) not in errors:
            errors.append(str(error))
    tx = page_texts(lang, TEXTS)
    return render(
        request, "kpis/rows.html", user, TEXTS, active="kpis", kpi=kpi, view=view, page=page,
        headline=headline, columns=COLUMNS[lang], dims=DIMENSIONS[lang], errors=errors,
        speaker=pr.Speaker(kpi, formats_for(request, user), tx),
        sorts=drill.sort_options(kpi), export_limit=drill.EXPORT_LIMIT,
        status=422 if errors else 200,
    )  # fmt: skip


def _export_rows(
    kpi: cat.Kpi, view: explore.View, page: drill.RowPage, export: str, lang: str
) -> Response:
    labels = [COLUMNS[lang].get(c, c) for c in page.columns]
    rows = [[row.get(c) for c in page.columns] for row in page.rows]
    name = f"{kpi.key}-rows-{view.start}-{view.end}"
    response = table_response(rows, labels, export, name, lang)
    # A download holds at most drill.EXPORT_LIMIT rows; the header says how many there are.
    response.headers["X-Kundepuls-Rows-Total"] = str(page.total)
    return response
