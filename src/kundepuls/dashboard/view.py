"""How a tile's numbers read in each language: digits, units, arrows, the sparkline's text.

The numbers themselves come from :mod:`kundepuls.dashboard.service`; this module only
words and formats them (``fmt`` is the user's :class:`kundepuls.kit.i18n.Formats`).
"""

from __future__ import annotations

import math
from typing import Any

from kundepuls.dashboard import sparkline
from kundepuls.dashboard.periods import Period
from kundepuls.dashboard.service import Numbers, Tile
from kundepuls.kit.i18n import Formats
from kundepuls.kpis import catalog as cat


def digits(kpi: cat.Kpi) -> int:
    """Decimals a reader needs: whole NPS points and money, one for shares and hours."""
    if kpi.method == "nps" or kpi.unit in ("currency", "count"):
        return 0
    if kpi.unit in ("%", "hours"):
        return 1
    return 2


def unit(kpi: cat.Kpi, tx: dict[str, str]) -> str:
    """The unit written after a value (empty for scores)."""
    return {
        "%": "%",
        "hours": tx["unit_hours"],
        "currency": tx["unit_currency"],
        "per 100 orders": tx["unit_per_100"],
    }.get(kpi.unit, "")


def _ok(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _raw(value: float | None) -> str:
    """A number for machines (``data-`` attributes): full precision, empty for none."""
    return repr(float(value)) if value is not None and math.isfinite(value) else ""


def _change(kpi: cat.Kpi, numbers: Numbers, fmt: Formats, tx: dict[str, str]) -> dict[str, Any]:
    change = numbers.change
    if change is None or not _ok(change.diff):
        return {"text": tx["no_change_data"], "css": "flat", "arrow": "", "note": ""}
    better = (change.diff > 0) == kpi.higher_is_better
    css = ("good" if better else "bad") if change.significant and change.diff != 0 else "flat"
    arrow = "▲" if change.diff > 0 else "▼" if change.diff < 0 else "●"
    p = fmt.number(change.p_value, 3) if change.p_value >= 0.001 else "< " + fmt.number(0.001, 3)
    word = tx["significant"] if change.significant else tx["not_significant"]
    return {
        "text": fmt.signed(change.diff, digits(kpi)),
        "css": css,
        "arrow": arrow,
        "note": f"{word}, p = {p}" if not p.startswith("<") else f"{word}, p {p}",
        "interval": fmt.interval(change.low, change.high, digits(kpi)),
    }


def _spark(tile: Tile, period: Period, fmt: Formats, tx: dict[str, str], lang: str) -> Any:
    numbers, kpi = tile.numbers, tile.kpi
    shape = sparkline.shape(numbers.spark, numbers.target)
    values = [p.value for p in numbers.spark if _ok(p.value)]
    grain = tx["spark_week"] if period.grain == "week" else tx["spark_month"]
    if values:
        text = tx["spark_summary"].format(
            label=kpi.label(lang),
            grain=grain,
            first=fmt.number(values[0], digits(kpi)),
            last=fmt.number(values[-1], digits(kpi)),
        )
    else:
        text = tx["spark_empty"].format(label=kpi.label(lang), grain=grain)
    return {"shape": shape, "text": text, "width": sparkline.WIDTH, "height": sparkline.HEIGHT}


def tile(tile: Tile, period: Period, fmt: Formats, tx: dict[str, str], lang: str) -> dict[str, Any]:
    """Everything the tile template writes, in the user's language."""
    kpi, numbers = tile.kpi, tile.numbers
    d = digits(kpi)
    has_value = _ok(numbers.value)
    status = numbers.target_status if numbers.target is not None else "no_target"
    change = numbers.change
    return {
        "key": kpi.key,
        "raw": {
            "value": _raw(numbers.value),
            "ci-low": _raw(numbers.ci_low),
            "ci-high": _raw(numbers.ci_high),
            "status": numbers.target_status,
            "diff": _raw(change.diff) if change else "",
            "p": _raw(change.p_value) if change else "",
        },
        "label": kpi.label(lang),
        "href": f"/kpis/{kpi.key}?{period.query_string()}",
        "value": fmt.number(numbers.value, d) if has_value else "–",
        "value_raw": numbers.value if has_value else None,
        "unit": unit(kpi, tx) if has_value else "",
        "interval": fmt.interval(numbers.ci_low, numbers.ci_high, d),
        "n": numbers.n,
        "n_text": fmt.number(numbers.n),
        "low_sample": numbers.low_sample,
        "target": fmt.number(numbers.target, d) if numbers.target is not None else None,
        "status": status,
        "status_text": tx.get(f"status_{status}", tx["no_target"]),
        "change": _change(kpi, numbers, fmt, tx),
        "spark": _spark(tile, period, fmt, tx, lang),
        "problem": tx["problem"].format(problem=numbers.problem) if numbers.problem else None,
        "has_value": has_value,
    }


def finding(item: dict[str, Any], kpis: dict[str, cat.Kpi], period: Period) -> dict[str, Any]:
    """One line of the top findings (the insights domain words it)."""
    kpi = kpis.get(item["kpi"])
    size = item.get("size") or 0.0
    better = kpi is not None and (size > 0) == kpi.higher_is_better
    by = f"&by={item['dim']}" if item.get("dim") else ""
    return {
        "text": item["text"],
        "css": "good" if better else "bad",
        "arrow": "▲" if size > 0 else "▼",
        "href": f"/kpis/{item['kpi']}?{period.query_string()}{by}",
    }
