"""Use cases of the customers page: the summary, the RFM segments and the three lists, with
the page's filters, and one customer with their history.

Everything here reads what the last refresh stored (``customer_predictions`` and the fit
records); nothing is refitted. Reasons come back as :class:`Reason` (a key and numbers), so
that the page can say them in plain words in the reader's language.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from kundepuls.predict import lists, repository, service
from kundepuls.predict.models import CustomerPrediction, PredictionFit
from kundepuls.predict.rfm import SEGMENTS
from kundepuls.text.masking import mask

LISTS = ("valuable", "leaving", "ambassadors")
HIGH_RISK = 0.5  # churn risk at or above this counts as high (as in lists.at_risk)
LIKELY_ALIVE = 0.5
Z95 = 1.959963984540054
HISTORY_ROWS = 50


@dataclass(frozen=True)
class Filters:
    """The page's filters: RFM segment, customer region and segment, and the list size."""

    rfm: str | None = None
    region: str | None = None
    segment: str | None = None
    limit: int = 25


@dataclass(frozen=True)
class Reason:
    """Why a customer is listed: a key (a churn-model feature or a list rule) and numbers."""

    key: str
    values: tuple[Any, ...] = ()


@dataclass
class Row:
    """One customer in a list."""

    customer_id: str
    name: str | None
    region: str | None
    segment: str | None
    rfm_segment: str
    orders: int
    total_spend: float
    clv: float | None
    prob_alive: float | None
    churn_risk: float | None
    last_nps: int | None = None
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Summary:
    """Headline numbers over the filtered customers."""

    customers: int  # in the store (region/segment filters)
    predicted: int  # with stored predictions (at least one order)
    with_clv: int
    likely_alive: int  # P(alive) >= 0.5
    expected_alive: float | None  # sum of P(alive): the expected number still active
    alive_low: float | None  # 95 % interval of that number under the model
    alive_high: float | None
    total_clv: float | None
    mean_clv: float | None
    churn_scored: int
    high_risk: int
    at_risk: int  # valuable customers on the "about to leave" list
    ambassadors: int


@dataclass
class SegmentStat:
    key: str
    customers: int
    share: float  # of the customers with predictions, in per cent
    total_clv: float | None
    mean_clv: float | None
    mean_spend: float


@dataclass
class Overview:
    filters: Filters
    summary: Summary
    segments: list[SegmentStat]
    lists: dict[str, list[Row]]
    clv_fit: PredictionFit | None
    churn_fit: PredictionFit | None
    rfm_at: datetime | None


def has_predictions(session: Session) -> bool:
    return bool(repository.predictions(session, limit=1))


def overview(session: Session, filters: Filters) -> Overview:
    """Summary, segments and the full lists (not cut to ``filters.limit``) for the filters."""
    people = repository.customers_where(session, region=filters.region, segment=filters.segment)
    loaded = lists.load(session)
    every, nps = loaded
    stored = [p for p in every if p.customer_id in people]
    chosen = [p for p in stored if not filters.rfm or p.rfm_segment == filters.rfm]
    clv_fit = repository.latest_fit(session, "clv")
    orders = repository.order_counts(session)

    def row(p: CustomerPrediction, reasons: list[Reason] | None = None) -> Row:
        name, region, segment = people[p.customer_id]
        answer = nps.get(p.customer_id)
        return Row(
            p.customer_id, name, region, segment, p.rfm_segment, orders.get(p.customer_id, 0),
            p.total_spend, p.clv, p.prob_alive, p.churn_risk,
            answer[0] if answer else None, reasons or [],
        )  # fmt: skip

    by_id = {p.customer_id: p for p in chosen}
    valuable = sorted(chosen, key=lambda p: (-(p.clv or -math.inf), -p.total_spend))
    leaving: list[Row] = []
    ambassadors: list[Row] = []
    if clv_fit is not None:
        for item in lists.at_risk(session, loaded=loaded):
            if item["customer_id"] in by_id:
                p = by_id[item["customer_id"]]
                why = list_reasons(item["reasons"]) + churn_reasons(p)
                if not why and p.churn_risk is not None:
                    why = [Reason("churn_risk", (p.churn_risk,))]
                leaving.append(row(p, why))
        leaving.sort(key=_urgency)
        ambassadors = [
            row(by_id[a["customer_id"]])
            for a in lists.ambassadors(session, loaded=loaded)
            if a["customer_id"] in by_id
        ]
    rfm_at = max((p.fitted_at for p in stored), default=None)
    return Overview(
        filters=filters,
        summary=_summary(len(people), chosen, len(leaving), len(ambassadors), filters),
        segments=_segments(stored),
        lists={"valuable": [row(p) for p in valuable], "leaving": leaving,
               "ambassadors": ambassadors},
        clv_fit=clv_fit,
        churn_fit=repository.latest_fit(session, "churn"),
        rfm_at=rfm_at,
    )  # fmt: skip


