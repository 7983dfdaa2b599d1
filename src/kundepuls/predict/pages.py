"""The customers pages: predicted value, churn risk, RFM segments and the customer lists
(``/customers``), and one customer with their predictions and history
(``/customers/{customer_id}``).

Filters live in the URL, so a filtered view can be bookmarked. Every table downloads as CSV
or Excel (``?table=…&format=csv|xlsx``) for those with the export permission. Viewers see
the summary and the segments; named customers (the lists, one customer) need :data:`PEOPLE`,
as in the predictions API. Computing the predictions now needs the permission that changes
settings (:data:`WRITE`); it runs in the request: a few seconds on a shop of some thousand
customers (the demo's 5,000 customers, 4,000 with orders: about 4 s).
"""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kundepuls.accounts import audit
from kundepuls.accounts.schemas import Principal
from kundepuls.accounts.web import Forbidden, client_ip
from kundepuls.deps import Permission, SessionDep, SettingsDep, ViewerUser, require
from kundepuls.insights.pages import chart_data
from kundepuls.kit.errors import NotFoundError, UsageError
from kundepuls.kit.i18n import Formats, language_or_default
from kundepuls.predict import churn_service, customers, repository
from kundepuls.predict.bgnbd import MIN_CUSTOMERS, MIN_REPEAT_BUYERS
from kundepuls.predict.customers import LISTS, Filters, Overview, Reason, Row
from kundepuls.predict.page_texts import TEXTS
from kundepuls.predict.refresh import refresh_all
from kundepuls.predict.rfm import SEGMENTS, label
from kundepuls.predict.service import LOOKBACK_DAYS
from kundepuls.web.export import check_format, table_response
from kundepuls.web.pages import formats_for, page_texts, render

router = APIRouter(include_in_schema=False)

WRITE = Permission.MANAGE_SETTINGS
Writer = Annotated[Principal, Depends(require(WRITE))]
# Named customers with their predictions are personal data: as in the predictions API, they
# are shown to analysts and up; viewers see the summary and the segments.
PEOPLE = Permission.READ_API
PeopleReader = Annotated[Principal, Depends(require(PEOPLE))]
DEFAULT_LIMIT = 25
MAX_LIMIT = 500
FILTERS = ("rfm", "region", "segment", "limit")
TABLES = ("segments", *LISTS)
CHURN_DAYS = 90  # the churn model's default horizon, until a fit says otherwise


def reason_text(reason: Reason, tx: dict[str, str], fmt: Formats) -> str:
    """One reason in plain words in the reader's language."""
    values = reason.values
    key = "why_" + reason.key
    if reason.key == "text" or key not in tx:
        return str(values[0]) if values else reason.key
    if reason.key == "alive_fell":
        return tx[key].format(a=fmt.number(100 * values[0]), b=fmt.number(100 * values[1]),
                              days=LOOKBACK_DAYS)  # fmt: skip
    if reason.key in ("alive_low", "churn_risk"):
        return tx[key].format(a=fmt.number(100 * values[0]))
    if reason.key == "detractor":
        return tx[key].format(v=values[0], day=fmt.day(values[1]))
    digits = 1 if reason.key == "mean_csat" else 0
    return tx[key].format(v=fmt.number(values[0], digits))


def _params(request: Request) -> dict[str, str]:
    query = request.query_params
    return {name: (query.get(name) or "").strip()[:200] for name in (*FILTERS, "tab")}


def _filters(
    session: Session, params: dict[str, str], tx: dict[str, str]
) -> tuple[Filters, list[str]]:
    """The URL's filters; a wrong value is dropped with a message naming its field."""
    errors = []
    wrong = customers.check_filters(
        session, params["rfm"] or None, params["region"] or None, params["segment"] or None
    )
    for name, value in wrong.items():
        errors.append(tx["bad_choice"].format(field=tx["f_" + name], value=value))
        params[name] = ""
    limit = DEFAULT_LIMIT
    if params["limit"]:
        raw = params["limit"]
        if raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT:
            limit = int(raw)
        else:
            errors.append(tx["bad_limit"].format(field=tx["f_limit"], value=raw, max=MAX_LIMIT,
                                                 default=DEFAULT_LIMIT))  # fmt: skip
            params["limit"] = ""
    if params["tab"] not in LISTS:
        params["tab"] = LISTS[0]
    filters = Filters(params["rfm"] or None, params["region"] or None,
                      params["segment"] or None, limit)  # fmt: skip
    return filters, errors


def _url(params: dict[str, str], **changes: str) -> str:
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v and not (k == "tab" and v == LISTS[0])}
    return "/customers" + (f"?{urlencode(kept)}" if kept else "")


def _churn_days(data: Overview) -> int:
    fit = data.churn_fit
    return int(fit.params.get("horizon_days", CHURN_DAYS)) if fit else CHURN_DAYS


def _auc(data: Overview) -> float | None:
    """The holdout AUC of the churn model that scored the customers."""
    fit = data.churn_fit
    if fit is None:
        return None
    chosen = "with_experience" if fit.metrics.get("experience_adds_value") else "behaviour"
    value = (fit.metrics.get(chosen) or {}).get("auc")
    return float(value) if value is not None else None


def _chart(data: Overview, lang: str, tx: dict[str, str]) -> dict[str, Any]:
    return {
        "labels": [label(s.key, lang) for s in data.segments],
        "customers": [s.customers for s in data.segments],
        "share": [round(s.share, 1) for s in data.segments],
        "mean_clv": [None if s.mean_clv is None else round(s.mean_clv) for s in data.segments],
        "axis": tx["col_customers"],
        "value_label": tx["col_mean_value"],
    }


