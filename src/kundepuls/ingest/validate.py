"""Checking and converting one row of a file to the values of the data contract.

Every parser takes the raw value as the reader gave it (a string from CSV, a number or a
datetime from JSON, Excel or Parquet) and returns the converted value, ``None`` for an
empty one, or raises ``ValueError`` with a short reason for the user.
"""

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from kundepuls.facts.models import COMPLAINT_STATUSES, FACT_MODELS
from kundepuls.ingest.columns import ColumnMap, KindSpec
from kundepuls.kit.times import parse_datetime, to_utc

Parser = Callable[[Any], Any]

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# Clocks and time zones of source systems differ; a day of slack keeps honest rows in.
FUTURE_SLACK = timedelta(days=1)
MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2)

_NORWEGIAN_DATE = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$"
)
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_TRUE = {"1", "true", "yes", "y", "ja", "j", "x", "sant"}
_FALSE = {"0", "false", "no", "n", "nei", "usant"}
_STATUS = {s: s for s in COMPLAINT_STATUSES} | {
    "in progress": "in_progress",
    "in-progress": "in_progress",
    "åpen": "open",
    "apen": "open",
    "ny": "open",
    "new": "open",
    "under behandling": "in_progress",
    "pågår": "in_progress",
    "løst": "resolved",
    "lost": "resolved",
    "closed": "resolved",
    "lukket": "resolved",
    "avvist": "rejected",
    "avslått": "rejected",
}


