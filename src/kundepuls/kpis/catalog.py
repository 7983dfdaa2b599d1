"""Every built-in KPI of kundepuls, as declarations the engine evaluates.

A KPI names its fact table, the column that places a row in time, and a *statistic block*
that says which rows are units (the ``n``), what is measured on them and which interval
method applies. The blocks are the same ones custom KPIs are built from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import ibis.expr.types as ir

Expr = Callable[[ir.Table], ir.Value]
"""A column expression over a fact table (the table is passed in when the query is built)."""


@dataclass(frozen=True)
class Nps:
    """Net promoter score of a 0–10 score column; n = rows with a score."""

    score: Expr
    method: str = "nps"


@dataclass(frozen=True)
class Share:
    """100 × share of units where ``success`` holds; Wilson interval."""

    success: Expr
    unit: Expr | None = None
    method: str = "wilson"


@dataclass(frozen=True)
class Mean:
    """Mean of ``value`` over units where it is not missing; t interval."""

    value: Expr
    unit: Expr | None = None
    method: str = "mean_t"


@dataclass(frozen=True)
class Median:
    """Median of ``value``; order-statistic interval."""

    value: Expr
    unit: Expr | None = None
    method: str = "median"


@dataclass(frozen=True)
class Count:
    """Number of units; Poisson interval."""

    unit: Expr | None = None
    method: str = "poisson"


@dataclass(frozen=True)
class Rate:
    """Rows of ``numerator`` per ``scale`` units of this table (a Poisson rate).

    n is the number of denominator units (e.g. orders); the numerator table is filtered
    and broken down the same way, by its own event time.
    """

    numerator: str
    numerator_time: str
    scale: float = 100.0
    numerator_where: Expr | None = None
    method: str = "rate"


@dataclass(frozen=True)
class PerCustomer:
    """A statistic over ordering customers: each customer's number of rows in the group.

    ``share_at_least`` set: 100 × share of customers with at least that many rows
    (Wilson); otherwise the mean number of rows per customer (t interval on the
    per-customer counts, which is the delta-method interval of orders / customers).
    """

    share_at_least: int | None = None

    @property
    def method(self) -> str:
        return "wilson" if self.share_at_least is not None else "mean_t"


@dataclass(frozen=True)
class Churn:
    """Customers active in the previous period who are (not) active in this one."""

    retained: bool = False
    method: str = "wilson"


@dataclass(frozen=True)
class Cumulative:
    """Mean over customers of their total ``value`` from the first row to the period's end."""

    value: Expr
    method: str = "mean_t"


Stat = Nps | Share | Mean | Median | Count | Rate | PerCustomer | Churn | Cumulative


@dataclass(frozen=True)
class Kpi:
    """A KPI declaration.

    Examples
    --------
    >>> KPIS["nps"].table, KPIS["nps"].time_column, KPIS["nps"].stat.method
    ('responses', 'submitted_at', 'nps')
    """

    key: str
    label_nb: str
    label_en: str
    unit: str
    higher_is_better: bool
    table: str
    time_column: str
    stat: Stat
    description: str
    where: Expr | None = None
    custom: bool = False
    columns: tuple[str, ...] = field(default=())

    @property
    def method(self) -> str:
        return self.stat.method

    def label(self, lang: str) -> str:
        """The KPI's name in ``lang`` (English for "en", Bokmål otherwise)."""
        return self.label_en if lang == "en" else self.label_nb


def hours(start: str, end: str) -> Expr:
    """Calendar hours from column ``start`` to column ``end``."""

    def expr(t: ir.Table) -> ir.Value:
        return (t[end].epoch_seconds() - t[start].epoch_seconds()).cast("float64") / 3600.0

    return expr


def _col(name: str) -> Expr:
    return lambda t: t[name]


def _present(name: str) -> Expr:
    return lambda t: t[name].notnull()


def _first_contact(t: ir.Table) -> ir.Value:
    # contacts missing counts as one contact; reopened missing counts as not reopened
    # (booleans are cast because SQLite stores them as integers).
    single = t.contacts.fill_null(1) == 1
    return single & (t.reopened.cast("int32").fill_null(0) == 0)


def _resolved_complaint(t: ir.Table) -> ir.Value:
    return (t.status == "resolved") & t.resolved_at.notnull()


def _answered(t: ir.Table) -> ir.Value:
    return t.answered_at.notnull() | t.response_id.notnull()


def _amount(t: ir.Table) -> ir.Value:
    return t.amount.cast("float64")


