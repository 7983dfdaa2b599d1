"""Top findings: the biggest significant segment changes against the period before.

Until the insights domain ranks its own findings, the overview scans each shown KPI by a
few dimensions with ``kpi compare --against previous`` (one difference, interval and
p-value per segment) and controls the false-discovery rate over the *whole* scan with
Benjamini–Hochberg: a finding is shown when its q-value is below 0.05. Segments with fewer
than the minimum sample in either period are left out, as alerts leave them out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from ibis.backends import BaseBackend
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls import stats
from kundepuls.config import Settings
from kundepuls.dashboard import cache, repository
from kundepuls.dashboard.periods import Period
from kundepuls.dashboard.service import chosen, stamp
from kundepuls.kit.errors import KundepulsError
from kundepuls.kpis import service as kpis
from kundepuls.kpis.backends import backend_for

DIMENSIONS = ("region", "segment", "channel")
ALPHA = 0.05
TOP = 5


@dataclass(frozen=True)
class Finding:
    """One segment whose KPI changed from the period before."""

    kpi: str
    dimension: str
    segment: str
    value: float
    baseline_value: float
    diff: float
    diff_low: float
    diff_high: float
    p_value: float
    n: int
    q_value: float = float("nan")

    @property
    def strength(self) -> float:
        """|difference| in units of its standard error (larger: clearer)."""
        half = (self.diff_high - self.diff_low) / 2
        return abs(self.diff) / (half / 1.96) if half > 0 else 0.0


def _scan(
    session: Session, settings: Settings, backend: BaseBackend, key: str, period: Period
) -> tuple[Finding, ...]:
    found = []
    for dimension in DIMENSIONS:
        query = kpis.make_query([dimension], None, period.start, period.end)
        try:
            frame = kpis.compare(
                session, settings, key, query, "previous", period.previous, backend
            )
        except KundepulsError:  # no such dimension on this KPI's table, or a median KPI
            continue
        for row in frame.to_dict("records"):
            segment = row[dimension]
            if segment is None or not np.isfinite(row["p_value"]):
                continue
            if min(row["n"], row["baseline_n"]) < settings.min_sample:
                continue
            found.append(Finding(
                key, dimension, str(segment), value=float(row["value"]),
                baseline_value=float(row["baseline_value"]), diff=float(row["diff"]),
                diff_low=float(row["diff_low"]), diff_high=float(row["diff_high"]),
                p_value=float(row["p_value"]), n=int(row["n"]),
            ))  # fmt: skip
    return tuple(found)


def top_findings(
    session: Session,
    settings: Settings,
    engine: Engine,
    period: Period,
    backend: BaseBackend | None = None,
    limit: int = TOP,
) -> list[Finding]:
    """The ``limit`` clearest significant segment changes over every shown KPI."""
    registry = kpis.registry(session, settings)
    marker = repository.marker(engine)
    backend = backend or backend_for(settings)
    scanned: list[Finding] = []
    for key in chosen(session, registry):
        key_parts = stamp(settings, registry.kpis[key], period, marker, "customers")
        scanned.extend(
            cache.cached(
                ("findings", *key_parts),
                lambda k=key: _scan(session, settings, backend, k, period),  # type: ignore[misc]
            )
        )
    if not scanned:
        return []
    q = stats.bh_qvalues([f.p_value for f in scanned])
    ranked = [replace(f, q_value=float(v)) for f, v in zip(scanned, q, strict=True)]
    significant = [f for f in ranked if f.q_value < ALPHA]
    significant.sort(key=lambda f: (f.q_value, -f.strength))
    return significant[:limit]


def findings_cached(session: Session, settings: Settings, engine: Engine, period: Period) -> bool:
    """Whether every shown KPI's scan is already cached (the page then shows it inline)."""
    registry = kpis.registry(session, settings)
    marker = repository.marker(engine)
    return all(
        cache.peek(("findings", *stamp(settings, registry.kpis[k], period, marker, "customers")))
        for k in chosen(session, registry)
    )
