"""The benchmarks page: our KPIs against each benchmark, and (for those who may) add, delete
and import them (``/benchmarks``).

Reading needs a signed-in viewer; changes need the permission the benchmarks API uses for
writes (:data:`WRITE`). A bad form answers 422 with a message under each wrong field.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kundepuls.accounts.schemas import Principal
from kundepuls.benchmarks import service
from kundepuls.benchmarks.page_texts import TEXTS
from kundepuls.benchmarks.schemas import BenchmarkCreate
from kundepuls.config import Settings
from kundepuls.deps import Permission, SessionDep, SettingsDep, ViewerUser, require
from kundepuls.kit.errors import KundepulsError
from kundepuls.kit.i18n import language_or_default, plain_number
from kundepuls.kpis.service import registry
from kundepuls.web.pages import render

router = APIRouter(include_in_schema=False)

WRITE = Permission.COMMENT  # as the benchmarks API's writes
Writer = Annotated[Principal, Depends(require(WRITE))]
FIELDS = ("kpi", "source", "kind", "period_start", "period_end", "value", "ci_low", "ci_high",
          "n", "note")  # fmt: skip
NUMBERS = ("value", "ci_low", "ci_high", "n")
_ERRORS = {
    "missing": "err_required",
    "string_too_short": "err_required",
    "float_parsing": "err_number",
    "float_type": "err_number",
    "finite_number": "err_number",
    "int_parsing": "err_integer",
    "int_from_float": "err_integer",
    "greater_than_equal": "err_integer",
    "date_parsing": "err_date",
    "date_from_datetime_parsing": "err_date",
    "date_type": "err_date",
    "literal_error": "err_choice",
}


def field_errors(error: ValidationError, tx: dict[str, str]) -> dict[str, str]:
    """One message in the reader's language per wrong field of a benchmark form."""
    found: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        message = str(item["msg"])
        key = _ERRORS.get(item["type"], "err_invalid")
        if "finite" in message:
            key = "err_number"
        elif "must not be empty" in message:
            key = "err_required"
        elif "period_end" in message:
            field, key = "period_end", "err_period"
        elif "both ends" in message:
            field, key = "ci_high", "err_ci_both"
        elif "contain the value" in message:
            field, key = "ci_low", "err_ci_contain"
        found.setdefault(field or "value", tx[key])
    return found


def _clean(form: dict[str, str], lang: str) -> dict[str, Any]:
    """The form's filled fields, numbers as the reader's language writes them."""
    data: dict[str, Any] = {}
    for name in FIELDS:
        value = form.get(name, "").strip()
        if not value:
            continue
        if name in NUMBERS:
            value = plain_number(value, lang)
        data[name] = value
    return data


def _page(
    request: Request,
    user: Principal,
    session: Session,
    settings: Settings,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = language_or_default(user.language)
    kpis = registry(session, settings).kpis
    labels = {k: v.label(lang) for k, v in kpis.items()}
    better = {k: v.higher_is_better for k, v in kpis.items()}
    comparisons = service.compare(session, settings, lang=lang)
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render(request, "benchmarks/page.html", user, TEXTS, active="insights",
                  status=status, comparisons=comparisons, kpi_labels=labels, better=better,
                  can_write=user.can(WRITE), **context)  # fmt: skip


@router.get("/benchmarks")
def benchmarks_page(
    request: Request,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    done: str | None = None,
) -> HTMLResponse:
    """Every benchmark with our value, the difference and the verdict in words."""
    return _page(request, user, session, settings, done=done)


@router.post("/benchmarks", response_model=None)
def add_benchmark(
    request: Request,
    user: Writer,
    session: SessionDep,
    settings: SettingsDep,
    kpi: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    period_start: Annotated[str, Form()] = "",
    period_end: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    ci_low: Annotated[str, Form()] = "",
    ci_high: Annotated[str, Form()] = "",
    n: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Add a benchmark from the form, or show the form again with its errors."""
    lang = language_or_default(user.language)
    tx = TEXTS[lang]
    form = dict(kpi=kpi, source=source, kind=kind, period_start=period_start,
                period_end=period_end, value=value, ci_low=ci_low, ci_high=ci_high, n=n,
                note=note)  # fmt: skip
    errors: dict[str, str] = {}
    try:
        data = BenchmarkCreate.model_validate(_clean(form, lang))
        service.add(session, settings, data)
    except ValidationError as error:
        errors = field_errors(error, tx)
    except KundepulsError:  # the only other refusal of add(): an unknown KPI
        errors = {"kpi": tx["err_kpi"]}
    if errors:
        return _page(request, user, session, settings, 422, form=form, errors=errors)
    return RedirectResponse("/benchmarks?done=added", 303)


@router.post("/benchmarks/{benchmark_id}/delete")
def delete_benchmark(benchmark_id: int, user: Writer, session: SessionDep) -> RedirectResponse:
    """Remove a benchmark."""
    service.remove(session, benchmark_id)
    return RedirectResponse("/benchmarks?done=deleted", 303)


@router.post("/benchmarks/import")
def import_benchmarks(
    request: Request,
    user: Writer,
    session: SessionDep,
    settings: SettingsDep,
    file: UploadFile,
) -> HTMLResponse:
    """Import benchmarks from a CSV or Excel file; rejected rows are listed with reasons."""
    tx = TEXTS[language_or_default(user.language)]
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        return _page(request, user, session, settings, 422, import_error=tx["err_file"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"benchmarks{suffix}"
        path.write_bytes(file.file.read())
        try:
            result = service.import_file(session, settings, path)
        except KundepulsError as error:
            message = str(error).replace(str(path), file.filename or path.name)
            return _page(request, user, session, settings, 422, import_error=message)
    return _page(request, user, session, settings, imported=result)
