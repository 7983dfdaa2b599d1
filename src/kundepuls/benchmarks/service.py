"""Benchmark use cases: add, list, remove, import a file, and compare our KPI with them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kundepuls.benchmarks import repository
from kundepuls.benchmarks.models import Benchmark
from kundepuls.benchmarks.schemas import BenchmarkCreate, BenchmarkOut, ComparisonOut
from kundepuls.benchmarks.statistics import (
    benchmark_standard_error,
    our_standard_error,
    versus,
)
from kundepuls.benchmarks.texts import num, p_text, signed, t
from kundepuls.config import Settings
from kundepuls.kit.errors import KundepulsError, NotFoundError, UsageError
from kundepuls.kpis import service as kpis
from kundepuls.kpis.backends import backend_for
from kundepuls.kpis.engine import sufficient
from kundepuls.kpis.results import filled, scale_of

COLUMNS = ("kpi", "source", "kind", "period_start", "period_end", "value", "ci_low",
           "ci_high", "n", "note")  # fmt: skip
ALPHA = 0.05


def problem(error: ValidationError) -> str:
    """Pydantic's first complaint, naming the field."""
    first = error.errors()[0]
    field = ".".join(map(str, first["loc"]))
    message = str(first["msg"]).removeprefix("Value error, ")
    if not field and ":" in message:
        return message
    return f"field {field!r}: {message}"


def add(session: Session, settings: Settings, data: BenchmarkCreate) -> tuple[Benchmark, bool]:
    """Store a benchmark (or update the same KPI, source, kind and period)."""
    kpis.registry(session, settings).get(data.kpi)
    return repository.upsert(session, data.model_dump())


def listed(
    session: Session, kpi: str | None = None, kind: str | None = None
) -> Sequence[Benchmark]:
    return repository.listed(session, kpi, kind)


def remove(session: Session, benchmark_id: int) -> None:
    found = repository.get(session, benchmark_id)
    if found is None:
        raise NotFoundError(f"benchmark {benchmark_id}: no such benchmark")
    session.delete(found)
    session.flush()


@dataclass
class ImportResult:
    inserted: int
    updated: int
    errors: list[str]


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise KundepulsError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str, keep_default_na=False)
    except (ValueError, OSError) as error:
        raise KundepulsError(f"{path}: cannot read the file: {error}") from None
    raise UsageError(f"{path}: use a .csv or .xlsx file")


