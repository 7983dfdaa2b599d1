"""Top findings of the overview: the insights domain's ranked findings, the first five.

:func:`kundepuls.insights.anomalies.scan` (what ``kundepuls insights`` and
``/api/v1/insights`` rank) tests every shown KPI by segment for anomalies, level shifts,
trends and weekend splits over its default window (the last 26 weeks against the year
before), with Benjamini–Hochberg q-values over the whole scan; the insights domain's
:func:`~kundepuls.insights.texts.finding_text` words each one in Bokmål or English. The
scan takes seconds, so the overview loads it after the tiles, and its result is kept
(for every language at once) until the store changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.dashboard import cache
from kundepuls.dashboard.service import State
from kundepuls.insights import anomalies, texts
from kundepuls.insights.schemas import Finding
from kundepuls.kit.errors import KundepulsError

TOP = 5


def _key(settings: Settings, state: State) -> tuple[Any, ...]:
    return ("insights", settings.database_url, settings.timezone, settings.min_sample,
            tuple(sorted(state.marker.items())), tuple(state.keys))  # fmt: skip


def _scan(session: Session, settings: Settings, state: State) -> tuple[Finding, ...]:
    try:
        return tuple(anomalies.scan(session, settings, kpis=state.keys)[:TOP])
    except KundepulsError:  # e.g. a store with too little history to scan
        return ()


def top_findings(
    session: Session, settings: Settings, state: State, lang: str, limit: int = TOP
) -> list[dict[str, Any]]:
    """The ``limit`` highest-ranked findings: rank, kind, kpi, dim, value, size, text."""
    found = cache.cached(_key(settings, state), lambda: _scan(session, settings, state))
    out = []
    for rank, finding in enumerate(found[:limit], start=1):
        kpi = state.registry.kpis[finding.kpi]
        label = kpi.label(lang)
        out.append({"rank": rank, "kind": finding.kind, "kpi": finding.kpi, "dim": finding.dim,
                    "value": finding.value, "size": finding.size, "q_value": finding.q_value,
                    "text": texts.finding_text(finding, label, lang)})  # fmt: skip
    return out


def findings_cached(settings: Settings, state: State) -> bool:
    """Whether the findings are known already (the page then shows them inline)."""
    return cache.peek(_key(settings, state))
