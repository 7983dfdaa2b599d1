"""Checking and converting a chunk of rows column by column, for the common clean case.

Converting value by value in Python costs as much as writing the rows, so each column of
a chunk is checked and converted at once (pyarrow for times and amounts), straight to
the form the store keeps. Only values this check is sure of are taken: a row with any
other value (empty where required, another date format, a number with thousands
separators, out of range, not a string) is flagged and goes through ``RowValidator``
one by one, so its values, problems and messages are exactly those of the row path.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import repeat
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from kundepuls.ingest.columns import ColumnMap, KindSpec
from kundepuls.ingest.validate import EARLIEST, Parser, RowValidator

Flags = set[int]
Values = list[Any]
Column = Callable[[Values, Flags], Values | None]

# Only the shapes ``datetime.fromisoformat`` and Arrow read alike: naive, zero-padded,
# in range, with 0, 3 or 6 digits of fraction (a wrong day of month fails Arrow's cast).
_ISO_TIME = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"([ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{3}|\.\d{6})?)?)?$"
)
# Plain amounts with at most two decimals, so no rounding is involved; 12 whole digits
# are always within Numeric(14, 2).
_AMOUNT = r"^-?\d{1,12}([.,]\d{1,2})?$"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _flag_where(values: Values, test: Callable[[Any], bool], flags: Flags) -> None:
    flags.update(i for i, v in enumerate(values) if test(v))


def _texts(length: int | None) -> Column:
    def convert(values: Values, flags: Flags) -> Values | None:
        try:
            texts = list(map(str.strip, values))
        except TypeError:  # not all strings (JSON, Excel, Parquet): the row path decides
            return None
        if length and texts and max(map(len, texts)) > length:
            _flag_where(texts, lambda t: len(t) > length, flags)
        return [t or None for t in texts]

    return convert


def _currencies(values: Values, flags: Flags) -> Values | None:
    try:
        texts = list(map(str.strip, values))
    except TypeError:
        return None
    # A file has few distinct codes: each is checked once.
    codes = {t: t.upper() if len(t) == 3 and t.isalpha() else None for t in set(texts)}
    wrong = {t for t, code in codes.items() if t and code is None}
    if wrong:
        _flag_where(texts, wrong.__contains__, flags)
    return list(map(codes.__getitem__, texts))


def _strings(values: Values) -> pa.Array | None:
    try:
        return pa.array(values, type=pa.large_string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def _checked(strings: pa.Array, pattern: str, flags: Flags) -> pa.Array:
    """``strings`` with the non-empty values that do not match ``pattern`` flagged and nulled."""
    ok = pc.match_substring_regex(strings, pattern)
    # Only "" is surely empty: what counts as a space is left to the row path.
    wrong = pc.and_not(pc.invert(ok), pc.equal(strings, ""))
    flags.update(pc.indices_nonzero(pc.fill_null(wrong, False)).to_pylist())
    return pc.if_else(ok, strings, pa.scalar(None, strings.type))


def _real_amounts(values: Values, flags: Flags) -> Values | None:
    """Amounts as the REAL SQLite keeps: the float of the row path's rounded Decimal."""
    strings = _strings(values)
    if strings is None:
        return None
    plain = pc.replace_substring(_checked(strings, _AMOUNT, flags), ",", ".")
    floats: Values = pc.cast(plain, pa.float64()).to_pylist()
    return floats


def _times(tz: ZoneInfo, latest: datetime) -> Callable[[Values, Flags], pa.Array | None]:
    """Epoch microseconds (UTC) of naive ISO times read in ``tz``."""
    low, high = (_micros(moment) for moment in (EARLIEST, latest))

    def convert(values: Values, flags: Flags) -> pa.Array | None:
        strings = _strings(values)
        if strings is None:
            return None
        try:
            local = pc.cast(_checked(strings, _ISO_TIME, flags), pa.timestamp("us"))
            micros = _local_to_utc(local, tz.key, flags)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # 30 February; unknown zone
            return None
        outside = pc.or_(pc.less(micros, low), pc.greater(micros, high))
        flags.update(pc.indices_nonzero(pc.fill_null(outside, False)).to_pylist())
        return micros

    return convert


def _local_to_utc(local: pa.Array, zone: str, flags: Flags) -> pa.Array:
    """Epoch microseconds of wall-clock times in ``zone``; a time twice in autumn is the
    first, as in the row path; one in the spring gap is flagged for the row path."""
    sides = [
        pc.cast(pc.assume_timezone(local, zone, ambiguous="earliest", nonexistent=side), pa.int64())
        for side in ("earliest", "latest")
    ]
    gap = pc.fill_null(pc.not_equal(*sides), False)
    flags.update(pc.indices_nonzero(gap).to_pylist())
    return sides[0]


