"""REST routes of benchmarks: ``/api/v1/benchmarks``."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from kundepuls.benchmarks import service
from kundepuls.benchmarks.schemas import BenchmarkCreate, BenchmarkOut, ComparisonOut
from kundepuls.deps import Permission, SessionDep, SettingsDep, api_guard

# Analysts and admins enter benchmarks (the analyst's write permission); viewers only read.
router = APIRouter(
    prefix="/api/v1/benchmarks", tags=["benchmarks"], dependencies=[api_guard(Permission.COMMENT)]
)


@router.get("")
def list_benchmarks(
    session: SessionDep, kpi: str | None = None, kind: str | None = None
) -> list[BenchmarkOut]:
    """Benchmarks, by KPI and period."""
    return [BenchmarkOut.model_validate(b) for b in service.listed(session, kpi, kind)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_benchmark(
    data: BenchmarkCreate, session: SessionDep, settings: SettingsDep
) -> BenchmarkOut:
    """Add a benchmark (or update the one with the same KPI, source, kind and period)."""
    found, _new = service.add(session, settings, data)
    return BenchmarkOut.model_validate(found)


@router.get("/compare")
def compare(
    session: SessionDep,
    settings: SettingsDep,
    kpi: str | None = None,
    benchmark_id: int | None = None,
    where: Annotated[list[str], Query(description="Our segment DIM=VALUE.")] = [],  # noqa: B006
    lang: str = "nb",
) -> list[ComparisonOut]:
    """Our KPI in each benchmark's period against it, with the difference and p-value."""
    return service.compare(session, settings, kpi, benchmark_id, where, lang)


@router.delete("/{benchmark_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_benchmark(benchmark_id: int, session: SessionDep) -> None:
    """Remove a benchmark."""
    service.remove(session, benchmark_id)
