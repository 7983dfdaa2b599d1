"""The comments page: themes with their sentiment, examples per theme, search and filters.

Filters live in the URL (a GET form), so a filtered view can be bookmarked and shared.
"""

from datetime import date
from math import ceil
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kundepuls.accounts.web import Forbidden
from kundepuls.config import Settings
from kundepuls.deps import Permission, SessionDep, SettingsDep, ViewerUser
from kundepuls.kit.i18n import language_or_default
from kundepuls.kpis import service as kpi_service
from kundepuls.kpis.explore import records
from kundepuls.kpis.service import make_query
from kundepuls.text import browse, repository, texts
from kundepuls.text.lexicon import LABELS
from kundepuls.text.repository import BANDS, CommentQuery
from kundepuls.web.export import check_format, table_response
from kundepuls.web.pages import render

router = APIRouter(include_in_schema=False)
FILTERS = ("q", "from", "to", "theme", "sentiment", "language", "band", "survey", "touchpoint")
MAX_SEARCH = 200
EXPORT_ROWS = 50_000


def _date(value: str, name: str, errors: list[str], tx: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(tx["bad_date"].format(field=tx[name]))
        return None


def _params(request: Request) -> dict[str, str]:
    """The filter values of the URL, trimmed; unknown parameters are ignored."""
    query = request.query_params
    found = {name: (query.get(name) or "").strip() for name in (*FILTERS, "sort", "page")}
    found["q"] = found["q"][:MAX_SEARCH]
    return found


def _period(
    params: dict[str, str], default: browse.Period, errors: list[str], tx: dict[str, str]
) -> browse.Period | None:
    """The period of the URL; the default when none is given, None for "all time"."""
    if params["from"] == "all":
        return None
    start = _date(params["from"], "from", errors, tx) or default.start
    end = _date(params["to"], "to", errors, tx) or default.end
    return browse.Period(min(start, end), max(start, end))


def _url(params: dict[str, str], **changes: str) -> str:
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v and not (k == "page" and v == "1")}
    return "/comments" + (f"?{urlencode(kept)}" if kept else "")


def _query(
    params: dict[str, str], period: browse.Period | None, tz: Any, lang: str
) -> CommentQuery:
    """The query of the URL's filters; values outside their lists are dropped."""
    start, end = period.bounds(tz) if period else (None, None)
    known: dict[str, set[str]] = {
        "theme": {k for k, _ in browse.theme_choices(lang)},
        "sentiment": set(LABELS),
        "band": set(BANDS),
    }
    for name, allowed in known.items():
        if params[name] not in allowed:
            params[name] = ""
    return CommentQuery(
        start=start,
        end=end,
        theme=params["theme"] or None,
        sentiment=params["sentiment"] or None,
        language=params["language"] or None,
        band=params["band"] or None,
        survey=params["survey"] or None,
        touchpoint=params["touchpoint"] or None,
        text=params["q"] or None,
    )


def _download(
    session: Any, query: CommentQuery, themes: list[browse.ThemeStat], table: str, **how: Any
) -> Response:
    """The theme table or the matching comments (masked) as CSV or Excel."""
    tx, lang, export = how["tx"], how["lang"], how["export"]
    if table == "comments":
        shown, _total = browse.comment_page(session, query, 1, lang, size=EXPORT_ROWS)
        labels = [
            tx["export_date"],
            tx["language"],
            tx["sentiment"],
            tx["export_score"],
            tx["theme"],
            tx["survey"],
            tx["touchpoint"],
            "NPS",
            "CSAT",
            "CES",
            tx["export_comment"],
        ]
        rows = [
            [
                c.at,
                c.language,
                tx[c.sentiment],
                round(c.score, 3),
                ", ".join(label for _, label, _ in c.themes),
                c.survey,
                c.touchpoint,
                c.nps,
                c.csat,
                c.ces,
                c.text,
            ]
            for c in shown
        ]
        return table_response(rows, labels, export, "kommentarer", lang)
    return _themes_download(themes, tx, lang, export)


def _themes_download(
    themes: list[browse.ThemeStat], tx: dict[str, str], lang: str, export: str
) -> Response:
    labels = [
        tx["col_theme"],
        tx["col_count"],
        tx["col_negative"] + " %",
        tx["col_neutral"] + " %",
        tx["col_positive"] + " %",
        tx["col_mean"],
        tx["col_change"],
        tx["col_previous"],
    ]
    rows = [
        [
            tx["no_theme"] if s.key == browse.NO_THEME else s.label,
            s.count,
            round(s.share("negative"), 1),
            round(s.share("neutral"), 1),
            round(s.share("positive"), 1),
            None if s.mean is None else round(s.mean, 3),
            None if s.change is None else round(s.change, 3),
            s.previous_count,
        ]
        for s in themes
    ]
    return table_response(rows, labels, export, "kommentar-temaer", lang)


def _nps_by_theme(
    session: Session, settings: Settings, period: browse.Period | None
) -> dict[str, dict[str, Any]]:
    """NPS of the answers whose comment is about each theme, in the period (KPI engine)."""
    query = make_query(
        by=["theme"], start=period.start if period else None, end=period.end if period else None
    )
    rows = records(kpi_service.show(session, settings, "nps", query))
    return {str(r["theme"]): r for r in rows if r["theme"] is not None and r["n"] > 0}


@router.get("/comments", response_class=HTMLResponse)
def comments_page(
    request: Request, user: ViewerUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Themes, sentiment and the comments themselves, filtered by the URL (and downloads)."""
    lang = language_or_default(user.language)
    tx = texts.TEXTS[lang]
    export = check_format(request.query_params.get("format"))
    if export and not user.can(Permission.EXPORT):
        raise Forbidden(f"your role may not do this ({Permission.EXPORT.value})")
    params, errors = _params(request), list[str]()
    period = _period(params, browse.default_period(session, settings.tz), errors, tx)
    query = _query(params, period, settings.tz, lang)
    sort = params["sort"] if params["sort"] in browse.SORTS else "volume"
    themes, overall = browse.theme_summary(session, query, period, settings.tz, lang, sort)
    nps = _nps_by_theme(session, settings, period)
    if export:
        table = request.query_params.get("table", "themes")
        return _download(session, query, themes, table, tx=tx, lang=lang, export=export)
    page = int(params["page"]) if params["page"].isdigit() and int(params["page"]) > 0 else 1
    comments, total = browse.comment_page(session, query, page, lang)
    pages = max(1, ceil(total / browse.PAGE_SIZE))
    if period is not None:
        params["from"], params["to"] = period.start.isoformat(), period.end.isoformat()
    context: dict[str, Any] = {
        "params": params,
        "errors": errors,
        "period": period,
        "themes": themes,
        "overall": overall,
        "overall_n": sum(overall.values()),
        "examples": browse.examples(session, query, themes, lang),
        "comments": comments,
        "total": total,
        "page": min(page, pages),
        "pages": pages,
        "url": lambda **changes: _url(params, **changes),
        "theme_choices": browse.theme_choices(lang),
        "choices": repository.filter_choices(session),
        "labels": LABELS,
        "bands": BANDS,
        "sorts": browse.SORTS,
        "sort": sort,
        "no_theme": browse.NO_THEME,
        "pending": repository.unanalysed_count(session),
        "max_count": max((s.count for s in themes), default=0),
        "can_export": user.can(Permission.EXPORT),
        "nps": nps,
        "nps_href": "/kpis/nps?"
        + urlencode(
            {"by": "theme", **({"from": period.start, "to": period.end} if period else {})}
        ),
    }
    return render(request, "text/comments.html", user, texts.TEXTS, active="comments", **context)