def _urgency(row: Row) -> tuple[int, float, float]:
    """Fresh warning signs first (a falling P(alive), a recent low NPS), then churn risk.

    A customer whose only sign is a high churn risk has often been gone for a long time;
    one whose P(alive) fell or who just answered 0–6 can still be won back.
    """
    fresh = any(r.key in ("alive_fell", "alive_low", "detractor") for r in row.reasons)
    risk = row.churn_risk if row.churn_risk is not None else -1.0
    return (0 if fresh else 1, -risk, -(row.clv or 0.0))


def _summary(
    customers: int, chosen: list[CustomerPrediction], at_risk: int, ambassadors: int,
    filters: Filters,
) -> Summary:  # fmt: skip
    alive = [p.prob_alive for p in chosen if p.prob_alive is not None]
    values = [p.clv for p in chosen if p.clv is not None]
    risks = [p.churn_risk for p in chosen if p.churn_risk is not None]
    expected = low = high = None
    if alive:
        # The number still active is a sum of independent Bernoulli(P(alive)) under the
        # model: its mean is the sum of the probabilities, its variance the sum of p(1-p).
        expected = sum(alive)
        spread = Z95 * math.sqrt(sum(p * (1 - p) for p in alive))
        low, high = max(0.0, expected - spread), min(float(len(alive)), expected + spread)
    total = sum(values) if values else None
    return Summary(
        customers=len(chosen) if filters.rfm else customers,
        predicted=len(chosen),
        with_clv=len(values),
        likely_alive=sum(1 for p in alive if p >= LIKELY_ALIVE),
        expected_alive=expected,
        alive_low=low,
        alive_high=high,
        total_clv=total,
        mean_clv=total / len(values) if total is not None else None,
        churn_scored=len(risks),
        high_risk=sum(1 for r in risks if r >= HIGH_RISK),
        at_risk=at_risk,
        ambassadors=ambassadors,
    )


def _segments(stored: list[CustomerPrediction]) -> list[SegmentStat]:
    """Customers, share and value per RFM segment, in the order of :data:`SEGMENTS`."""
    stats = []
    for key in SEGMENTS:
        inside = [p for p in stored if p.rfm_segment == key]
        if not inside:
            continue
        values = [p.clv for p in inside if p.clv is not None]
        total = sum(values) if values else None
        stats.append(
            SegmentStat(
                key=key,
                customers=len(inside),
                share=100 * len(inside) / len(stored),
                total_clv=total,
                mean_clv=total / len(values) if total is not None else None,
                mean_spend=sum(p.total_spend for p in inside) / len(inside),
            )
        )
    return stats


_CHURN = re.compile(r"^(\w+)=(\S+) \(\+([0-9.]+)\)$")
_FELL = re.compile(r"^P\(alive\) fell from ([0-9.]+) to ([0-9.]+)$")
_LOW = re.compile(r"^P\(alive\) ([0-9.]+) below ([0-9.]+)$")
_DETRACTOR = re.compile(r"^detractor answer \(NPS (\d+)\) on (\d{4}-\d{2}-\d{2})$")
_CHURN_RISK = re.compile(r"^churn risk [0-9.]+$")
# Features stored on a log scale, shown on their own scale.
_LOG_FEATURES = {"log_spend", "log_first_response_hours"}
# A reason must raise the log-odds of churning by at least this much (odds × 1.22) to be
# shown: the model's smallest pushes come from correlated purchase features and read as
# noise ("13 orders raises the risk").
MIN_LOG_ODDS = 0.2


