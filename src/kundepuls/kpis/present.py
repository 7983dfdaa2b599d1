"""How KPI numbers read on a page: digits, units, p-values in words, chart data, exports.

Charts get their data as JSON (drawn by ``/static/kpis/kpis.js`` with Plotly) and a one
or two sentence text summary; every chart also has its table, which is what the CSV and
Excel downloads contain.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kundepuls.kit.i18n import Formats
from kundepuls.kpis import catalog as cat
from kundepuls.kpis.dimensions import WEEKDAYS
from kundepuls.kpis.explore import records
from kundepuls.kpis.texts import DIMENSIONS, TEXTS
from kundepuls.text.browse import theme_label

MIN_SIGNIFICANT = 0.05
MAX_SEGMENTS = 40


def digits(kpi: cat.Kpi) -> int:
    """Decimals worth showing for this KPI's unit."""
    if kpi.method == "nps" or kpi.unit in ("%", "hours"):
        return 1
    if kpi.unit in ("currency", "count"):
        return 0
    return 2


class Speaker:
    """Formats one KPI's numbers in one language."""

    def __init__(self, kpi: cat.Kpi, fmt: Formats, tx: dict[str, str]) -> None:
        self.kpi, self.fmt, self.tx = kpi, fmt, tx
        self.digits = digits(kpi)
        self.unit = tx.get(f"unit_{kpi.unit}", kpi.unit)

    def value(self, value: float | None, unit: bool = True) -> str:
        text = self.fmt.number(value, self.digits)
        if value is None or value != value or not unit or not self.unit:
            return text
        return f"{text}\u00a0{self.unit}" if self.unit != "%" else f"{text}\u00a0%"

    def interval(self, low: float | None, high: float | None) -> str:
        return self.fmt.interval(low, high, self.digits)

    def diff(self, value: float | None) -> str:
        return self.fmt.signed(value, self.digits)

    def p_words(self, p: float | None) -> str:
        if p is None or p != p:
            return self.tx["p_none"]
        if p < 0.001:
            return self.tx["p_tiny"]
        key = "p_significant" if p < MIN_SIGNIFICANT else "p_not"
        return self.tx[key].format(p=self.fmt.number(p, 3))

    def period(self, row: dict[str, Any]) -> str:
        """The start of a row's period as a local date."""
        return self.fmt.day(date.fromisoformat(str(row["period_start"])))

    def number(self, value: float | None) -> str:
        """The value without its unit (cards set the unit apart)."""
        return self.fmt.number(value, self.digits)

    def segment(self, name: str, value: Any) -> str:
        """A segment's value as a reader knows it (weekday names in the user's language)."""
        if value is None:
            return self.tx["no_theme" if name == "theme" else "missing_value"]
        if name == "theme":
            return theme_label(str(value), self.fmt.lang)
        if name == "sentiment":
            return self.tx.get(f"sentiment_{value}", str(value))
        if name == "weekday" and value in WEEKDAYS:
            return self.tx[f"weekday_{WEEKDAYS.index(value)}"]
        if name == "weekend":
            return self.tx["yes"] if value else self.tx["no"]
        if name == "hour":
            return f"{int(value):02d}"
        return str(value)


