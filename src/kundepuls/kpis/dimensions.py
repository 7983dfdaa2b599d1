"""Dimensions a KPI can be broken down and filtered by, resolved against a fact table.

A name is looked up, in order, as a time part (weekday, weekend, hour in the configured
timezone), a column of the fact row, a column of the row's customer, the sentiment or a
theme of a survey answer's comment, a key of the row's ``attributes`` and a key of the
customer's ``attributes``. An unknown name is a usage error that suggests the nearest
known names.

``theme`` is the one dimension whose groups overlap: a comment about delivery and price
counts in both groups, and an answer without a comment (or with no theme) in the missing
group.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from kundepuls.kit.errors import UsageError

TIME_PARTS = ("weekday", "weekend", "hour")
CUSTOMER_COLUMNS = (
    "region",
    "country",
    "segment",
    "age_band",
    "gender",
    "language",
    "rfm_segment",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Columns that identify or describe a single row rather than group rows.
_NOT_DIMENSIONS = {
    "attributes",
    "batch_id",
    "comment",
    "email",
    "name",
    "amount",
    "nps",
    "csat",
    "ces",
    "contacts",
}
CUSTOMER_PREFIX = "_c_"
# Dimensions of survey answers from the analysis of their comments (the text domain):
# name → (table, column); answers without an analysed comment have them missing.
COMMENT_DIMENSIONS = {
    "sentiment": ("comment_analyses", "sentiment"),
    "theme": ("comment_themes", "theme"),
}
COMMENT_PREFIX = "_t_"
# Dimensions under which one row can fall in several groups.
OVERLAPPING = frozenset({"theme"})


@dataclass(frozen=True)
class Dimension:
    """How to compute one dimension on the (joined) fact table.

    ``source`` is ``time``, ``row``, ``customer``, ``comment``, ``row_attribute`` or
    ``customer_attribute``.
    """

    name: str
    source: str

    @property
    def needs_customer(self) -> bool:
        return self.source.startswith("customer")

    def expr(self, t: ir.Table, local: ir.TimestampValue | None) -> ir.Value:
        """The dimension's value for each row of ``t`` (``local``: wall-clock event time)."""
        if self.source == "time":
            assert local is not None
            if self.name == "hour":
                return local.hour().cast("int64")
            weekday = local.day_of_week.index().cast("int64")  # Monday = 0
            return weekday >= 5 if self.name == "weekend" else weekday
        if self.source == "row":
            return t[self.name]
        if self.source == "customer":
            return t[CUSTOMER_PREFIX + self.name]
        if self.source == "comment":
            return t[COMMENT_PREFIX + self.name]
        column = "attributes" if self.source == "row_attribute" else CUSTOMER_PREFIX + "attributes"
        return json_text(t[column], self.name)


@ibis.udf.scalar.builtin  # type: ignore[untyped-decorator]
def get_json_object(json: str, path: str) -> str:  # type: ignore[empty-body]
    """Spark's built-in JSON path lookup (Ibis's own JSON access runs a Python UDF there)."""


def _backend_name(value: ir.Value) -> str:
    try:
        return str(value._find_backend().name)
    except Exception:  # an unbound expression: any backend
        return ""


def json_text(column: ir.Value, key: str) -> ir.StringValue:
    """The value at ``key`` of a JSON column as text (strings unquoted, others as JSON)."""
    if _backend_name(column) == "pyspark":
        return get_json_object(column.cast("string"), f"$.{key}")
    value = column if column.type().is_json() else column.cast("json")
    item = value[key]
    return ibis.coalesce(item.str, item.cast("string"))


def row_dimensions(schema: Iterable[tuple[str, dt.DataType]], id_column: str) -> list[str]:
    """The columns of a fact row that can serve as dimensions."""
    names = []
    for name, dtype in schema:
        if name in _NOT_DIMENSIONS or name == id_column or dtype.is_temporal():
            continue
        if dtype.is_string() or dtype.is_boolean() or dtype.is_integer():
            names.append(name)
    return names


def resolve(
    names: Iterable[str],
    row_columns: list[str],
    has_customer: bool,
    attribute_exists: Callable[[str, str], bool],
    comments: Iterable[str] = (),
) -> list[Dimension]:
    """Resolve dimension names for one fact table, or raise a usage error with suggestions.

    ``attribute_exists(source, key)`` says whether any row (``row_attribute``) or customer
    (``customer_attribute``) carries ``key`` among its imported attributes; ``comments``
    are the names of :data:`COMMENT_DIMENSIONS` the fact table has (survey answers).
    """
    comments = tuple(comments)
    resolved = []
    for name in names:
        resolved.append(_resolve_one(name, row_columns, has_customer, attribute_exists, comments))
    return resolved


def _resolve_one(
    name: str,
    row_columns: list[str],
    has_customer: bool,
    attribute_exists: Callable[[str, str], bool],
    comments: tuple[str, ...],
) -> Dimension:
    if name in TIME_PARTS:
        return Dimension(name, "time")
    if name in row_columns:
        return Dimension(name, "row")
    if has_customer and name in CUSTOMER_COLUMNS:
        return Dimension(name, "customer")
    if name in comments:
        return Dimension(name, "comment")
    for source in ("row_attribute", "customer_attribute"):
        if (has_customer or source == "row_attribute") and attribute_exists(source, name):
            return Dimension(name, source)
    if name in COMMENT_DIMENSIONS:
        raise UsageError(
            f"{name} is a dimension of survey answers (from their analysed comments); "
            "this KPI counts other rows"
        )
    known = [*TIME_PARTS, *row_columns, *(CUSTOMER_COLUMNS if has_customer else ()), *comments]
    raise UsageError(f"unknown dimension {name!r}{suggest(name, known)}")


def suggest(name: str, known: Iterable[str]) -> str:
    """'; did you mean …?' with the nearest known names, or a list of them all."""
    known = sorted(set(known))
    near = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if near:
        return f"; did you mean {' or '.join(near)}?"
    return f"; known: {', '.join(known)}"


def where_value(dimension: Dimension, text: str) -> object:
    """The typed value a ``--where DIM=VALUE`` text stands for on this dimension."""
    if dimension.name == "weekday":
        for index, day in enumerate(WEEKDAYS):
            if text.lower() in (day.lower(), day[:3].lower(), str(index + 1)):
                return index
        raise UsageError(f"--where weekday={text}: use a day name such as Monday")
    if dimension.name == "weekend":
        if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise UsageError(f"--where weekend={text}: use true or false")
        return text.lower() in ("true", "1", "yes")
    if dimension.name == "hour":
        if not text.isdigit() or not 0 <= int(text) <= 23:
            raise UsageError(f"--where hour={text}: use a whole hour 0–23")
        return int(text)
    return text


def parse_where(items: Iterable[str]) -> list[tuple[str, str]]:
    """``["region=Nord", ...]`` as ``[("region", "Nord"), ...]``; a usage error otherwise."""
    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--where {item!r}: write it as DIM=VALUE, e.g. region=Nord")
        pairs.append((name.strip(), value.strip()))
    return pairs
