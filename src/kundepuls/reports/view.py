"""Report content as the strings and flags the templates show (formatting in one place)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from kundepuls.reports import charts
from kundepuls.reports.findings import Ratio, SegmentChange
from kundepuls.reports.headline import KpiLine
from kundepuls.reports.render import (
    decimals,
    fmt_date,
    fmt_interval,
    fmt_number,
    fmt_signed,
    fmt_value,
    period_name,
)
from kundepuls.reports.texts import text
from kundepuls.reports.themes import ThemeLine

if TYPE_CHECKING:
    from kundepuls.reports.service import Report


def report_context(report: Report) -> dict[str, Any]:
    """The template context of the report."""
    lang, period = report.lang, report.period
    before = period.previous()
    last_day = report.made - timedelta(days=1)
    rows = [kpi_row(line, lang, period.trend_grain) for line in report.lines]
    return {
        "lang": lang,
        "rt": lambda key, **values: text(key, lang, **values),
        "title": period_name(period.kind, period.start, lang),
        "dates": f"{fmt_date(period.start, lang)} – {fmt_date(period.end, lang)}",
        "made": text("made", lang, date=fmt_date(report.made, lang)),
        "so_far": text("so_far", lang, date=fmt_date(last_day, lang))
        if period.end >= report.made
        else None,
        "previous_name": period_name(before.kind, before.start, lang),
        "grain": text(f"grain_{period.trend_grain}", lang),
        "kpis": rows,
        "findings": [
            *kpi_change_rows(report.lines, lang, before),
            *finding_rows(report.changes, report.weekend, lang, before),
        ],
        "themes": [theme_row(t, lang, report.min_sample) for t in report.themes.top(6)],
        "comments": fmt_number(report.themes.comments, 0, lang),
        "fix_first": fix_rows(report.themes.fix_first(3), lang),
        "min_sample": report.min_sample,
        "any_low_sample": any(row["low_sample"] for row in rows),
        "any_target": any(line.target is not None for line in report.lines),
    }


def kpi_row(line: KpiLine, lang: str, grain: str, chart: bool = True) -> dict[str, Any]:
    """One KPI as table cells: value, interval, n, target, status, change."""
    digits = decimals(line.key, line.unit)
    return {
        "key": line.key,
        "label": line.label(lang),
        "value": fmt_value(line.value, line.key, line.unit, lang),
        "interval": fmt_interval(line.low, line.high, line.key, line.unit, lang),
        "n": fmt_number(line.n, 0, lang),
        # No data at all is shown as a dash, not as a small sample.
        "low_sample": line.low_sample and line.n > 0,
        "empty": line.n == 0,
        "target": fmt_value(line.target, line.key, line.unit, lang) if line.target is not None
        else "",
        "status": line.status or "",
        "status_text": text(line.status, lang) if line.status else "",
        "change": fmt_signed(line.diff, digits, lang),
        "change_interval": fmt_interval(line.diff_low, line.diff_high, line.key, line.unit, lang),
        "significant": line.significant,
        "better": line.better,
        "has_change": line.diff is not None,
        # Made by vl-convert from numbers and dates only, so it is shown as it is.
        "chart": Markup(charts.trend_svg(line, grain, lang)) if chart else "",  # noqa: S704
    }  # fmt: skip


def kpi_change_rows(lines: list[KpiLine], lang: str, before: Any) -> list[dict[str, Any]]:
    """The headline KPIs that changed significantly, as sentences (at most three)."""
    rows = []
    for line in [x for x in lines if x.significant and x.diff is not None][:3]:
        digits = decimals(line.key, line.unit)
        sentence = text(
            "kpi_change",
            lang,
            kpi=line.label(lang),
            direction=text("rose" if (line.diff or 0) > 0 else "fell", lang),
            previous=fmt_value(line.previous, line.key, line.unit, lang),
            period_before=period_name(before.kind, before.start, lang),
            value=fmt_value(line.value, line.key, line.unit, lang),
            diff=fmt_signed(line.diff, digits, lang),
            low=fmt_signed(line.diff_low, digits, lang),
            high=fmt_signed(line.diff_high, digits, lang),
        )
        rows.append({"text": sentence, "better": line.better})
    return rows


def finding_rows(
    changes: list[SegmentChange], weekend: Ratio | None, lang: str, before: Any
) -> list[dict[str, Any]]:
    """The findings as sentences, each marked good or bad news."""
    rows = [{"text": change_sentence(c, lang, before), "better": c.better} for c in changes]
    if weekend is not None and weekend.value == weekend.value:  # not NaN
        differs = weekend.low > 1.0 or weekend.high < 1.0
        better = (weekend.high < 1.0) if differs else None
        rows.append({"text": weekend_sentence(weekend, lang), "better": better})
    return rows


def change_sentence(change: SegmentChange, lang: str, before: Any) -> str:
    digits = decimals(change.kpi, change.unit)
    return text(
        "segment_change",
        lang,
        kpi=change.label(lang),
        segment=change.segment,
        dimension=text(f"dim_{change.dimension}", lang),
        value=fmt_value(change.value, change.kpi, change.unit, lang),
        previous=fmt_value(change.previous, change.kpi, change.unit, lang),
        period_before=period_name(before.kind, before.start, lang),
        diff=fmt_signed(change.diff, digits, lang),
        low=fmt_signed(change.diff_low, digits, lang),
        high=fmt_signed(change.diff_high, digits, lang),
        q=fmt_number(change.q_value, 3, lang) if change.q_value >= 0.001 else "< 0" + (
            "," if lang == "nb" else ".") + "001",
    )  # fmt: skip


def weekend_sentence(ratio: Ratio, lang: str) -> str:
    key = "weekend" if ratio.low > 1.0 or ratio.high < 1.0 else "weekend_same"
    return text(
        key,
        lang,
        ratio=fmt_number(ratio.value, 1, lang),
        low=fmt_number(ratio.low, 2, lang),
        high=fmt_number(ratio.high, 2, lang),
        weekend=fmt_number(ratio.mean_a, 1, lang),
        weekday=fmt_number(ratio.mean_b, 1, lang),
        n_weekend=fmt_number(ratio.n_a, 0, lang),
        n_weekday=fmt_number(ratio.n_b, 0, lang),
    )


def theme_row(theme: ThemeLine, lang: str, min_sample: int = 30) -> dict[str, Any]:
    return {
        "label": theme.label(lang),
        "mentions": fmt_number(theme.mentions, 0, lang),
        "negative": fmt_number(theme.negative_share, 0, lang) + "\u00a0%",
        "negative_interval": fmt_interval(
            theme.negative_low, theme.negative_high, "", "count", lang
        )
        if theme.negative_low is not None
        else "",
        "positive": fmt_number(theme.positive_share, 0, lang) + "\u00a0%",
        "negative_width": round(theme.negative_share, 1),
        "positive_width": round(theme.positive_share, 1),
        "low_sample": theme.mentions < min_sample,
    }


def fix_rows(themes: list[ThemeLine], lang: str) -> list[dict[str, Any]]:
    """What to fix first, each theme with an example comment that no theme above showed."""
    shown: set[str] = set()
    rows = []
    for theme in themes:
        example = next((e for e in theme.examples if e not in shown), None)
        if example:
            shown.add(example)
        rows.append(fix_row(theme, lang, example))
    return rows


def fix_row(theme: ThemeLine, lang: str, example: str | None) -> dict[str, Any]:
    return {
        "label": theme.label(lang),
        "text": text(
            "fix_line",
            lang,
            theme=theme.label(lang),
            negative=fmt_number(theme.negative, 0, lang),
            mentions=fmt_number(theme.mentions, 0, lang),
            share=fmt_number(theme.negative_share, 0, lang) + "\u00a0%",
        ),
        "example": example,
    }
