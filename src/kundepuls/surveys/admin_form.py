"""The survey form of the admin pages: a definition as form fields and back, with errors
per field in the user's language.

The form edits what most surveys need (titles, the lead score question, further questions,
the trigger and the timing); anything else in a definition (company name, custom follow-up
bands, trigger filters) is kept as it was.
"""

import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from kundepuls.surveys.definitions import SurveyDefinition

LANGS = ("nb", "nn", "en")
LEAD_KINDS = ("nps", "csat", "ces")
EXTRA_TYPES = ("text", "rating", "single_choice", "multiple_choice")
TRIGGERS = ("after_purchase", "ticket_resolved", "milestone", "schedule", "manual")
EVERY = ("month", "quarter", "year")
MAX_EXTRA = 10
Form = dict[str, str]

_TRIGGER_FIELDS = ("delay_hours", "lookback_days", "attribute", "offset_days", "every", "sample")
_OPTIONAL = {"attribute", "sample", "reminder_after_days"}


def empty_values() -> Form:
    """The fields of a new survey."""
    return {
        "kind": "nps",
        "follow_up": "1",
        "default_language": "nb",
        "trigger_kind": "manual",
        "trigger_delay_hours": "0",
        "trigger_lookback_days": "7",
        "trigger_offset_days": "0",
        "trigger_every": "quarter",
        "reminder_after_days": "3",
        "expires_after_days": "30",
    }


def _options_text(options: list[dict[str, Any]]) -> str:
    lines = []
    for option in options:
        labels = option.get("label") or {}
        lines.append(" | ".join([option["value"], *(labels.get(lang, "") for lang in LANGS)]))
    return "\n".join(line.rstrip(" |") for line in lines)


def values_of(data: dict[str, Any]) -> Form:
    """The form fields of a stored definition."""
    values = empty_values()
    values["key"] = data["key"]
    for lang in LANGS:
        values[f"title_{lang}"] = (data.get("title") or {}).get(lang, "")
    questions = list(data.get("questions") or [])
    lead = questions[0] if questions and questions[0]["type"] in LEAD_KINDS else None
    values["kind"] = lead["type"] if lead else ""
    values["follow_up"] = "1" if lead and lead.get("follow_up") else ""
    for name in ("touchpoint", "default_language"):
        values[name] = str(data.get(name) or "")
    values["anonymous"] = "1" if data.get("anonymous") else ""
    for i, question in enumerate(questions[1:] if lead else questions):
        prefix = f"q{i}_"
        values[prefix + "id"] = question["id"]
        values[prefix + "type"] = question["type"]
        values[prefix + "required"] = "1" if question.get("required") else ""
        for lang in LANGS:
            values[f"{prefix}text_{lang}"] = (question.get("text") or {}).get(lang, "")
        values[prefix + "options"] = _options_text(question.get("options") or [])
    trigger = data.get("trigger") or {}
    values["trigger_kind"] = trigger.get("kind", "manual")
    for name in _TRIGGER_FIELDS:
        if trigger.get(name) is not None:
            values[f"trigger_{name}"] = _plain(trigger[name])
    for name in ("reminder_after_days", "expires_after_days"):
        values[name] = _plain(data.get(name))
    return values


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def question_rows(values: Form) -> list[int]:
    """The indexes of the further questions on the form, and one empty row to add one."""
    used = [i for i in range(MAX_EXTRA) if values.get(f"q{i}_type") or values.get(f"q{i}_id")]
    return [*used, max(used, default=-1) + 1][:MAX_EXTRA]


def _wording(values: Form, prefix: str) -> dict[str, str] | None:
    found = {lang: values[f"{prefix}{lang}"].strip() for lang in LANGS if values.get(prefix + lang)}
    found = {lang: text for lang, text in found.items() if text}
    return found or None


def _options(text: str) -> list[dict[str, Any]]:
    options = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not parts[0]:
            continue
        labels = {lang: label for lang, label in zip(LANGS, parts[1:], strict=False) if label}
        options.append({"value": parts[0], "label": labels or {"nb": parts[0]}})
    return options


def _lead(values: Form, old: dict[str, Any] | None) -> dict[str, Any] | None:
    kind = values.get("kind", "")
    if not kind:
        return None
    follow = bool(values.get("follow_up"))
    lead: dict[str, Any] = {"id": kind, "type": kind, "follow_up": follow}
    if old is not None and old.get("type") == kind:
        # Same kind of score: keep its id, wording and any custom follow-up bands.
        lead = {**old, "follow_up": old.get("follow_up") if follow else False}
        if follow and not old.get("follow_up"):
            lead["follow_up"] = True
    return lead


def _extra(values: Form, i: int) -> dict[str, Any] | None:
    prefix = f"q{i}_"
    kind = values.get(prefix + "type", "")
    if not kind:
        return None
    question: dict[str, Any] = {
        "id": values.get(prefix + "id", "").strip(),
        "type": kind,
        "required": bool(values.get(prefix + "required")),
        "text": _wording(values, prefix + "text_"),
    }
    if kind in ("single_choice", "multiple_choice"):
        question["options"] = _options(values.get(prefix + "options", ""))
    return question


