"""Checks of the rows themselves: duplicate answers, straight-lining, impossible times and
missing fields.

Straight-lining, defined with care: an answer is straight-lined when it has NPS, CSAT and
CES and all three sit on the same end of their scales (10/5/7 or 0/1/1). One such answer
is usually an honest, very happy (or very unhappy) customer, so it is never a finding by
itself; a survey or channel is flagged when its share of straight-lined answers is at least
twice that of all the other answers and significantly higher (two-proportion z test,
Benjamini–Hochberg q < 0.01 over the groups), with at least ten such answers.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy.orm import Session

from kundepuls import stats
from kundepuls.quality import repository
from kundepuls.quality.collection import Context, kpis_of
from kundepuls.quality.schemas import Finding
from kundepuls.quality.texts import both, number, pvalue, what_lower

LOOKBACK = timedelta(days=90)
DUPLICATE_WINDOW = timedelta(minutes=60)
SCORE_KEYS = ["nps", "csat", "csat_mean", "ces"]
MAX_DAYS = 365
TIMES = (
    ("tickets", "created_at", "first_response_at",
     ["first_response_hours", "first_response_hours_median"]),
    ("tickets", "created_at", "resolved_at", ["resolution_hours", "resolution_hours_median"]),
    ("complaints", "created_at", "resolved_at", ["complaint_resolution_hours"]),
)  # fmt: skip
FIELDS = {
    "responses": ("customer_id", "survey", "channel", "touchpoint"),
    "tickets": ("customer_id", "channel", "team"),
    "complaints": ("customer_id", "channel"),
    "orders": ("channel", "product_line"),
    "customers": ("region", "segment"),
}


def duplicates(session: Session, ctx: Context) -> list[Finding]:
    """Answers that repeat one of the same customer, survey, scores and comment within an
    hour (a double submit or a re-sent import), in the last 90 days of data."""
    last = repository.latest(session, "responses")
    if last is None:
        return []
    since = last - LOOKBACK
    repeats = [
        (rid, survey)
        for rid, survey, at, prev in repository.repeated_answers(session, since)
        if at - prev <= DUPLICATE_WINDOW
    ]
    if not repeats:
        return []
    total = sum(n for _v, n in repository.score_counts_all(session, since))
    share = 100 * len(repeats) / max(total, 1)
    nb, en = both("duplicates", count=len(repeats), share=number(share),
                  minutes=int(DUPLICATE_WINDOW.total_seconds() // 60))  # fmt: skip
    return [Finding(
        check="duplicates", severity="warning" if share >= 1 else "info", kpis=SCORE_KEYS,
        message_nb=nb, message_en=en,
        evidence={"count": len(repeats), "answers": total, "share": round(share, 2),
                  "examples": sorted(r for r, _s in repeats)[:5],
                  "by_survey": dict(Counter(str(s) for _r, s in repeats))},
    )]  # fmt: skip


def straight_lining(session: Session, ctx: Context) -> list[Finding]:
    """Surveys and channels with an excess of identical extreme answers (see the module)."""
    last = repository.latest(session, "responses")
    if last is None:
        return []
    out = []
    for dim in ("survey", "channel"):
        rows = [r for r in repository.straight_lines(session, dim, last - LOOKBACK)
                if r[0] is not None]  # fmt: skip
        n_all, s_all = sum(r[1] for r in rows), sum(r[2] for r in rows)
        rest_n = [n_all - n for _g, n, _s in rows]
        rest_s = [s_all - s for _g, _n, s in rows]
        if not rows:
            continue
        diff = stats.compare_proportions(
            [n for _g, n, _s in rows], [s for _g, _n, s in rows], rest_n, rest_s, scale=100
        )
        q = stats.bh_qvalues(diff.p_value)
        for i, (value, n, s) in enumerate(rows):
            share, rest = 100 * s / n, 100 * rest_s[i] / max(rest_n[i], 1)
            enough = n >= ctx.min_sample and rest_n[i] >= ctx.min_sample and s >= 10
            if not (enough and share >= 2 * rest and float(q[i]) < 0.01):
                continue
            nb, en = both("straight_lining", segment=f"{dim}={value}", share=number(share),
                          rest=number(rest), p=pvalue(float(diff.p_value[i])))  # fmt: skip
            out.append(Finding(
                check="straight_lining", severity="warning", kpis=SCORE_KEYS,
                segment={dim: str(value)}, message_nb=nb, message_en=en,
                evidence={"answers": n, "straight_lined": s, "share": round(share, 2),
                          "rest_share": round(rest, 2), "p_value": float(diff.p_value[i]),
                          "q_value": float(q[i])},
            ))  # fmt: skip
    return out


def times(session: Session, ctx: Context) -> list[Finding]:
    """Durations that cannot be: an end before its start, or more than a year after it."""
    out = []
    for table, start, end, keys in TIMES:
        found = repository.bad_times(session, table, start, end, MAX_DAYS)
        for kind in ("negative", "absurd"):
            count = found[kind]
            if not count:
                continue
            nb, en = both(f"times_{kind}", count=count, what=what_lower(table), start=start,
                          end=end, kpis=", ".join(keys), days=MAX_DAYS)  # fmt: skip
            out.append(Finding(
                check="times", severity="warning", kpis=keys, message_nb=nb, message_en=en,
                evidence={"table": table, "start": start, "end": end, "kind": kind,
                          "count": count, "rows_with_both": found["total"],
                          "examples": found[f"{kind}_examples"]},
            ))  # fmt: skip
    return out


def missing_fields(session: Session, ctx: Context) -> list[Finding]:
    """Fields left empty on part of the rows (5 % or more; a field never filled is simply
    not collected and is not reported)."""
    out = []
    for table, fields in FIELDS.items():
        last = repository.latest(session, table) if table != "customers" else None
        since = last - LOOKBACK if last is not None else None
        for field in fields:
            total, lacking = repository.missing(session, table, field, since)
            share = lacking / total if total else 0.0
            if not 0.05 <= share < 1.0:
                continue
            nb, en = both("missing", share=number(100 * share, 0), what_lower=what_lower(table),
                          field=field, lacking=lacking, total=total)  # fmt: skip
            out.append(Finding(
                check="missing", severity="warning" if share >= 0.2 else "info",
                kpis=kpis_of(table) if table != "customers" else [], message_nb=nb,
                message_en=en, evidence={"table": table, "field": field, "missing": lacking,
                                         "rows": total, "share": round(share, 4)},
            ))  # fmt: skip
    return out
