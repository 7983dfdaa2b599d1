"""Top findings of the overview: the insights domain's ranked findings, the first five.

:func:`kundepuls.insights.service.insights` scans every shown KPI by segment for
anomalies, level shifts, trends and weekend splits over its default window (the last 26
weeks against the year before), with Benjamini–Hochberg q-values over the whole scan,
and words each finding in Bokmål or English. The scan takes seconds, so the overview
loads it after the tiles and its result is kept until the store changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.dashboard import cache
from kundepuls.dashboard.service import State
from kundepuls.insights import service as insights
from kundepuls.kit.errors import KundepulsError

TOP = 5


def _key(settings: Settings, state: State, lang: str) -> tuple[Any, ...]:
    return ("insights", settings.database_url, settings.timezone, settings.min_sample,
            tuple(sorted(state.marker.items())), tuple(state.keys), lang)  # fmt: skip


def top_findings(
    session: Session, settings: Settings, state: State, lang: str, limit: int = TOP
) -> list[dict[str, Any]]:
    """The ``limit`` highest-ranked findings (rank, kind, kpi, dim, value, q_value, text)."""

    def scan() -> list[dict[str, Any]]:
        try:
            found = insights.insights(
                session, settings, lang=lang, kpis=state.keys, priorities=False
            )
        except KundepulsError:  # e.g. a store with too little history to scan
            return []
        return found[:limit]

    return cache.cached(_key(settings, state, lang), scan)


def findings_cached(settings: Settings, state: State, lang: str) -> bool:
    """Whether the findings are known already (the page then shows them inline)."""
    return cache.peek(_key(settings, state, lang))