def churn_reasons(p: Any) -> list[Reason]:
    """The churn model's reasons (``feature=value (+contribution)``) as :class:`Reason`."""
    found = []
    for text in p.churn_reasons or []:
        match = _CHURN.match(text)
        if match is None:
            found.append(Reason("text", (text,)))
            continue
        key, value = match.group(1), float(match.group(2))
        if float(match.group(3)) < MIN_LOG_ODDS:
            continue
        if key in _LOG_FEATURES:
            value = math.expm1(value)
        if key in ("no_nps", "no_csat") and value < 0.5:
            continue  # "has answered" is no reason to leave, whatever the model weighs
        found.append(Reason(key, (value,)))
    return found


def list_reasons(texts: list[str]) -> list[Reason]:
    """The at-risk list's reasons (see :func:`lists.at_risk`) as :class:`Reason`."""
    found = []
    for text in texts:
        if match := _FELL.match(text):
            found.append(Reason("alive_fell", (float(match[1]), float(match[2]))))
        elif match := _LOW.match(text):
            found.append(Reason("alive_low", (float(match[1]),)))
        elif match := _DETRACTOR.match(text):
            found.append(Reason("detractor", (int(match[1]), date.fromisoformat(match[2]))))
        elif not _CHURN_RISK.match(text):  # the risk itself is a column of its own
            found.append(Reason("text", (text,)))
    return found


@dataclass
class CustomerDetail:
    """One customer: facts, predictions with reasons, list membership and history."""

    view: dict[str, Any]
    prediction: CustomerPrediction | None
    churn_reasons: list[Reason]
    at_risk_reasons: list[Reason] | None  # None: not on the "about to leave" list
    ambassador: bool
    clv_rank: tuple[int, int] | None  # (place by predicted value, customers with a value)
    orders: list[Any]
    responses: list[dict[str, Any]]
    tickets: list[Any]
    complaints: list[Any]
    counts: dict[str, int]
    clv_fit: PredictionFit | None
    churn_fit: PredictionFit | None


def customer_detail(session: Session, customer_id: str) -> CustomerDetail:
    """One customer; :class:`NotFoundError` for an unknown id. Comments come back masked."""
    view = service.customer_view(session, customer_id)
    p = repository.prediction(session, customer_id)
    clv_fit = repository.latest_fit(session, "clv")
    risk_reasons: list[Reason] | None = None
    ambassador = False
    rank = None
    if p is not None and clv_fit is not None and p.clv is not None:
        loaded = lists.load(session)
        on_list = [
            r for r in lists.at_risk(session, loaded=loaded) if r["customer_id"] == customer_id
        ]
        risk_reasons = list_reasons(on_list[0]["reasons"]) if on_list else None
        ambassador = any(
            a["customer_id"] == customer_id for a in lists.ambassadors(session, loaded=loaded)
        )
        values = [q.clv for q in loaded[0] if q.clv is not None]
        rank = (1 + sum(1 for v in values if v > p.clv), len(values))
    name = view["name"]
    responses = [
        {"answer": r, "comment": mask(r.comment, name) if r.comment else None}
        for r in repository.customer_responses(session, customer_id, HISTORY_ROWS)
    ]
    return CustomerDetail(
        view=view,
        prediction=p,
        churn_reasons=churn_reasons(p) if p is not None else [],
        at_risk_reasons=risk_reasons,
        ambassador=ambassador,
        clv_rank=rank,
        orders=list(repository.customer_orders(session, customer_id, HISTORY_ROWS)),
        responses=responses,
        tickets=list(repository.customer_tickets(session, customer_id, HISTORY_ROWS)),
        complaints=list(repository.customer_complaints(session, customer_id, HISTORY_ROWS)),
        counts={"orders": view["orders"], **repository.customer_counts(session, customer_id)},
        clv_fit=clv_fit,
        churn_fit=repository.latest_fit(session, "churn"),
    )


def check_filters(
    session: Session, rfm: str | None, region: str | None, segment: str | None
) -> dict[str, str]:
    """Field → the value that is not one of its choices (the page says which)."""
    choices = repository.customer_choices(session)
    wrong = {}
    if rfm and rfm not in SEGMENTS:
        wrong["rfm"] = rfm
    if region and region not in choices["region"]:
        wrong["region"] = region
    if segment and segment not in choices["segment"]:
        wrong["segment"] = segment
    return wrong
