"""KPI rows as JSON-ready records, CSV and a table for people."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from rich.table import Table


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts: NaN becomes None, numpy scalars become Python ones."""
    columns = list(frame.columns)
    return [
        {c: _plain(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def _cell(column: str, value: Any) -> str:
    value = _plain(value)
    if value is None:
        return "–"
    if isinstance(value, bool):
        if column == "low_sample":  # only the flagged rows need the reader's eye
            return "low n" if value else ""
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}" if column in ("p_value", "q_value") else f"{value:,.1f}"
    return str(value)


def table(frame: pd.DataFrame, title: str) -> Table:
    """A rich table of the rows (intervals shown as low–high)."""
    shown = frame.copy()
    if {"ci_low", "ci_high"} <= set(shown.columns):
        shown.insert(
            list(shown.columns).index("ci_low"),
            "95 % CI",
            [f"{_cell('ci', lo)} – {_cell('ci', hi)}" for lo, hi in
             zip(shown["ci_low"], shown["ci_high"], strict=True)],
        )  # fmt: skip
        shown = shown.drop(columns=["ci_low", "ci_high"])
    if {"diff_low", "diff_high"} <= set(shown.columns):
        shown["diff 95 % CI"] = [
            f"{_cell('d', lo)} – {_cell('d', hi)}"
            for lo, hi in zip(shown["diff_low"], shown["diff_high"], strict=True)
        ]
        shown = shown.drop(columns=["diff_low", "diff_high"])
    out = Table(title=title)
    columns = [c for c in shown.columns if c != "kpi"]
    for column in columns:
        numeric = pd.api.types.is_numeric_dtype(shown[column])
        out.add_column(column, justify="right" if numeric else "left")
    for row in shown[columns].itertuples(index=False, name=None):
        out.add_row(*(_cell(c, v) for c, v in zip(columns, row, strict=True)))
    return out