def _text(value: Any) -> str | None:
    if value.__class__ is str:  # the common case first: every CSV value is a string
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():  # 12345.0 from a spreadsheet is the id 12345
            value = int(value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return text.strip() or None


def _datetime(value: Any, tz: ZoneInfo) -> datetime | None:
    if isinstance(value, datetime):
        return to_utc(value, tz)
    if isinstance(value, date):
        return to_utc(datetime.combine(value, time()), tz)
    text = _text(value)
    if text is None:
        return None
    if text[4:5] == "-":  # ISO 8601, as kit.times.parse_datetime reads it
        try:
            return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")), tz)
        except ValueError:
            pass
    match = _NORWEGIAN_DATE.match(text)
    if match:
        day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            return to_utc(datetime(year, month, day, hour, minute, second), tz)
        except ValueError as error:
            raise ValueError(f"not a valid date: {text!r} ({error})") from None
    try:
        return parse_datetime(text, tz)
    except ValueError:
        raise ValueError(
            f"not a date or time: {text!r} (use ISO 8601 like 2026-03-29 14:30, "
            "or dd.mm.yyyy [HH:MM])"
        ) from None


def _decimal(value: Any) -> Decimal | None:
    """A number from ``1234.5``, ``1 234,50`` (Norwegian), ``1,234.50`` or ``1.234,50``."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return None if math.isnan(value) else Decimal(repr(value))
    text = _text(value)
    if text is None:
        return None
    raw = text
    if not text.isascii() or "," in text or " " in text:
        text = _SPACES.sub("", text)
        if "," in text:
            if "." in text and text.rindex(".") > text.rindex(","):
                text = text.replace(",", "")  # 1,234.50
            else:
                text = text.replace(".", "").replace(",", ".")  # 1.234,50 and 1234,50
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {raw!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a number: {raw!r}")
    return number


def _integer(value: Any) -> int | None:
    number = _decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"not a whole number: {_text(value)!r}")
    return int(number)


def ranged(low: int, high: int | None) -> Parser:
    """A parser of whole numbers from ``low`` to ``high`` (no upper bound when None)."""

    def parse(value: Any) -> int | None:
        number = _integer(value)
        if number is not None and (number < low or (high is not None and number > high)):
            bound = f"{low}–{high}" if high is not None else f"at least {low}"
            raise ValueError(f"{number} is out of range ({bound})")
        return number

    return parse


def _amount(value: Any) -> Decimal | None:
    # Negative amounts are refunds and credit notes: kept, they lower revenue and AOV.
    number = _decimal(value)
    if number is None:
        return None
    number = number.quantize(Decimal("0.01"))
    if abs(number) > MAX_AMOUNT:
        raise ValueError(f"amount {number} is too large")
    return number


def _currency(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if len(text) != 3 or not text.isalpha():
        raise ValueError(f"not a 3-letter currency code: {text!r}")
    return text.upper()


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text is None:
        return None
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValueError(f"not yes/no: {text!r}")


def _status(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return _STATUS[text.lower()]
    except KeyError:
        raise ValueError(
            f"unknown status {text!r} (use one of {', '.join(COMPLAINT_STATUSES)})"
        ) from None


def _email(value: Any) -> str | None:
    text = _text(value)
    if text is not None and ("@" not in text or " " in text):
        raise ValueError(f"not an email address: {text!r}")
    return text


def parsers(tz: ZoneInfo) -> dict[str, Parser]:
    """The parser of each field type."""
    return {
        "text": _text,
        "id": _text,
        "email": _email,
        "datetime": lambda value: _datetime(value, tz),
        "amount": _amount,
        "currency": _currency,
        "contacts": ranged(1, None),
        "nps": ranged(0, 10),
        "csat": ranged(1, 5),
        "ces": ranged(1, 7),
        "bool": _bool,
        "status": _status,
    }


def _bounded(parse: Parser, length: int) -> Parser:
    def bounded(value: Any) -> Any:
        text = parse(value)
        if text is not None and len(text) > length:
            raise ValueError(f"longer than {length} characters")
        return text

    return bounded


def _short_text(length: int) -> Parser:
    """``_text`` with a length check, in one call: it runs for most values of a file."""

    def parse(value: Any) -> str | None:
        text = value.strip() if value.__class__ is str else _text(value)
        if not text:
            return None
        if len(text) > length:
            raise ValueError(f"longer than {length} characters")
        return text

    return parse


def lengths(spec: KindSpec) -> dict[str, int]:
    """The longest text each field of ``spec`` can keep."""
    table = FACT_MODELS[spec.kind].__table__
    found = {f.name: getattr(table.c[f.name].type, "length", None) for f in spec.fields}
    return {name: length for name, length in found.items() if length}


def _plan(spec: KindSpec, columns: ColumnMap, tz: ZoneInfo) -> list[tuple[str, str, Parser]]:
    """(file column, field, parser) for each mapped column; text is checked for length."""
    by_type = parsers(tz)
    types = {f.name: f.type for f in spec.fields}
    longest = lengths(spec)
    plan = []
    for column, name in columns.fields.items():
        parse = by_type[types[name]]
        length = longest.get(name)
        if types[name] in ("text", "id") and length:
            parse = _short_text(length)
        elif types[name] == "email" and length:
            parse = _bounded(parse, length)
        plan.append((column, name, parse))
    return plan


class RowValidator:
    """Validates the rows of one file: ``check(raw)`` gives ``(values, problems)``."""

    def __init__(self, spec: KindSpec, columns: ColumnMap, tz: ZoneInfo, now: datetime):
        self.tz = tz
        self.lengths = lengths(spec)
        self.plan = _plan(spec, columns, tz)
        self.extras = columns.extras
        self.required = spec.required
        self.defaults = {f.name: f.default for f in spec.fields if f.default is not None}
        self.times = [f.name for f in spec.fields if f.type == "datetime"]
        self.latest = now + FUTURE_SLACK

    def check(self, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The converted values and the list of problems (``field: reason``) of one row."""
        values: dict[str, Any] = self.defaults.copy()
        problems: list[str] = []
        get = raw.get
        for column, name, parse in self.plan:
            try:
                value = parse(get(column))
            except ValueError as error:
                problems.append(f"field {name}: {error}")
                continue
            if value is not None:
                values[name] = value
        for name in self.required:
            if name not in values and not any(p.startswith(f"field {name}:") for p in problems):
                problems.append(f"field {name}: required but empty")
        self._check_times(values, problems)
        values["attributes"] = self.attributes(raw) if self.extras else {}
        return values, problems

    def _check_times(self, values: dict[str, Any], problems: list[str]) -> None:
        for name in self.times:
            moment = values.get(name)
            if moment is None:
                continue
            if moment < EARLIEST:
                problems.append(f"field {name}: {moment:%Y-%m-%d} is before 1990")
            elif moment > self.latest:
                problems.append(f"field {name}: {moment:%Y-%m-%d %H:%M} UTC is in the future")
        created = values.get("created_at")
        for name in ("first_response_at", "resolved_at"):
            moment = values.get(name)
            if created is not None and moment is not None and moment < created:
                problems.append(f"field {name}: before created_at")

    def attributes(self, raw: dict[str, Any]) -> dict[str, Any]:
        attributes: dict[str, Any] = {}
        for column in self.extras:
            value = raw.get(column)
            if isinstance(value, float) and math.isnan(value):
                continue
            if isinstance(value, str):
                value = value.strip()
            elif isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, date):
                value = value.isoformat()
            if value is not None and value != "":
                attributes[column.strip()] = value
        return attributes
