"""What the actions pages show, worked out from :func:`service.measure_effect`'s result: the
verdict in plain words, the headline estimate, the chart's series and the tables beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kundepuls.actions.models import Action
from kundepuls.actions.schemas import EffectOut, EstimateOut
from kundepuls.kpis.present import segment_words

METHODS = ("difference_in_differences", "interrupted_time_series", "before_after")
DIGITS = {"csat_mean": 2, "ces": 2}  # means on a 1–5 or 1–7 scale; the others one decimal


@dataclass(frozen=True)
class Row:
    """One action as the list shows it: its headline estimate and the verdict in words."""

    action: Action
    effect: EffectOut | None
    estimate: EstimateOut | None
    outcome: str  # worked, no_effect, too_early, worse
    error: str | None


def outcome(effect: EffectOut | None) -> str:
    """The measured verdict in the four words the pages use.

    ``cannot_tell`` is "too early" while there is no estimate yet or more data could still
    show the expected effect; a non-significant estimate otherwise is "no clear effect".
    """
    if effect is None or effect.headline is None:
        return "too_early"
    if effect.verdict == "improved":
        return "worked"
    if effect.verdict == "worsened":
        return "worse"
    if effect.verdict == "cannot_tell" and effect.more_needed:
        return "too_early"
    return "no_effect"


def headline(effect: EffectOut | None) -> EstimateOut | None:
    if effect is None or effect.headline is None:
        return None
    estimate: EstimateOut | None = getattr(effect, effect.headline)
    return estimate


def group_labels(
    action: Action, effect: EffectOut | None, tx: dict[str, str], lang: str
) -> dict[str, str]:
    compare = effect.compare if effect else action.compare
    return {
        "treated": segment_words(action.segment, lang) or tx["everyone"],
        "compare": segment_words(compare, lang) or tx["the_rest"],
        "all": tx["everyone"] if not action.segment else tx["the_rest"],
    }


def chart(effect: EffectOut, groups: dict[str, str], label: str, tx: dict[str, str]) -> Any:
    """The weekly series of the groups that are compared, with the two windows and the start."""
    shown = [p.group for p in effect.periods if p.period == "before"]
    series = []
    for group in shown:
        points = [w for w in effect.weekly if w.group == group]
        series.append({
            "name": groups[group], "group": group,
            "x": [w.week_start.isoformat() for w in points],
            "y": [w.value for w in points], "n": [w.n for w in points],
        })  # fmt: skip
    return {
        "series": series, "y_title": label, "start": effect.start.isoformat(),
        "before_start": effect.before_start.isoformat(),
        "after_end": (effect.after_end + timedelta(days=1)).isoformat(),
        "labels": {k: tx[f"{k}_label"] for k in ("before", "after", "start")},
        "digits": DIGITS.get(effect.kpi, 1),
    }  # fmt: skip


def weekly_table(effect: EffectOut) -> list[dict[str, Any]]:
    """One row per week with each shown group's value and n."""
    shown = [p.group for p in effect.periods if p.period == "before"]
    weeks: dict[date, dict[str, Any]] = {}
    for w in effect.weekly:
        if w.group in shown:
            row = weeks.setdefault(w.week_start, {"week": w.week_start})
            row["after"], row[w.group] = w.week_start >= effect.start, w
    return [weeks[k] for k in sorted(weeks)]


def period_table(effect: EffectOut) -> list[dict[str, Any]]:
    """One row per group: before and after with n and interval, and the change."""
    rows: dict[str, dict[str, Any]] = {}
    for p in effect.periods:
        rows.setdefault(p.group, {"group": p.group})[p.period] = p
    for row in rows.values():
        b, a = row["before"].value, row["after"].value
        row["change"] = None if a is None or b is None else a - b
    return list(rows.values())


def estimates(effect: EffectOut | None) -> list[EstimateOut]:
    if effect is None:
        return []
    found = (getattr(effect, m) for m in METHODS)
    return [e for e in found if e is not None]