def definition_data(values: Form, old: dict[str, Any] | None) -> dict[str, Any]:
    """The definition the form describes, on top of the stored one (if any)."""
    data: dict[str, Any] = dict(old or {})
    old_questions = list((old or {}).get("questions") or [])
    old_lead = (
        old_questions[0] if old_questions and old_questions[0]["type"] in LEAD_KINDS else None
    )
    data["key"] = (old or {}).get("key") or values.get("key", "").strip()
    data["title"] = _wording(values, "title_")
    data["touchpoint"] = values.get("touchpoint", "").strip() or None
    data["default_language"] = values.get("default_language") or "nb"
    data["anonymous"] = bool(values.get("anonymous"))
    lead = _lead(values, old_lead)
    extras = [q for i in question_rows(values) if (q := _extra(values, i)) is not None]
    data["questions"] = [lead, *extras] if lead else extras
    trigger: dict[str, Any] = dict((old or {}).get("trigger") or {})
    trigger["kind"] = values.get("trigger_kind") or "manual"
    for name in _TRIGGER_FIELDS:
        raw = values.get(f"trigger_{name}", "").strip().replace(",", ".")
        if raw or name in _OPTIONAL:
            trigger[name] = raw or None
    data["trigger"] = {k: v for k, v in trigger.items() if v is not None or k == "attribute"}
    for name in ("reminder_after_days", "expires_after_days"):
        raw = values.get(name, "").strip()
        if raw or name in _OPTIONAL:
            data[name] = raw or None
    return data


def _field(loc: tuple[int | str, ...], lead: bool) -> str:
    """The form field an error's location points at."""
    head = loc[0] if loc else ""
    if head == "questions" and len(loc) > 1 and isinstance(loc[1], int):
        index = loc[1] - (1 if lead else 0)
        if index < 0:
            return "kind"
        rest = [part for part in loc[2:] if isinstance(part, str)]
        name = rest[0] if rest else "type"
        return f"q{index}_" + {"text": "text_nb", "label": "options", "value": "options"}.get(
            name, name
        )
    if head == "trigger":
        name = str(loc[1]) if len(loc) > 1 else "attribute"
        return f"trigger_{name}"
    if head == "title":
        return "title_nb"
    return str(head) or "key"


_CUSTOM = (
    ("needs a text", "err_needs_text"),
    ("at least 2 options", "err_two_options"),
    ("takes no options", "err_no_options"),
    ("needs attribute", "err_attribute"),
    ("must be unique", "err_unique"),
)


def _message(error: ErrorDetails, field: str, tx: dict[str, str]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        which = "key" if field == "key" else "option" if field.endswith("options") else "id"
        return tx[f"err_pattern_{which}"]
    if kind in ("float_parsing", "float_type"):
        return tx["err_number"]
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return tx["err_whole_number"]
    if kind in ("greater_than_equal", "greater_than"):
        return tx["err_at_least"].format(limit=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return tx["err_at_most"].format(limit=ctx.get("le", ctx.get("lt")))
    if kind in ("string_too_long", "too_long"):
        return tx["err_too_long"]
    if kind == "literal_error":
        return tx["err_choose"]
    detail = str(error["msg"]).removeprefix("Value error, ")
    for needle, key in _CUSTOM:
        if needle in detail:
            return tx[key]
    return tx["err_other"].format(detail=detail)


def field_label(field: str, tx: dict[str, str]) -> str:
    """The label of a form field, for the summary of errors above the form."""
    found = re.fullmatch(r"q(\d+)_(.+)", field)
    if found:
        number, name = int(found.group(1)) + 1, found.group(2)
        return f"{tx['question_n'].format(n=number)} – {tx.get('f_q_' + name, name)}"
    return tx.get("f_" + field, field)


def _moved(field: str, message: str, tx: dict[str, str]) -> str:
    """A question-wide problem shown at the field that fixes it."""
    if field.endswith("_type") and field.startswith("q"):
        if message == tx["err_needs_text"]:
            return field.removesuffix("type") + "text_nb"
        if message in (tx["err_two_options"], tx["err_no_options"]):
            return field.removesuffix("type") + "options"
    if message == tx["err_unique"]:
        return "q0_id"
    return field


def check(
    values: Form, old: dict[str, Any] | None, tx: dict[str, str]
) -> tuple[SurveyDefinition | None, dict[str, str]]:
    """The definition of the form, or the problems per field (in ``tx``'s language)."""
    data = definition_data(values, old)
    try:
        return SurveyDefinition.model_validate(data), {}
    except ValidationError as error:
        lead = bool(data["questions"]) and data["questions"][0]["type"] in LEAD_KINDS
        errors: dict[str, str] = {}
        for problem in error.errors():
            field = _field(tuple(problem["loc"]), lead)
            message = _message(problem, field, tx)
            field = _moved(field, message, tx)
            errors.setdefault(field, message)
        return None, errors
