"""Use cases of the reports domain: the report of a period, as HTML and as PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.reports import findings, render, view
from kundepuls.reports.headline import KpiLine, headline, kpi_keys
from kundepuls.reports.periods import Period, parse_period
from kundepuls.reports.texts import language
from kundepuls.reports.themes import ThemeSummary, theme_summary


@dataclass
class Report:
    """Everything a report shows, before formatting."""

    period: Period
    lang: str
    lines: list[KpiLine]
    changes: list[findings.SegmentChange]
    weekend: findings.Ratio | None
    themes: ThemeSummary
    made: date
    min_sample: int


def today(settings: Settings, now: datetime | None = None) -> date:
    """The local date now (or at ``now``) in the configured timezone."""
    return (now or datetime.now(UTC)).astimezone(settings.tz).date()


def build_report(
    session: Session,
    settings: Settings,
    period: str | Period,
    lang: str | None = None,
    kpis: list[str] | None = None,
    *,
    with_themes: bool = True,
) -> Report:
    """Compute the report of ``period`` (text such as ``2026-Q3``, or a Period)."""
    chosen = parse_period(period) if isinstance(period, str) else period
    lines = headline(session, settings, chosen, kpi_keys(settings, kpis))
    return Report(
        period=chosen,
        lang=language(lang),
        lines=lines,
        changes=findings.segment_changes(session, settings, chosen),
        weekend=findings.weekend_ratio(session, settings, chosen),
        themes=theme_summary(session, settings, chosen) if with_themes else ThemeSummary(0, []),
        made=today(settings),
        min_sample=settings.min_sample,
    )


def report_html(report: Report) -> str:
    """The report as one self-contained HTML document (inline CSS and SVG)."""
    return render.render_template("reports/report.html", **view.report_context(report))


def report_pdf(report: Report) -> tuple[bytes, int]:
    """The report as PDF bytes and its number of pages."""
    return render.html_to_pdf(report_html(report))