def _row(raw: dict[Any, Any]) -> dict[str, Any]:
    cleaned = {str(k): (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    return {k: v for k, v in cleaned.items() if k in COLUMNS and v not in ("", None)}


def import_file(session: Session, settings: Settings, path: Path) -> ImportResult:
    """Import benchmarks from CSV or Excel (one per row, columns as the API's fields).

    Good rows are stored even when others are rejected; each rejected row gets one
    message naming its row (as a spreadsheet numbers it: the header is row 1) and field.
    """
    frame = _read(path)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("kpi", "source", "kind", "period_start", "period_end", "value")
               if c not in frame.columns]  # fmt: skip
    if missing:
        raise KundepulsError(f"{path.name}: missing column(s) {', '.join(missing)}")
    known = kpis.registry(session, settings)
    result = ImportResult(0, 0, [])
    for index, raw in enumerate(frame.to_dict("records")):
        where = f"row {index + 2}"
        try:
            data = BenchmarkCreate.model_validate(_row(raw))
            known.get(data.kpi)
        except ValidationError as error:
            result.errors.append(f"{where}: {problem(error)}")
            continue
        except KundepulsError as error:
            result.errors.append(f"{where}: field 'kpi': {error}")
            continue
        _found, new = repository.upsert(session, data.model_dump())
        result.inserted += new
        result.updated += not new
    return result


def _ours(
    session: Session, settings: Settings, bench: Benchmark, where: list[str]
) -> dict[str, Any]:
    """Our KPI in the benchmark's period: the row users see and the standard error."""
    kpi = kpis.registry(session, settings).get(bench.kpi)
    query = kpis.make_query(start=bench.period_start, end=bench.period_end, where=where)
    shown = kpis.show(session, settings, bench.kpi, query).iloc[0]
    stats = filled(kpi, query, *sufficient(backend_for(settings), kpi, query, settings.tz))
    se = our_standard_error(kpi.method, stats.iloc[0], scale_of(kpi))
    n = int(shown["n"])
    value, low, high = (float(shown[c]) for c in ("value", "ci_low", "ci_high"))
    if math.isnan(se) and n > 0:  # medians: read it off the interval
        se = (high - low) / (2 * 1.959963984540054)
    return {"kpi": kpi, "value": value, "n": n, "ci_low": low, "ci_high": high,
            "low_sample": bool(shown["low_sample"]), "se": se}  # fmt: skip


def _none(value: float) -> float | None:
    return None if math.isnan(value) else value


def compare_one(
    session: Session, settings: Settings, bench: Benchmark, where: list[str], lang: str = "nb"
) -> ComparisonOut:
    """Our KPI in the benchmark's period against it, with the verdict in words."""
    ours = _ours(session, settings, bench, where)
    kpi, n = ours["kpi"], ours["n"]
    our_sd = ours["se"] * math.sqrt(n) if n > 0 else math.nan
    se_b, how = benchmark_standard_error(
        kpi.method, bench.value, (bench.ci_low, bench.ci_high), bench.n, our_sd, scale_of(kpi)
    )
    result = versus(ours["value"], ours["se"], bench.value, se_b, how)
    who = t(lang, "industry") if bench.kind == "industry" else bench.source
    if n == 0 or math.isnan(ours["value"]):
        verdict = t(lang, "no_data", who=who)
    elif n < settings.min_sample:
        verdict = t(lang, "low_sample", who=who, n=n, min=settings.min_sample)
    else:
        side_key = "above" if result.diff > 0 else "below" if result.diff < 0 else "level"
        side = t(lang, side_key, who=who)
        significant = result.p_value < ALPHA and side_key != "level"
        verdict = side if side_key == "level" else t(
            lang, "significant" if significant else "not_significant", side=side
        )  # fmt: skip
    label = kpi.label_en if lang == "en" else kpi.label_nb
    text = t(
        lang, "sentence", label=label, start=bench.period_start, end=bench.period_end,
        value=num(ours["value"], lang), low=num(ours["ci_low"], lang),
        high=num(ours["ci_high"], lang), n=n, who=who, bench=num(bench.value, lang),
        source=f" ({bench.source})" if bench.kind == "industry" else "",
        diff=signed(_none(result.diff), lang),
        dlow=num(_none(result.low), lang), dhigh=num(_none(result.high), lang),
        p=p_text(_none(result.p_value), lang), verdict=verdict,
    )  # fmt: skip
    return ComparisonOut(
        benchmark=BenchmarkOut.model_validate(bench), where=where, value=_none(ours["value"]),
        n=n, ci_low=_none(ours["ci_low"]), ci_high=_none(ours["ci_high"]),
        low_sample=ours["low_sample"], diff=_none(result.diff), diff_low=_none(result.low),
        diff_high=_none(result.high), p_value=_none(result.p_value),
        benchmark_uncertainty=how, verdict=verdict, text=text,
    )  # fmt: skip


def compare(
    session: Session,
    settings: Settings,
    kpi: str | None = None,
    benchmark_id: int | None = None,
    where: list[str] | None = None,
    lang: str = "nb",
) -> list[ComparisonOut]:
    """Compare our KPI with one benchmark, or with every benchmark (of ``kpi``)."""
    if benchmark_id is not None:
        found = repository.get(session, benchmark_id)
        if found is None:
            raise NotFoundError(f"benchmark {benchmark_id}: no such benchmark")
        chosen: Sequence[Benchmark] = [found]
    else:
        chosen = repository.listed(session, kpi)
    return [compare_one(session, settings, b, list(where or []), lang) for b in chosen]