def _download(data: Overview, table: str, export: str, lang: str, fmt: Formats) -> Response:
    tx = page_texts(lang, TEXTS)
    if table == "segments":
        labels = [tx["col_segment"], tx["col_customers"], tx["col_share"] + " (%)",
                  tx["col_total_value"], tx["col_mean_value"], tx["col_mean_spend"]]  # fmt: skip
        rows = [
            [label(s.key, lang), s.customers, round(s.share, 2), _round(s.total_clv),
             _round(s.mean_clv), _round(s.mean_spend)]
            for s in data.segments
        ]  # fmt: skip
        return table_response(rows, labels, export, "kunder-rfm-segmenter", lang)
    labels = [tx["col_id"], tx["col_name"], tx["col_region"], tx["col_cust_segment"],
              tx["col_rfm"], tx["col_orders"], tx["col_spend"], tx["col_clv"],
              tx["col_alive"] + " (%)", tx["col_risk"] + " (%)", tx["col_nps"],
              tx["col_reasons"]]  # fmt: skip
    rows = [
        [r.customer_id, r.name, r.region, r.segment, label(r.rfm_segment, lang), r.orders,
         _round(r.total_spend), _round(r.clv), _percent(r.prob_alive), _percent(r.churn_risk),
         r.last_nps, "; ".join(reason_text(x, tx, fmt) for x in r.reasons) or None]
        for r in data.lists[table]
    ]  # fmt: skip
    return table_response(rows, labels, export, f"kunder-{table}", lang)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


@router.get("/customers", response_class=HTMLResponse)
def customers_page(request: Request, user: ViewerUser, session: SessionDep) -> Response:
    """Summary, RFM segments and the customer lists, filtered by the URL (and downloads)."""
    lang = language_or_default(user.language)
    tx = page_texts(lang, TEXTS)
    export = check_format(request.query_params.get("format"))
    table = request.query_params.get("table") or "segments"
    for needed in (Permission.EXPORT, PEOPLE if table != "segments" else None):
        if export and needed and not user.can(needed):
            raise Forbidden(f"your role may not do this ({needed.value})")
    common: dict[str, Any] = {
        "can_write": user.can(WRITE),
        "done": request.query_params.get("done"),
    }
    if not customers.has_predictions(session):
        if export:
            raise UsageError("no predictions yet: nothing to download")
        return render(request, "predict/empty.html", user, TEXTS, active="customers",
                      orders=repository.order_count(session), **common)  # fmt: skip
    params = _params(request)
    filters, errors = _filters(session, params, tx)
    data = customers.overview(session, filters)
    if export:
        if table not in TABLES:
            raise UsageError(f"table {table!r}: use {', '.join(TABLES)}")
        return _download(data, table, export, lang, formats_for(request, user))
    context: dict[str, Any] = {
        "data": data,
        "params": params,
        "errors": errors,
        "url": lambda **changes: _url(params, **changes),
        "choices": repository.customer_choices(session),
        "segment_keys": list(SEGMENTS),
        "label": lambda key: label(key, lang),
        "why": lambda reason: reason_text(reason, tx, formats_for(request, user)),
        "churn_days": _churn_days(data),
        "auc": _auc(data),
        "chart": chart_data(_chart(data, lang, tx)),
        "can_export": user.can(Permission.EXPORT),
        "can_see_people": user.can(PEOPLE),
        "max_limit": MAX_LIMIT,
        "needs": {"customers": MIN_CUSTOMERS, "repeat": MIN_REPEAT_BUYERS,
                  "days": 2 * CHURN_DAYS, "n": churn_service.MIN_PER_CLASS},
        **common,
    }  # fmt: skip
    status = 422 if errors else 200
    return render(request, "predict/customers.html", user, TEXTS, active="customers",
                  status=status, **context)  # fmt: skip


@router.post("/customers/refresh")
def refresh(
    request: Request, user: Writer, session: SessionDep, settings: SettingsDep
) -> RedirectResponse:
    """Compute RFM, CLV and churn risk now (what the nightly job does)."""
    done = refresh_all(session, tz=settings.tz)
    audit.record(session, user, "predictions.refresh", object_type="predictions",
                 details={"rfm": done.rfm, "clv": done.clv, "churn": done.churn,
                          "skipped": sorted(done.skipped)}, ip=client_ip(request))  # fmt: skip
    return RedirectResponse("/customers?done=refreshed", 303)


@router.get("/customers/{customer_id:path}", response_class=HTMLResponse)
def customer_page(
    request: Request, customer_id: str, user: PeopleReader, session: SessionDep
) -> HTMLResponse:
    """One customer: predictions with reasons, RFM, and their orders, answers and cases."""
    lang = language_or_default(user.language)
    tx = page_texts(lang, TEXTS)
    try:
        detail = customers.customer_detail(session, customer_id)
    except NotFoundError:
        return render(request, "predict/missing.html", user, TEXTS, active="customers",
                      status=404, customer_id=customer_id)  # fmt: skip
    fmt = formats_for(request, user)
    churn_fit = detail.churn_fit
    days = int(churn_fit.params.get("horizon_days", CHURN_DAYS)) if churn_fit else CHURN_DAYS
    return render(request, "predict/customer.html", user, TEXTS, active="customers",
                  d=detail, c=detail.view, p=detail.prediction,
                  label=lambda key: label(key, lang), churn_days=days,
                  lookback_days=LOOKBACK_DAYS,
                  why=lambda reason: reason_text(reason, tx, fmt))  # fmt: skip


__all__ = ["Row", "router"]
