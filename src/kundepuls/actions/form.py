"""The action form of the pages: the fields as typed, checked one by one, with a message per
wrong field in the reader's language (nothing is saved while one is wrong).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from pydantic import ValidationError

from kundepuls.actions import service
from kundepuls.actions.models import ACTION_STATUSES, Action
from kundepuls.kit.errors import KundepulsError, UsageError
from kundepuls.kit.i18n import plain_number

FIELDS = ("title", "kpi", "segment", "compare", "start_date", "end_date", "status", "owner",
          "expected_effect", "description")  # fmt: skip
# The service's refusals start with the field they are about (the form checks the same
# things first, so these are a second line).
_REFUSALS = (("kpi:", "kpi", "err_kpi"), ("segment:", "segment", "err_segment"),
             ("compare:", "compare", "err_compare_needs_segment"),
             ("end_date:", "end_date", "err_end"))  # fmt: skip


def _blank(text: str) -> str | None:
    return text.strip() or None


def _date(text: str, field: str, errors: dict[str, str], tx: dict[str, str]) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[field] = tx["err_date"]
        return None


def _segments(form: dict[str, str], errors: dict[str, str], tx: dict[str, str]) -> None:
    for field in ("segment", "compare"):
        text = form[field].strip()
        if text:
            try:
                service.parse_segment(text, field)
            except UsageError:
                errors[field] = tx["err_segment"]
    if form["compare"].strip() and not form["segment"].strip() and "compare" not in errors:
        errors["compare"] = tx["err_compare_needs_segment"]


def _number(text: str, lang: str) -> float | None:
    """A number as typed in ``lang``; ValueError for anything else (NaN and ∞ too)."""
    if not text.strip():
        return None
    value = float(plain_number(text, lang))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def form_data(
    form: dict[str, str], lang: str, tx: dict[str, str], kpis: dict[str, str]
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The action's fields from the form, or a message per wrong field (in ``lang``)."""
    errors: dict[str, str] = {}
    title = form["title"].strip()
    if not 1 <= len(title) <= 200:
        errors["title"] = tx["err_title"]
    if form["kpi"] not in kpis:
        errors["kpi"] = tx["err_kpi"]
    _segments(form, errors, tx)
    start = _date(form["start_date"], "start_date", errors, tx)
    if start is None and "start_date" not in errors:
        errors["start_date"] = tx["err_date"]
    end = _date(form["end_date"], "end_date", errors, tx)
    if start and end and end <= start:
        errors["end_date"] = tx["err_end"]
    if form["status"] not in ACTION_STATUSES:
        errors["status"] = tx["err_status"]
    if len(form["owner"].strip()) > 200:
        errors["owner"] = tx["err_text"]
    if len(form["description"]) > 10_000:
        errors["description"] = tx["err_text"]
    try:
        expected = _number(form["expected_effect"], lang)
    except ValueError:
        errors["expected_effect"] = tx["err_number"]
        expected = None
    if errors:
        return None, errors
    data = {
        "title": title, "kpi": form["kpi"], "segment": _blank(form["segment"]),
        "compare": _blank(form["compare"]), "start_date": start, "end_date": end,
        "status": form["status"], "owner": _blank(form["owner"]), "expected_effect": expected,
        "description": _blank(form["description"]),
    }  # fmt: skip
    return data, errors


def refusal(error: KundepulsError, tx: dict[str, str]) -> dict[str, str]:
    """The field a refusal of the service is about, with a message in the reader's language."""
    message = str(error)
    for start, field, key in _REFUSALS:
        if message.startswith(start):
            return {field: tx[key]}
    return {"title": message}


def refused(error: KundepulsError | ValidationError, tx: dict[str, str]) -> dict[str, str]:
    """The messages per field for a refusal by the service or by the schema."""
    if isinstance(error, KundepulsError):
        return refusal(error, tx)
    errors: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "title"
        errors.setdefault(field if field in FIELDS else "title", tx["err_text"])
    return errors


def form_values(action: Action | None, lang: str) -> dict[str, str]:
    """The form's fields for ``action`` (a new action's defaults for None), as typed in ``lang``."""
    if action is None:
        return {"status": "running", "kpi": "first_response_hours"}
    expected = action.expected_effect
    number = "" if expected is None else format(expected, ".10g")
    return {
        "title": action.title, "kpi": action.kpi, "segment": action.segment or "",
        "compare": action.compare or "", "start_date": action.start_date.isoformat(),
        "end_date": action.end_date.isoformat() if action.end_date else "",
        "status": action.status, "owner": action.owner or "",
        "expected_effect": number.replace(".", ",") if lang == "nb" else number,
        # The editor sees the text as written (the API shows it so too); pages show it masked.
        "description": action.description or "",
    }  # fmt: skip