def _stored_times(micros: pa.Array, sqlite: bool) -> Values:
    naive = micros.cast(pa.timestamp("us"))
    if sqlite:  # the text SQLAlchemy's SQLite DateTime writes and reads back
        naive = pc.strftime(naive, format="%Y-%m-%d %H:%M:%S")
    values: Values = naive.to_pylist()
    return values


def _per_value(parse: Parser) -> Column:
    """Any other field: the row path's parser value by value, flagging the failures."""

    def run(values: Values, flags: Flags) -> Values | None:
        out: Values = []
        for i, value in enumerate(values):
            try:
                parsed = parse(value)
            except ValueError:
                parsed = None
                flags.add(i)
            out.append(parsed)
        return out

    return run


def _stored_json(value: dict[str, Any]) -> str:
    return json.dumps(value) if value else "{}"


class ChunkConverter:
    """Turns a chunk of raw rows into parameter tuples in the order of ``names``.

    ``convert(raws, flags)`` gives one tuple per row and adds the index of each row that
    the row path must check to ``flags``; ``None`` when the whole chunk needs it.
    ``constants`` are the stored values shared by every row (batch, stamp).
    """

    def __init__(
        self,
        spec: KindSpec,
        columns: ColumnMap,
        validator: RowValidator,
        names: list[str],
        constants: dict[str, Any],
        sqlite: bool,
    ):
        self.validator = validator
        self.names = names
        self.constants = constants
        self.sqlite = sqlite
        self.fields = {f.name: f for f in spec.fields}
        self.times = _times(validator.tz, validator.latest)
        self.getters = [itemgetter(column) for column, _, _ in validator.plan]
        self.plan = [
            (column, name, self._column(name, parse)) for column, name, parse in validator.plan
        ]

    def _column(self, name: str, parse: Parser) -> Column | None:
        kind = self.fields[name].type
        if kind == "datetime":
            return None  # ``self.times``: kept as instants for the range and order checks
        if kind in ("id", "text"):
            return _texts(self.validator.lengths.get(name))
        if kind == "currency":
            return _currencies
        if kind == "amount" and self.sqlite:
            return _real_amounts
        return _per_value(parse)

    def convert(self, raws: list[dict[str, Any]], flags: Flags) -> list[tuple[Any, ...]] | None:
        """The rows' parameters; those of flagged rows are not to be used."""
        stored: dict[str, Any] = {}
        times: dict[str, pa.Array] = {}
        for (_, name, convert), values in zip(self.plan, self._columns(raws), strict=True):
            out = self.times(values, flags) if convert is None else convert(values, flags)
            if out is None:
                return None
            if convert is None:
                times[name] = out
                out = _stored_times(out, self.sqlite)
            stored[name] = self._completed(name, out, flags)
        self._check_order(times, flags)
        stored["attributes"] = (
            [_stored_json(self.validator.attributes(raw)) for raw in raws]
            if self.validator.extras
            else repeat("{}")
        )
        columns = [stored[n] if n in stored else repeat(self._constant(n)) for n in self.names]
        return list(zip(*columns, strict=False))  # constants repeat

    def _columns(self, raws: list[dict[str, Any]]) -> list[Values]:
        """The values of each planned column (``None`` where a short row has none)."""
        try:
            return [list(map(get, raws)) for get in self.getters]
        except KeyError:
            return [[raw.get(column) for raw in raws] for column, _, _ in self.plan]

    def _constant(self, name: str) -> Any:
        if name in self.constants:
            return self.constants[name]
        return self.validator.defaults[name]

    def _completed(self, name: str, values: Values, flags: Flags) -> Values:
        """Empty values: flagged when required, else the field's default or ``None``."""
        if None not in values:
            return values
        if self.fields[name].required:
            _flag_where(values, lambda v: v is None, flags)
        default = self.fields[name].default
        return values if default is None else [default if v is None else v for v in values]

    def _check_order(self, times: dict[str, pa.Array], flags: Flags) -> None:
        created = times.get("created_at")
        for name in ("first_response_at", "resolved_at"):
            if created is not None and name in times:
                before = pc.fill_null(pc.less(times[name], created), False)
                flags.update(pc.indices_nonzero(before).to_pylist())