_R, _T, _O, _C = "responses", "tickets", "orders", "complaints"

BUILTIN: tuple[Kpi, ...] = (
    Kpi("nps", "NPS", "NPS", "score", True, _R, "submitted_at", Nps(_col("nps")),
        "100 × (promoters − detractors) / n over responses with an NPS score"),
    Kpi("csat", "CSAT", "CSAT", "%", True, _R, "submitted_at",
        Share(lambda t: t.csat >= 4, _present("csat")),
        "100 × share of CSAT scores 4 or 5 (top-2-box)"),
    Kpi("csat_mean", "CSAT-snitt", "CSAT mean", "score", True, _R, "submitted_at",
        Mean(_col("csat")), "mean CSAT score (1–5)"),
    Kpi("ces", "CES", "CES", "score", True, _R, "submitted_at", Mean(_col("ces")),
        "mean CES score (1 = very hard … 7 = very easy)"),
    Kpi("first_response_hours", "Første svartid (timer)", "First response time (hours)",
        "hours", False, _T, "created_at", Mean(hours("created_at", "first_response_at")),
        "mean hours from created_at to first_response_at"),
    Kpi("first_response_hours_median", "Første svartid, median (timer)",
        "First response time, median (hours)", "hours", False, _T, "created_at",
        Median(hours("created_at", "first_response_at")),
        "median hours from created_at to first_response_at"),
    Kpi("resolution_hours", "Løsningstid (timer)", "Resolution time (hours)", "hours", False,
        _T, "created_at", Mean(hours("created_at", "resolved_at")),
        "mean hours from created_at to resolved_at, resolved tickets"),
    Kpi("resolution_hours_median", "Løsningstid, median (timer)",
        "Resolution time, median (hours)", "hours", False, _T, "created_at",
        Median(hours("created_at", "resolved_at")),
        "median hours from created_at to resolved_at, resolved tickets"),
    Kpi("fcr", "Løst ved første kontakt", "First contact resolution", "%", True, _T,
        "created_at", Share(_first_contact, _present("resolved_at")),
        "100 × share of resolved tickets with one contact and not reopened"),
    Kpi("purchase_frequency", "Kjøpsfrekvens", "Purchase frequency", "orders/customer", True,
        _O, "ordered_at", PerCustomer(), "orders / distinct ordering customers"),
    Kpi("aov", "Gjennomsnittlig ordreverdi", "Average order value", "currency", True, _O,
        "ordered_at", Mean(_amount), "mean order amount"),
    Kpi("repeat_purchase_rate", "Gjenkjøpsrate", "Repeat purchase rate", "%", True, _O,
        "ordered_at", PerCustomer(share_at_least=2),
        "100 × share of ordering customers with 2 or more orders in the period"),
    Kpi("clv_historical", "Historisk kundeverdi", "Historical customer value", "currency",
        True, _O, "ordered_at", Cumulative(_amount),
        "mean total order amount up to the period's end, customers with an order"),
    Kpi("churn_rate", "Frafallsrate", "Churn rate", "%", False, _O, "ordered_at", Churn(),
        "100 × share of the previous period's ordering customers with no order in this one"),
    Kpi("retention_rate", "Kundelojalitet", "Retention rate", "%", True, _O, "ordered_at",
        Churn(retained=True), "100 − churn rate"),
    Kpi("complaint_count", "Antall klager", "Complaints", "count", False, _C, "created_at",
        Count(), "number of complaints"),
    Kpi("complaint_rate", "Klagerate", "Complaint rate", "per 100 orders", False, _O,
        "ordered_at", Rate(_C, "created_at"), "complaints per 100 orders"),
    Kpi("complaint_resolution_rate", "Andel løste klager", "Complaint resolution rate", "%",
        True, _C, "created_at", Share(lambda t: t.status == "resolved"),
        "100 × share of complaints with status resolved"),
    Kpi("complaint_resolution_hours", "Klagebehandlingstid (timer)",
        "Complaint resolution time (hours)", "hours", False, _C, "created_at",
        Mean(hours("created_at", "resolved_at"), _resolved_complaint),
        "mean hours from created_at to resolved_at, resolved complaints"),
    Kpi("response_rate", "Svarprosent", "Response rate", "%", True, "invitations", "sent_at",
        Share(_answered), "100 × answered invitations / invitations sent by kundepuls"),
)  # fmt: skip

KPIS: dict[str, Kpi] = {kpi.key: kpi for kpi in BUILTIN}
