"""KPI use cases: list, show, compare, targets and custom KPIs.

Functions take the store's session first (it holds API-declared KPIs and targets; it may
be None where there is no store, as in a notebook on a warehouse) and the settings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kundepuls import stats
from kundepuls.config import Settings
from kundepuls.kit.errors import NotFoundError, UsageError
from kundepuls.kpis import catalog as cat
from kundepuls.kpis import custom, repository
from kundepuls.kpis import differences as cmp
from kundepuls.kpis.backends import backend_for
from kundepuls.kpis.dimensions import OVERLAPPING, parse_where, suggest
from kundepuls.kpis.engine import evaluate, sufficient
from kundepuls.kpis.expressions import DefinitionError
from kundepuls.kpis.frames import Query
from kundepuls.kpis.results import filled, intervals, scale_of


@dataclass
class Registry:
    """Every KPI known to this installation and every target."""

    kpis: dict[str, cat.Kpi]
    targets: list[custom.Target]

    def get(self, key: str) -> cat.Kpi:
        """The KPI called ``key``, or a not-found error that suggests the nearest keys."""
        if key not in self.kpis:
            raise NotFoundError(f"unknown KPI {key!r}{suggest(key, self.kpis)}")
        return self.kpis[key]


def _stored(session: Session | None) -> tuple[list[dict[str, Any]], list[custom.Target]]:
    if session is None:
        return [], []
    try:
        with session.begin_nested():
            definitions = repository.definitions(session)
            rows = repository.targets(session)
    except DBAPIError:  # a store without the KPI tables (not migrated, or a warehouse)
        return [], []
    targets = [custom.Target(kpi, value, _segment_pairs(segment)) for kpi, segment, value in rows]
    return definitions, targets


def registry(session: Session | None, settings: Settings) -> Registry:
    """Built-in KPIs, then those of the KPI file, then those declared through the API."""
    kpis = dict(cat.KPIS)
    targets: list[custom.Target] = []
    declared: list[cat.Kpi] = []
    if settings.kpi_file is not None:
        file_kpis, targets = custom.load_file(settings.kpi_file)
        declared.extend(file_kpis)
    definitions, stored_targets = _stored(session)
    declared.extend(custom.build(d, "API definition") for d in definitions)
    for kpi in declared:
        if kpi.key in cat.KPIS:
            raise DefinitionError(f"custom KPI {kpi.key!r}: the key is taken by a built-in KPI")
        kpis[kpi.key] = kpi
    # API targets override the file's for the same KPI and segment.
    chosen = {(t.kpi, t.where): t for t in [*targets, *stored_targets]}
    return Registry(kpis, list(chosen.values()))


def labels(session: Session | None, settings: Settings, lang: str) -> dict[str, str]:
    """Every KPI's name in ``lang``, by key (built-in and custom)."""
    return {key: kpi.label(lang) for key, kpi in registry(session, settings).kpis.items()}


def make_query(
    by: list[str] | tuple[str, ...] = (),
    grain: str | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    where: list[str] | tuple[str, ...] = (),
) -> Query:
    """A query from the options of ``kpi show`` (dates as ISO text or dates)."""
    return Query(
        by=tuple(by),
        grain=grain or None,
        start=_date(start, "--from"),
        end=_date(end, "--to"),
        where=tuple(parse_where(where)),
    )


