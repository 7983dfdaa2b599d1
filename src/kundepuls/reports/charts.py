"""Small trend charts as static SVG: Vega-Lite specs rendered offline by vl-convert.

The SVG is put inline in the report's HTML, so neither the browser nor WeasyPrint loads
anything. Numbers on the axes follow the report's locale (decimal comma in Bokmål).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

import vl_convert as vlc

from kundepuls.reports.headline import KpiLine

WIDTH, HEIGHT = 118, 62
INK, BAND, TARGET, GREY = "#1f4e79", "#9ec5e8", "#b45309", "#9ca3af"
_TIME_LOCALE: dict[str, Literal["nb-NO", "en-GB"]] = {"nb": "nb-NO", "en": "en-GB"}


def number_locale(lang: str) -> dict[str, Any]:
    """d3's number format of the language (what Babel uses for the tables)."""
    if lang == "en":
        return {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]}
    return {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", ""],
            "minus": "\u2212"}  # fmt: skip


def trend_spec(line: KpiLine, grain: str, lang: str) -> dict[str, Any]:
    """The Vega-Lite spec of one KPI's trend: interval band, line, points, target rule."""
    values = [
        {"t": p.start, "v": p.value, "lo": p.low, "hi": p.high, "low": p.low_sample}
        for p in line.trend
        if p.value is not None
    ]
    x = {
        "field": "t",
        "type": "temporal",
        "scale": {"type": "utc"},
        "axis": {
            "labelExpr": "utcFormat(datum.value, '%b')"
            if grain == "month"
            else "utcFormat(datum.value, '%d.%m')",
            "tickCount": 4,
            "labelFontSize": 7,
            "labelColor": "#555",
            "grid": False,
            "title": None,
            "domainColor": "#bbb",
            "tickColor": "#bbb",
        },
    }
    y_axis = {"title": None, "tickCount": 3, "labelFontSize": 7, "labelColor": "#555",
              "gridColor": "#eee", "domain": False, "ticks": False}  # fmt: skip
    y = {"field": "v", "type": "quantitative", "scale": {"zero": False}, "axis": y_axis}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "color": BAND, "opacity": 0.55},
            "encoding": {"x": x, "y": {**y, "field": "lo"}, "y2": {"field": "hi"}},
        },
        {"mark": {"type": "line", "color": INK, "strokeWidth": 1.4}, "encoding": {"x": x, "y": y}},
        {
            "mark": {"type": "point", "filled": True, "size": 12},
            "encoding": {
                "x": x,
                "y": y,
                "color": {
                    "field": "low",
                    "type": "nominal",
                    "scale": {"domain": [False, True], "range": [INK, GREY]},
                    "legend": None,
                },
            },
        },
    ]
    if line.target is not None:
        layers.append(
            {
                "data": {"values": [{"target": line.target}]},
                "mark": {"type": "rule", "color": TARGET, "strokeDash": [3, 2], "strokeWidth": 1},
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": HEIGHT,
        "background": "white",
        "padding": 2,
        "config": {"view": {"stroke": None}, "font": "DejaVu Sans"},
        "data": {"values": values},
        "layer": layers,
    }


def trend_svg(line: KpiLine, grain: str, lang: str) -> str:
    """The trend chart of one KPI as an SVG document (text, no external references)."""
    if not any(p.value is not None for p in line.trend):
        return ""
    svg: str = vlc.vegalite_to_svg(
        trend_spec(line, grain, lang),
        format_locale=number_locale(lang),
        time_format_locale=_time_locale(lang),
    )
    return _strip_prolog(svg)


@cache
def _time_locale(lang: str) -> Literal["nb-NO", "en-GB"]:
    return _TIME_LOCALE.get(lang, "nb-NO")


def _strip_prolog(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg
