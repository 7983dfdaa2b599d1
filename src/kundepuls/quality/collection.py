"""Checks of collection: sources that stopped, a store with no new data, falling response
rates and low samples.

A source (a survey, channel or touchpoint of the answers; a channel of the tickets) is
compared with its own history: the rows of its last three whole days against the rows the
same weekdays had on average in the four weeks before (so a channel that is quiet every
weekend is not "stopped" on a Monday). It is a gap when at least ten rows were expected,
at most a quarter came, and a Poisson count that low has a chance below 0.1 %.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from scipy import stats as sps
from sqlalchemy.orm import Session

from kundepuls import stats
from kundepuls.kpis import catalog as cat
from kundepuls.quality import repository
from kundepuls.quality.schemas import Finding
from kundepuls.quality.texts import both, number, pvalue, what, what_lower

RECENT_DAYS = 3
HISTORY_WEEKS = 4
GAP_DIMS = {"responses": ("survey", "channel", "touchpoint"), "tickets": ("channel",)}
STALE_TABLES = ("responses", "tickets", "orders", "complaints")
SCORE_KPIS = {"nps": ["nps"], "csat": ["csat", "csat_mean"], "ces": ["ces"]}
SCORE_DIMS = ("survey", "channel", "touchpoint")
LOW_SAMPLE_DAYS = 30


@dataclass(frozen=True)
class Context:
    now: datetime
    min_sample: int


def kpis_of(table: str) -> list[str]:
    """The built-in KPIs computed from ``table``."""
    return [k.key for k in cat.KPIS.values() if k.table == table]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _gap(table: str, dim: str, value: str, days: list[date], observed: int,
         expected: float) -> Finding:  # fmt: skip
    key = "gap_stopped" if observed == 0 else "gap_dropped"
    nb, en = both(
        key, what=what(table), segment=f"{dim}={value}", days=len(days), start=days[0],
        end=days[-1], expected=number(expected, 0), observed=observed, weeks=HISTORY_WEEKS,
    )  # fmt: skip
    return Finding(
        check="gap", severity="critical" if observed == 0 else "warning", kpis=kpis_of(table),
        segment={dim: value}, message_nb=nb, message_en=en,
        evidence={"table": table, "observed": observed, "expected": round(expected, 1),
                  "days": [d.isoformat() for d in days]},
    )  # fmt: skip


def _groups(rows: list[tuple[str | None, str, int]]) -> dict[str, dict[date, int]]:
    found: dict[str, dict[date, int]] = defaultdict(dict)
    for value, day, count in rows:
        if value is not None:
            found[str(value)][date.fromisoformat(day)] = count
    return found


def gaps(session: Session, ctx: Context) -> list[Finding]:
    """Sources that stopped delivering, compared with their own recent history."""
    out = []
    for table, dims in GAP_DIMS.items():
        last = repository.latest(session, table)
        if last is None:
            continue
        end = min(last, ctx.now).date()  # the newest day is partial: not judged
        recent = [end - timedelta(days=k) for k in range(RECENT_DAYS, 0, -1)]
        history = [recent[0] - timedelta(days=k) for k in range(7 * HISTORY_WEEKS, 0, -1)]
        for dim in dims:
            rows = repository.daily_counts(session, table, dim, _midnight(history[0]),
                                           _midnight(end))  # fmt: skip
            for value, counts in _groups(rows).items():
                expected = sum(
                    np.mean([counts.get(h, 0) for h in history if h.weekday() == d.weekday()])
                    for d in recent
                )
                observed = sum(counts.get(d, 0) for d in recent)
                if expected < 10 or observed > expected / 4:
                    continue
                if sps.poisson.cdf(observed, expected) < 0.001:
                    out.append(_gap(table, dim, value, recent, observed, float(expected)))
    return out


def stale(session: Session, ctx: Context) -> list[Finding]:
    """Tables whose newest row is days old while rows used to come daily."""
    out = []
    for table in STALE_TABLES:
        last = repository.latest(session, table)
        if last is None or ctx.now - last < timedelta(days=RECENT_DAYS):
            continue
        since = last - timedelta(weeks=HISTORY_WEEKS)
        rows = repository.daily_counts(session, table, "channel", since, last + timedelta(1))
        rate = sum(c for _v, _d, c in rows) / (7 * HISTORY_WEEKS)
        if rate < 5:
            continue
        days = (ctx.now - last).days
        nb, en = both("stale", what_lower=what_lower(table), last=last.date(), days=days,
                      rate=number(rate, 0))  # fmt: skip
        out.append(Finding(check="stale", severity="warning", kpis=kpis_of(table),
                           message_nb=nb, message_en=en,
                           evidence={"table": table, "last": last.isoformat(),
                                     "daily_rate_before": round(rate, 1)}))  # fmt: skip
    return out


def _rates(rows: list[tuple[str, int, int]]) -> dict[str | None, tuple[int, int]]:
    found: dict[str | None, tuple[int, int]] = {None: (0, 0)}
    for survey, sent, answered in rows:
        found[survey] = (sent, answered)
        total = found[None]
        found[None] = (total[0] + sent, total[1] + answered)
    return found


def response_rate(session: Session, ctx: Context) -> list[Finding]:
    """A response rate (overall and per survey) that fell significantly: the invitations of
    the last four weeks against the eight weeks before. Invitations younger than three days
    are left out: their answers may still come."""
    cut = ctx.now - timedelta(days=RECENT_DAYS)
    now_rows = _rates(repository.invitation_rates(session, cut - timedelta(weeks=4), cut))
    before_rows = _rates(repository.invitation_rates(
        session, cut - timedelta(weeks=12), cut - timedelta(weeks=4)))  # fmt: skip
    out = []
    for survey, (n1, a1) in now_rows.items():
        n0, a0 = before_rows.get(survey, (0, 0))
        if min(n1, n0) < ctx.min_sample:
            continue
        diff = stats.compare_proportions([n1], [a1], [n0], [a0], scale=100)
        change, p = float(diff.diff[0]), float(diff.p_value[0])
        if change > -5 or p >= 0.01:
            continue
        nb, en = both(
            "response_rate", for_survey=(f" for {survey}", f" of {survey}") if survey else "",
            before=number(100 * a0 / n0), now=number(100 * a1 / n1), diff=number(change),
            p=pvalue(p), n_now=n1, n_before=n0,
        )  # fmt: skip
        out.append(Finding(
            check="response_rate", severity="warning", kpis=["response_rate"],
            segment={"survey": survey} if survey else {}, message_nb=nb, message_en=en,
            evidence={"sent_now": n1, "answered_now": a1, "sent_before": n0,
                      "answered_before": a0, "diff": round(change, 2), "p_value": p},
        ))  # fmt: skip
    return out


def low_samples(session: Session, ctx: Context) -> list[Finding]:
    """Scores (overall or per survey, channel, touchpoint) with fewer than ``min_sample``
    answers in the last 30 days of data."""
    last = repository.latest(session, "responses")
    if last is None:
        return []
    since = last - timedelta(days=LOW_SAMPLE_DAYS)
    out = []
    for score, keys in SCORE_KPIS.items():
        for dim in (None, *SCORE_DIMS):
            for value, n in repository.score_counts(
                session, score, dim, since, last + timedelta(1)
            ):
                if not 0 < n < ctx.min_sample or (dim is not None and value is None):
                    continue
                where = f"({dim}={value}) " if dim else ""
                nb, en = both("low_sample", score=score.upper(), where=where,
                              days=LOW_SAMPLE_DAYS, n=n, min=ctx.min_sample)  # fmt: skip
                out.append(Finding(
                    check="low_sample", severity="info", kpis=keys,
                    segment={dim: str(value)} if dim else {}, message_nb=nb, message_en=en,
                    evidence={"score": score, "n": n, "since": since.isoformat()},
                ))  # fmt: skip
    return out
