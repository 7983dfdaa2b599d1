"""The data-quality report and the warnings a dashboard shows next to a KPI."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kundepuls.config import Settings, get_settings
from kundepuls.db import engine_for, session_scope
from kundepuls.quality import collection, content
from kundepuls.quality.collection import Context
from kundepuls.quality.schemas import SEVERITY_RANK, Finding

log = logging.getLogger(__name__)

Check = Callable[[Session, Context], list[Finding]]
CHECKS: dict[str, Check] = {
    "gap": collection.gaps,
    "stale": collection.stale,
    "response_rate": collection.response_rate,
    "low_sample": collection.low_samples,
    "duplicates": content.duplicates,
    "straight_lining": content.straight_lining,
    "times": content.times,
    "missing": content.missing_fields,
}


def report(
    session: Session, settings: Settings, now: datetime | None = None,
    checks: Sequence[str] | None = None,
) -> list[Finding]:  # fmt: skip
    """Every finding of the store, the most severe first.

    A check whose tables do not exist (a store without the survey module, say) is skipped.
    """
    ctx = Context(now or datetime.now(UTC), settings.min_sample)
    found: list[Finding] = []
    for name, check in CHECKS.items():
        if checks is not None and name not in checks:
            continue
        try:
            with session.begin_nested():
                found.extend(check(session, ctx))
        except DBAPIError as error:
            log.warning("data-quality check %s skipped: %s", name, error.orig)
    return sorted(found, key=lambda f: (SEVERITY_RANK[f.severity], f.check))


CACHE_SECONDS = 60.0
_CACHE: dict[str, tuple[float, list[Finding]]] = {}
_LOCK = threading.Lock()


def _report_of(settings: Settings, now: datetime | None) -> list[Finding]:
    with session_scope(engine_for(settings.database_url)) as own:
        return report(own, settings, now)


def _recent_report(settings: Settings) -> list[Finding]:
    """The store's report, computed at most once a minute: a dashboard asks for the
    warnings of every number on a page, and data quality does not change by the second."""
    with _LOCK:
        at, found = _CACHE.get(settings.database_url, (-CACHE_SECONDS, []))
        if time.monotonic() - at < CACHE_SECONDS:
            return found
    found = _report_of(settings, None)
    with _LOCK:
        _CACHE[settings.database_url] = (time.monotonic(), found)
    return found


def _touches(finding: Finding, segment: Mapping[str, str]) -> bool:
    """Whether a finding concerns numbers of ``segment``: it does unless both name the same
    dimension with different values (a gap in one survey affects the overall NPS too)."""
    return all(segment.get(dim, value) == value for dim, value in finding.segment.items())


def warnings_for(
    kpi: str,
    segment: Mapping[str, str] | None = None,
    *,
    findings: Sequence[Finding] | None = None,
    session: Session | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """The findings to show next to ``kpi`` (for ``segment``, a ``{dim: value}`` mapping).

    Pass ``findings`` (one :func:`report` per page) when asking for several numbers; without
    ``findings``, ``session`` and ``now`` the store's report is remembered for a minute.

    Examples
    --------
    >>> warnings_for("nps", {"channel": "sms"})  # doctest: +SKIP
    [Finding(check='gap', severity='critical', kpis=['nps', ...], segment={'channel': 'sms'}, ...)]
    """
    if findings is None:
        settings = settings or get_settings()
        if session is not None or now is not None:
            findings = report(session, settings, now) if session else _report_of(settings, now)
        else:
            findings = _recent_report(settings)
    wanted = dict(segment or {})
    return [f for f in findings if kpi in f.kpis and _touches(f, wanted)]