def _points(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return records(frame)


def trend_chart(frame: pd.DataFrame, speaker: Speaker, grain_label: str) -> dict[str, Any]:
    """Trend data for the chart and its text summary."""
    rows = _points(frame)
    fmt = speaker.fmt
    chart = {
        "x": [r["period_start"] for r in rows],
        "y": [r["value"] for r in rows],
        "low": [r["ci_low"] for r in rows],
        "high": [r["ci_high"] for r in rows],
        "n": [int(r["n"]) for r in rows],
        "lowSample": [bool(r["low_sample"]) for r in rows],
        "target": rows[0].get("target") if rows else None,
        "name": speaker.kpi.label(fmt.lang),
        "unit": speaker.unit,
        "labels": {"interval": speaker.tx["col_interval"], "target": speaker.tx["target"],
                   "n": "n", "period": grain_label},
    }  # fmt: skip
    valued = [r for r in rows if r["value"] is not None]
    summary = ""
    if valued:
        top = max(valued, key=lambda r: r["value"])
        bottom = min(valued, key=lambda r: r["value"])
        day = speaker.period
        summary = speaker.tx["trend_summary"].format(
            first=day(valued[0]), first_value=speaker.value(valued[0]["value"]),
            last=day(valued[-1]), last_value=speaker.value(valued[-1]["value"]),
            max_value=speaker.value(top["value"]), max_period=day(top),
            min_value=speaker.value(bottom["value"]), min_period=day(bottom),
        )  # fmt: skip
    return {"chart": chart, "rows": rows, "summary": summary}


def _raw(value: Any) -> str | None:
    """A segment's value as a ``where`` filter writes it (None: no filter can pick it)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def segment_label(speaker: Speaker, by: Sequence[str], row: dict[str, Any]) -> str:
    return " · ".join(speaker.segment(name, row.get(name)) for name in by)


def breakdown_chart(frame: pd.DataFrame, speaker: Speaker, by: Sequence[str]) -> dict[str, Any]:
    """Breakdown bars (best first) with interval error bars and a text summary.

    A dimension with many values (customers, agents) shows its first :data:`MAX_SEGMENTS`
    segments on the page; the download holds them all.
    """
    every = _points(frame)
    rows = every[:MAX_SEGMENTS]
    for row in every:
        row["label"] = segment_label(speaker, by, row)
        q = row.get("q_value")
        row["significant"] = q is not None and q < MIN_SIGNIFICANT
    chart = {
        "labels": [r["label"] for r in rows],
        "raw": [_raw(r.get(by[0])) if len(by) == 1 else None for r in rows],
        "y": [r["value"] for r in rows],
        "low": [r["ci_low"] for r in rows],
        "high": [r["ci_high"] for r in rows],
        "n": [int(r["n"]) for r in rows],
        "lowSample": [bool(r["low_sample"]) for r in rows],
        "significant": [r["significant"] for r in rows],
        "unit": speaker.unit,
        "labelsText": {"interval": speaker.tx["col_interval"],
                       "lowSample": speaker.tx["low_sample"]},
    }  # fmt: skip
    valued = [r for r in every if r["value"] is not None]
    summary = ""
    if valued:
        summary = speaker.tx["breakdown_summary"].format(
            best=valued[0]["label"], best_value=speaker.value(valued[0]["value"]),
            worst=valued[-1]["label"], worst_value=speaker.value(valued[-1]["value"]),
            significant=sum(r["significant"] for r in every), count=len(every),
        )  # fmt: skip
    return {"chart": chart, "rows": rows, "summary": summary, "total": len(every)}


def heatmap_chart(frame: pd.DataFrame, speaker: Speaker) -> dict[str, Any]:
    """A 7 × 24 grid of values; cells with a low sample are drawn washed out (grey)."""
    z: list[list[float | None]] = [[None] * 24 for _ in WEEKDAYS]
    low: list[list[float | None]] = [[None] * 24 for _ in WEEKDAYS]
    n: list[list[int]] = [[0] * 24 for _ in WEEKDAYS]
    rows = [r for r in _points(frame) if r.get("weekday") in WEEKDAYS and r.get("hour") is not None]
    rows.sort(key=lambda r: (WEEKDAYS.index(r["weekday"]), int(r["hour"])))
    for row in rows:
        day, hour = WEEKDAYS.index(row["weekday"]), int(row["hour"])
        n[day][hour] = int(row["n"])
        (low if row["low_sample"] else z)[day][hour] = row["value"]
    values = [r["value"] for r in rows if r["value"] is not None]
    days = [speaker.tx[f"weekday_{i}"] for i in range(7)]
    chart = {"z": z, "low": low, "n": n, "days": days, "weekdays": list(WEEKDAYS),
             "hours": [f"{h:02d}" for h in range(24)],
             "zmin": min(values) if values else None, "zmax": max(values) if values else None,
             "unit": speaker.unit, "higherIsBetter": speaker.kpi.higher_is_better,
             "labels": {"lowSample": speaker.tx["low_sample"]}}  # fmt: skip
    solid = [r for r in rows if not r["low_sample"] and r["value"] is not None]
    summary = ""
    if solid:
        order = sorted(solid, key=lambda r: r["value"], reverse=speaker.kpi.higher_is_better)

        def name(r: dict[str, Any]) -> str:
            return f"{speaker.segment('weekday', r['weekday'])} {int(r['hour']):02d}"

        summary = speaker.tx["heatmap_summary"].format(
            best=name(order[0]), best_value=speaker.value(order[0]["value"]),
            worst=name(order[-1]), worst_value=speaker.value(order[-1]["value"]),
            low=sum(1 for r in rows if r["low_sample"]), cells=len(rows),
        )  # fmt: skip
    return {"chart": chart, "rows": rows, "summary": summary}


def export_frame(
    frame: pd.DataFrame, by: Sequence[str], tx: dict[str, str], dims: dict[str, str]
) -> tuple[pd.DataFrame, list[str]]:
    """The columns of one page table as a download: values machine-readable, labels read."""
    columns = [*by]
    labels = [dims.get(b, b) for b in by]
    if "period_start" in frame.columns:
        columns.append("period_start")
        labels.append(tx["col_period"])
    stats = [("value", "col_value"), ("ci_low", "col_low"), ("ci_high", "col_high"),
             ("n", "col_n"), ("low_sample", "col_low_sample"), ("target", "col_target"),
             ("diff", "col_vs_rest"), ("p_value", "col_p"), ("q_value", "col_q")]  # fmt: skip
    for column, label in stats:
        if column in frame.columns:
            columns.append(column)
            labels.append(tx[label])
    out = frame[columns].copy()
    for column in ("value", "ci_low", "ci_high", "target", "diff", "p_value", "q_value"):
        if column in out.columns:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    out = out.replace({np.nan: None})
    return out, labels


def segment_words(segment: str | None, lang: str) -> str:
    """``region=Vestfold;weekend=true`` as a reader says it: "Region Vestfold · Helg: ja".

    >>> segment_words("weekend=true", "nb"), segment_words("region=Vestfold", "en")
    ('Helg: ja', 'Region: Vestfold')
    """
    if not segment:
        return ""
    tx, names = TEXTS[lang], DIMENSIONS[lang]
    parts = []
    for item in segment.split(";"):
        name, _, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if name == "weekend" and value.lower() in ("true", "false"):
            value = tx["yes"] if value.lower() == "true" else tx["no"]
        elif name == "theme":
            value = theme_label(value, lang)
        parts.append(f"{names.get(name, name)}: {value}")
    return " · ".join(parts)