def _date(value: str | date | None, option: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date; write it as YYYY-MM-DD") from None


def parse_span(text: str | None) -> tuple[date, date] | None:
    """A baseline span written ``FROM..TO`` (``--previous``)."""
    if text is None:
        return None
    first, sep, last = text.partition("..")
    try:
        if not sep:
            raise ValueError(text)
        return date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        raise UsageError(
            f"--previous {text!r}: write FROM..TO, e.g. 2026-01-01..2026-01-31"
        ) from None


def list_kpis(session: Session | None, settings: Settings) -> list[dict[str, Any]]:
    """One description per KPI: key, labels, unit, direction, table, method, target."""
    reg = registry(session, settings)
    overall = {t.kpi: t.value for t in reg.targets if not t.where}
    return [
        {
            "key": k.key,
            "label_nb": k.label_nb,
            "label_en": k.label_en,
            "unit": k.unit,
            "higher_is_better": k.higher_is_better,
            "table": k.table,
            "interval": k.method,
            "description": k.description,
            "custom": k.custom,
            "target": overall.get(k.key),
        }
        for k in reg.kpis.values()
    ]


def show(
    session: Session | None,
    settings: Settings,
    key: str,
    query: Query,
    backend: BaseBackend | None = None,
) -> pd.DataFrame:
    """Rows of one KPI (see DESIGN.md's ``kpi show``), with targets where one is set.

    Examples
    --------
    >>> show(None, settings, "nps", make_query(by=["region"], grain="month"))  # doctest: +SKIP
    """
    reg = registry(session, settings)
    kpi = reg.get(key)
    rows = evaluate(backend or backend_for(settings), kpi, query, settings.tz, settings.min_sample)
    return _with_targets(rows, kpi, [t for t in reg.targets if t.kpi == key])


def _with_targets(rows: pd.DataFrame, kpi: cat.Kpi, targets: list[custom.Target]) -> pd.DataFrame:
    if not targets:
        return rows
    overall = next((t.value for t in targets if not t.where), np.nan)
    values = np.full(len(rows), overall, dtype="float64")
    for target in sorted(targets, key=lambda t: len(t.where)):
        if not target.where:
            continue
        if not all(name in rows.columns for name, _ in target.where):
            continue
        match = np.ones(len(rows), dtype=bool)
        for name, wanted in target.where:
            match &= rows[name].astype("str").to_numpy() == wanted
        values[match] = target.value
    rows = rows.copy()
    rows["target"] = values
    status = stats.target_status(
        rows["value"].to_numpy(dtype="float64"),
        rows["ci_low"].to_numpy(dtype="float64"),
        rows["ci_high"].to_numpy(dtype="float64"),
        values,
        kpi.higher_is_better,
    )
    rows["target_status"] = [
        s if not np.isnan(v) else None for s, v in zip(status, values, strict=True)
    ]
    return rows


def _segment_pairs(segment: str) -> tuple[tuple[str, str], ...]:
    pairs = [part.split("=", 1) for part in segment.split(";") if "=" in part]
    return tuple(sorted((k, v) for k, v in pairs))


def _values(kpi: cat.Kpi, frame: pd.DataFrame) -> np.ndarray[Any, np.dtype[np.float64]]:
    value = np.asarray(intervals(kpi.method, frame, scale_of(kpi)).value, dtype="float64")
    return np.where(frame["n"].to_numpy() > 0, value.reshape(-1), np.nan)


def compare(
    session: Session | None,
    settings: Settings,
    key: str,
    query: Query,
    against: str | None = None,
    previous: tuple[date, date] | None = None,
    backend: BaseBackend | None = None,
) -> pd.DataFrame:
    """Period over period (``against="previous"``) or each segment vs the rest (``"rest"``).

    The difference is this minus the baseline, with its 95 % interval and p-value; with
    several rows, Benjamini–Hochberg q-values control the false-discovery rate.
    """
    kpi = registry(session, settings).get(key)
    if query.grain is not None:
        raise UsageError("kpi compare takes no --grain; give --from/--to instead")
    against = against or ("previous" if previous is not None or not query.by else "rest")
    if against not in ("previous", "rest"):
        raise UsageError(f"--against {against!r}: use previous or rest")
    backend = backend or backend_for(settings)
    query = query.checked(settings.tz)
    if against == "rest":
        if not query.by:
            raise UsageError("comparing segments with the rest needs --by DIM")
        now = filled(kpi, query, *sufficient(backend, kpi, query, settings.tz))
        whole = None
        if OVERLAPPING & set(query.by):  # a comment about two themes is in both groups
            everything = replace(query, by=())
            whole = filled(kpi, everything, *sufficient(backend, kpi, everything, settings.tz))
        base = cmp.rest(kpi.method, now, whole)
        labels = {"baseline": "rest"}
    else:
        base_query, labels = _previous_query(query, previous)
        now = filled(kpi, query, *sufficient(backend, kpi, query, settings.tz))
        before = filled(kpi, base_query, *sufficient(backend, kpi, base_query, settings.tz))
        if query.by:
            now, base = _aligned(now, before, list(query.by))
        else:
            base = before
    return _difference_rows(kpi, query, now, base, labels)


def _previous_query(
    query: Query, previous: tuple[date, date] | None
) -> tuple[Query, dict[str, str]]:
    if previous is None:
        if query.start is None or query.end is None:
            raise UsageError("period comparison needs --from and --to (or --previous)")
        length = query.end - query.start + timedelta(days=1)
        previous = (query.start - length, query.start - timedelta(days=1))
    if previous[0] > previous[1]:
        raise UsageError("--previous: give the earlier date first (FROM..TO)")
    base = Query(query.by, None, previous[0], previous[1], query.where)
    return base, {"baseline": f"{previous[0]}..{previous[1]}"}


def _aligned(
    now: pd.DataFrame, before: pd.DataFrame, keys: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both frames over the union of their segments, in the same order."""
    union = pd.concat([now[keys], before[keys]]).drop_duplicates().reset_index(drop=True)
    now = union.merge(now, on=keys, how="left")
    base = union.merge(before, on=keys, how="left")
    for frame in (now, base):
        frame["n"] = pd.to_numeric(frame["n"], errors="coerce").fillna(0)
        for column in ("promoters", "detractors", "successes", "count"):
            if column in frame.columns:
                frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0)
    return now, base


def _difference_rows(
    kpi: cat.Kpi, query: Query, now: pd.DataFrame, base: pd.DataFrame, labels: dict[str, str]
) -> pd.DataFrame:
    diff = cmp.difference(kpi.method, now, base, scale_of(kpi))
    out = pd.DataFrame({"kpi": [kpi.key] * len(now)})
    for name in query.by:
        out[name] = pd.Series(now[name].to_numpy(), dtype="object")
    out["value"] = _values(kpi, now)
    out["n"] = now["n"].to_numpy(dtype="int64")
    out["baseline"] = labels["baseline"]
    out["baseline_value"] = _values(kpi, base)
    out["baseline_n"] = pd.to_numeric(base["n"]).fillna(0).to_numpy(dtype="int64")
    out["diff"] = np.asarray(diff.diff, dtype="float64")
    out["diff_low"] = np.asarray(diff.low, dtype="float64")
    out["diff_high"] = np.asarray(diff.high, dtype="float64")
    out["p_value"] = np.asarray(diff.p_value, dtype="float64")
    out["q_value"] = cmp.qvalues(out["p_value"]) if len(out) > 1 else out["p_value"]
    return out


def set_target(
    session: Session, settings: Settings, key: str, value: float, where: list[str] | None = None
) -> dict[str, Any]:
    """Set the target of a KPI (for one segment when ``where`` gives DIM=VALUE pairs)."""
    registry(session, settings).get(key)
    pairs = sorted(parse_where(where or []))
    repository.save_target(session, key, _segment(pairs), float(value))
    return {"kpi": key, "value": float(value), "where": dict(pairs)}


def clear_target(
    session: Session, settings: Settings, key: str, where: list[str] | None = None
) -> bool:
    """Remove the target of a KPI (of one segment with ``where``); False when it had none."""
    registry(session, settings).get(key)
    return repository.delete_target(session, key, _segment(sorted(parse_where(where or []))))


def _segment(pairs: list[tuple[str, str]]) -> str:
    return ";".join(f"{k}={v}" for k, v in pairs)


def define_kpi(
    session: Session, settings: Settings, definition: dict[str, Any], backend: BaseBackend | None
) -> dict[str, Any]:
    """Declare (or replace) a custom KPI through the API after checking it on the data."""
    kpi = custom.build(definition, "definition")
    if kpi.key in cat.KPIS:
        raise DefinitionError(f"definition {kpi.key}, field 'key': taken by a built-in KPI")
    # Computing it once on an empty range checks every column it names.
    probe = Query(start=date(1970, 1, 1), end=date(1970, 1, 1))
    evaluate(backend or backend_for(settings), kpi, probe, settings.tz, settings.min_sample)
    repository.save_definition(session, kpi.key, definition)
    return {"key": kpi.key, "label_en": kpi.label_en, "interval": kpi.method}


def delete_kpi(session: Session, key: str) -> None:
    """Remove a custom KPI declared through the API."""
    if not repository.delete_definition(session, key):
        raise NotFoundError(f"no custom KPI {key!r} declared through the API")
