"""Insights use cases: ranked findings in plain language, key drivers, changes, heat maps.

Each takes the store's session first and returns JSON-ready dicts (the CLI prints them,
the API returns them).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.insights import anomalies, changes, drivers, texts
from kundepuls.kit.errors import KundepulsError, UsageError
from kundepuls.kpis.output import records
from kundepuls.kpis.service import registry

PRIORITIES_SHOWN = 3


def parse_day(text: str | date | None, field: str) -> date | None:
    """A local date from ISO text, or a usage error that names the option."""
    if text is None or isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{field} {text!r} is not a date; write it as YYYY-MM-DD") from None


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    return value


def _label(session: Session | None, settings: Settings, key: str, lang: str) -> str:
    return registry(session, settings).get(key).label(lang)


def insights(
    session: Session,
    settings: Settings,
    *,
    since: str | date | None = None,
    lang: str = "nb",
    grain: str = "week",
    kpis: Sequence[str] | None = None,
    by: Sequence[str] | None = None,
    priorities: bool = True,
) -> list[dict[str, Any]]:
    """Ranked findings (most significant first), each with a sentence in ``lang``.

    The priority drivers ("fix this first") follow the findings when there are survey
    answers enough for a key-driver analysis.
    """
    lang = texts.check_lang(lang)
    start = parse_day(since, "--since")
    found = anomalies.scan(session, settings, kpis=kpis, by=by, since=start, grain=grain)
    out = []
    for rank, finding in enumerate(found, start=1):
        row = {k: _plain(v) for k, v in dataclasses.asdict(finding).items()}
        label = _label(session, settings, finding.kpi, lang)
        row.update(rank=rank, id=finding.id, text=texts.finding_text(finding, label, lang, grain))
        out.append(row)
    if priorities:
        out.extend(_priorities(session, settings, lang, start, len(out)))
    return out


def _priorities(
    session: Session, settings: Settings, lang: str, start: date | None, ranked: int
) -> list[dict[str, Any]]:
    try:
        report = drivers.key_drivers(session, settings, "nps", start=start, n_boot=100)
    except KundepulsError:  # too few answers: no priority list, the findings stand alone
        return []
    out: list[dict[str, Any]] = []
    for i, driver in enumerate(report.priorities[:PRIORITIES_SHOWN]):
        if driver.priority <= 0 or driver.direction == 0:
            continue
        out.append(
            {
                "rank": ranked + len(out) + 1,
                "id": f"{report.outcome}:driver={driver.name}:priority:",
                "kind": "priority",
                "kpi": report.outcome,
                "driver": driver.name,
                "importance": driver.importance,
                "ci_low": driver.ci_low,
                "ci_high": driver.ci_high,
                "n": driver.n,
                "performance": driver.performance,
                "text": texts.driver_text(driver, lang, first=i == 0),
            }
        )
    return out


def key_drivers(
    session: Session,
    settings: Settings,
    *,
    outcome: str = "nps",
    lang: str = "nb",
    start: str | date | None = None,
    end: str | date | None = None,
) -> dict[str, Any]:
    """The key drivers of ``outcome`` and the priority list, with sentences in ``lang``."""
    lang = texts.check_lang(lang)
    report = drivers.key_drivers(
        session, settings, outcome, parse_day(start, "--from"), parse_day(end, "--to")
    )

    def row(driver: drivers.Driver, first: bool | None = None) -> dict[str, Any]:
        data = {k: _plain(v) for k, v in dataclasses.asdict(driver).items()}
        data["label"] = texts.driver_label(driver.name, lang)
        data["text"] = texts.driver_text(driver, lang, first)
        return data

    ranked = report.priorities
    return {
        "outcome": report.outcome,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "customers": report.customers,
        "r2": report.r2,
        "drivers": [row(d) for d in report.drivers],
        "priorities": [row(d, first=i == 0) for i, d in enumerate(ranked)],
    }


def explain_change(
    session: Session | None,
    settings: Settings,
    *,
    kpi: str,
    by: str,
    start: str | date | None,
    end: str | date | None,
    vs_start: str | date | None = None,
    vs_end: str | date | None = None,
) -> dict[str, Any]:
    """A KPI's change between two periods, split over ``by`` into mix and rate."""
    first, last = parse_day(start, "from"), parse_day(end, "to")
    if first is None or last is None:
        raise UsageError("from and to are both needed (YYYY-MM-DD)")
    change = changes.explain_change(
        session, settings, kpi, by, first, last,
        parse_day(vs_start, "vs_from"), parse_day(vs_end, "vs_to"),
    )  # fmt: skip
    head = {
        f.name: _plain(getattr(change, f.name))
        for f in dataclasses.fields(change)
        if f.name != "segments"
    }
    return {**head, "segments": records(change.segments)}


def heatmap(
    session: Session | None,
    settings: Settings,
    *,
    kpi: str,
    start: str | date | None = None,
    end: str | date | None = None,
) -> list[dict[str, Any]]:
    """The KPI per weekday × hour: value, n, interval and the low-sample flag per cell."""
    frame = changes.heatmap(session, settings, kpi, parse_day(start, "from"), parse_day(end, "to"))
    return records(frame)
