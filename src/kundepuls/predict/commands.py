"""``kundepuls predict …``: CLV, churn risk, RFM segments, forecasts and customer lists."""

import csv
import io
import json
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from kundepuls.config import get_settings
from kundepuls.kit.errors import UsageError

# The models pull in scipy, pandas and scikit-learn: they are imported inside the commands
# so that the rest of the CLI starts fast.

app = typer.Typer(help="Predict CLV, churn risk and KPIs; RFM segments; customer lists.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", help="table, json or csv.")]
LimitOpt = Annotated[int | None, typer.Option(help="Show at most this many rows.")]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return value


def emit(rows: list[dict[str, Any]], columns: list[str], fmt: Format, title: str = "") -> None:
    """Print ``rows`` as a table, a JSON array or CSV with the given columns."""
    from rich.table import Table

    picked = [{c: _plain(row.get(c)) for c in columns} for row in rows]
    if fmt is Format.json:
        typer.echo(json.dumps(picked, ensure_ascii=False, indent=2))
    elif fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(picked)
        typer.echo(buffer.getvalue(), nl=False)
    else:
        table = Table(title=title or None)
        for column in columns:
            table.add_column(column)
        for row in picked:
            table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
        out.print(table)


def _session() -> Any:
    from kundepuls.db import engine_for, session_scope

    return session_scope(engine_for(get_settings().database_url))


CUSTOMER_COLUMNS = [
    "customer_id",
    "frequency",
    "prob_alive",
    "predicted_purchases",
    "expected_avg_value",
    "clv",
    "rfm_segment",
    "churn_risk",
]


@app.command("clv")
def clv_command(
    fmt: FormatOpt = Format.table,
    horizon_months: Annotated[int, typer.Option(help="Months ahead to value.")] = 12,
    discount_rate: Annotated[float, typer.Option(help="Monthly discount rate.")] = 0.01,
    penalizer: Annotated[float, typer.Option(help="L2 penalty on the parameters.")] = 0.0,
    summary_file: Annotated[
        Path | None,
        typer.Option(help="Fit on a CSV of frequency, recency, T[, monetary_value] instead."),
    ] = None,
    limit: LimitOpt = 20,
) -> None:
    """Fit BG/NBD + Gamma-Gamma on the orders and store CLV and P(alive) per customer."""
    if summary_file is not None:
        from kundepuls.predict.filefit import fit_summary_file

        emit(fit_summary_file(summary_file, penalizer), ["model", "parameter", "value"], fmt)
        return
    from kundepuls.predict import service

    settings = get_settings()
    with _session() as session:
        report = service.refresh_clv(
            session,
            tz=settings.tz,
            horizon_months=horizon_months,
            discount_rate=discount_rate,
            penalizer=penalizer,
        )
    for note in report.notes:
        err.print(f"note: {note}", highlight=False)
    if fmt is Format.table:
        params = {**report.bgnbd, **report.gamma_gamma}
        out.print(
            f"{report.n_customers} customers ({report.n_repeat_buyers} repeat buyers); "
            + ", ".join(f"{k}={v:.4g}" for k, v in params.items()),
            highlight=False,
        )
    emit(report.customers[:limit] if limit else report.customers, CUSTOMER_COLUMNS, fmt)


@app.command("rfm")
def rfm_command(fmt: FormatOpt = Format.table, language: str = "en") -> None:
    """Score every customer on recency, frequency and spend; show the segments."""
    from kundepuls.predict import repository, service
    from kundepuls.predict.rfm import label

    settings = get_settings()
    with _session() as session:
        service.refresh_rfm(session, tz=settings.tz)
        summary = repository.segment_summary(session)
    rows = [
        {
            "rfm_segment": s,
            "label": label(s, language),
            "customers": n,
            "mean_clv": c,
            "mean_monetary_value": m,
        }
        for s, n, c, m in summary
    ]
    emit(rows, ["rfm_segment", "label", "customers", "mean_clv", "mean_monetary_value"], fmt)


@app.command("ambassadors")
def ambassadors_command(
    fmt: FormatOpt = Format.table,
    min_value_quantile: Annotated[float, typer.Option(help="CLV quantile to reach.")] = 0.5,
    limit: LimitOpt = None,
) -> None:
    """Promoters with high predicted value and no open complaint (for referral work)."""
    from kundepuls.predict import lists

    check_quantile(min_value_quantile)
    with _session() as session:
        rows = lists.ambassadors(session, min_value_quantile=min_value_quantile, limit=limit)
    emit(rows, ["customer_id", "last_nps", "clv", "prob_alive", "rfm_segment"], fmt)


@app.command("at-risk")
def at_risk_command(
    fmt: FormatOpt = Format.table,
    min_value_quantile: Annotated[float, typer.Option(help="CLV quantile to reach.")] = 0.7,
    limit: LimitOpt = None,
) -> None:
    """Valuable customers with low or falling P(alive) or a recent detractor answer."""
    from kundepuls.predict import lists

    check_quantile(min_value_quantile)
    with _session() as session:
        rows = lists.at_risk(session, min_value_quantile=min_value_quantile, limit=limit)
    emit(rows, ["customer_id", "clv", "prob_alive", "prob_alive_before", "reasons"], fmt)


def check_quantile(value: float) -> None:
    if not 0 <= value <= 1:
        raise UsageError(f"--min-value-quantile must be between 0 and 1, not {value}")


@app.command("churn")
def churn_command(
    fmt: FormatOpt = Format.table,
    horizon_days: Annotated[
        int, typer.Option(help="Days without an order that count as churn.")
    ] = 90,
    limit: LimitOpt = 20,
) -> None:
    """Fit the churn models on a time-based holdout, report them and store risk per customer."""
    from kundepuls.predict import churn_service, repository, service

    settings = get_settings()
    with _session() as session:
        result = churn_service.refresh_churn(session, tz=settings.tz, horizon_days=horizon_days)
        stored = sorted(
            (p for p in repository.predictions(session) if p.churn_risk is not None),
            key=lambda p: -(p.churn_risk or 0),
        )
        rows = [service.prediction_dict(p) for p in (stored[:limit] if limit else stored)]
    report = result.report
    if fmt is Format.json:
        body = {
            "holdout": report.as_dict(),
            "used_features": result.model_features,
            "customers": [{c: _plain(r[c]) for c in CHURN_COLUMNS} for r in rows],
        }
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    summary = _holdout_rows(report)
    emit(summary, list(summary[0]), fmt, title=f"Holdout ({report.n_holdout} customers)")
    if fmt is Format.table:
        low, high = report.auc_gain_ci
        verdict = "add" if report.experience_adds_value else "do not add detectably"
        out.print(
            f"Experience signals {verdict} to purchase behaviour: AUC gain "
            f"{report.auc_gain:+.3f} (95 % CI {low:+.3f} to {high:+.3f})."
        )
        emit(rows, CHURN_COLUMNS, fmt)


def _holdout_rows(report: Any) -> list[dict[str, Any]]:
    models = (("behaviour", report.behaviour), ("behaviour+experience", report.with_experience))
    return [
        {
            "model": name,
            "features": len(e.features),
            "auc": e.auc,
            "brier": e.brier,
            "top_decile_lift": e.top_decile_lift,
            "base_rate": e.base_rate,
        }
        for name, e in models
    ]


CHURN_COLUMNS = ["customer_id", "churn_risk", "prob_alive", "clv", "churn_reasons"]


@app.command("forecast")
def forecast_command(
    file: Annotated[Path, typer.Argument(help="CSV or JSON of a KPI series (kpi show output).")],
    periods: Annotated[int, typer.Option(help="Periods to forecast.")] = 3,
    grain: Annotated[str, typer.Option(help="day, week, month, quarter or year.")] = "month",
    value_column: Annotated[str, typer.Option(help="Column with the KPI value.")] = "value",
    period_column: Annotated[
        str, typer.Option(help="Column with the period start.")
    ] = "period_start",
    level: Annotated[float, typer.Option(help="Interval coverage.")] = 0.95,
    fmt: FormatOpt = Format.table,
) -> None:
    """Forecast the next periods of a KPI series with prediction intervals."""
    from kundepuls.predict.forecast import forecast_series

    series = _read_series(file, period_column, value_column)
    result = forecast_series(series, periods=periods, grain=grain, level=level)
    for note in result.warnings:
        err.print(f"note: {note}", highlight=False)
    rows = result.table.to_dict("records")
    emit(
        [{str(k): v for k, v in r.items()} for r in rows],
        ["period_start", "forecast", "lower", "upper"],
        fmt,
    )


def _read_series(path: Path, period_column: str, value_column: str) -> Any:
    import pandas as pd

    from kundepuls.kit.errors import KundepulsError

    try:
        frame = pd.read_json(path) if path.suffix == ".json" else pd.read_csv(path)
    except (OSError, ValueError) as error:
        raise KundepulsError(f"cannot read {path}: {error}") from None
    for column in (period_column, value_column):
        if column not in frame.columns:
            raise KundepulsError(f"{path}: no column {column!r}")
    return pd.Series(frame[value_column].to_numpy(), index=frame[period_column])
