"""Turning a file into a stream of rows, whatever its format, without loading it whole.

Every reader yields ``(number, values, problem)``: the data row's number (1 is the first
row after the header, in every format), its values keyed by the file's own column names,
and a reason when the row could not even be read (then it is rejected as it is).
"""

import codecs
import csv
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kundepuls.kit.errors import KundepulsError

Row = tuple[int, dict[str, Any], str | None]
FORMATS = (".csv", ".json", ".jsonl", ".xlsx", ".parquet")
_BLOCK = 1 << 20
# Excel's "Unicode text" export is UTF-16 with a BOM; the others are the usual CSV exports.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class Source:
    """An open file as rows: its columns, the rows, and how far reading has come (0–1)."""

    columns: list[str]
    rows: Iterator[Row]
    fraction: Callable[[], float]
    delimiter: str = ","


def fatal(path: Path, reason: str) -> KundepulsError:
    return KundepulsError(f"{path}: {reason}", exit_code=1)


@contextmanager
def open_source(path: Path) -> Iterator[Source]:
    """Open ``path`` by its ending; an unreadable, empty or unknown file is fatal."""
    suffix = check_path(path)
    opener = {
        ".csv": _csv,
        ".json": _json_array,
        ".jsonl": _json_lines,
        ".xlsx": _excel,
        ".parquet": _parquet,
    }[suffix]
    try:
        with opener(path) as source:
            yield source
    except OSError as error:
        raise fatal(path, f"{error.strerror or error} ({error.filename or path})") from None


def check_path(path: Path) -> str:
    """The file's ending, once it is known to be an existing, non-empty file of a known type."""
    if not path.exists():
        raise fatal(path, "no such file")
    if not path.is_file():
        raise fatal(path, "not a file")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise fatal(path, f"unknown file type {suffix or '(none)'!r}: use {', '.join(FORMATS)}")
    if path.stat().st_size == 0:
        raise fatal(path, "the file is empty")
    return suffix


def _unique(names: list[str]) -> list[str]:
    """Column names made unique (``navn``, ``navn_2``) so that no value is lost."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        count = seen[name] = seen.get(name, 0) + 1
        result.append(name if count == 1 else f"{name}_{count}")
    return result


def _position(handle: Any, size: int) -> Callable[[], float]:
    return lambda: min(handle.tell() / size, 1.0) if size else 1.0


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252 (old Excel)."""
    with path.open("rb") as handle:
        head = handle.read(4)
        for bom, name in _BOMS:
            if head.startswith(bom):
                return name
        for encoding in ("utf-8", "cp1252"):
            handle.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                for block in iter(lambda: handle.read(_BLOCK), b""):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    raise fatal(path, "cannot read the text: neither UTF-8 nor Windows-1252")


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of semicolon, tab and comma in the header line (comma on a tie)."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@contextmanager
def _csv(path: Path) -> Iterator[Source]:
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as text:
        first = text.readline()
        text.seek(0)
        delimiter = sniff_delimiter(first)
        reader = csv.reader(text, delimiter=delimiter)
        header = next((r for r in reader if any(c.strip() for c in r)), None)
        if header is None:
            raise fatal(path, "the file has no header row")
        columns = _unique([c.strip() for c in header])

        def rows() -> Iterator[Row]:
            width = len(columns)
            for number, values in enumerate(reader, start=1):
                if not any(values):
                    continue
                row: dict[str, Any] = dict(zip(columns, values, strict=False))
                problem = None
                if len(values) > width and any(v.strip() for v in values[width:]):
                    problem = f"has {len(values)} values but the header has {width} columns"
                    row["(extra values)"] = values[width:]  # kept for the rejects file
                yield number, row, problem

        yield Source(columns, rows(), _position(text.buffer, path.stat().st_size), delimiter)


def _objects(path: Path, items: Iterator[tuple[int, Any, str | None]]) -> Iterator[Row]:
    for number, item, problem in items:
        if problem is not None:
            yield number, {}, problem
        elif isinstance(item, dict):
            yield number, item, None
        else:
            yield number, {}, f"is not a JSON object: {str(item)[:60]!r}"


def _all_keys(path: Path, rows: Iterator[Row]) -> list[str]:
    """Every key used by any object, in order of appearance (a first pass over the file).

    JSON objects need not all have the same keys, so the first one does not tell them.
    """
    keys: dict[str, None] = {}
    empty = True
    for _, values, _problem in rows:
        empty = False
        keys.update(dict.fromkeys(values))
    if empty:
        raise fatal(path, "the file has no rows")
    return list(keys)


@contextmanager
def _json_lines(path: Path) -> Iterator[Source]:
    def rows(handle: IO[bytes]) -> Iterator[tuple[int, Any, str | None]]:
        number = 0
        for line in handle:
            if not line.strip():
                continue
            number += 1
            try:
                yield number, json.loads(line), None
            except (ValueError, UnicodeDecodeError) as error:
                yield number, None, f"is not valid JSON ({error})"

    with path.open("rb") as handle:
        columns = _all_keys(path, _objects(path, rows(handle)))
    with path.open("rb") as handle:
        yield Source(columns, _objects(path, rows(handle)), _position(handle, path.stat().st_size))


def _json_items(path: Path, text: IO[str]) -> Iterator[tuple[int, Any, str | None]]:
    """The elements of a top-level JSON array, parsed one by one from blocks of text."""
    decoder = json.JSONDecoder()
    buffer, index, number, done = "", 0, 0, False
    started = False
    while True:
        while index < len(buffer) and buffer[index] in " \t\r\n,":
            index += 1
        if not started and index < len(buffer):
            if buffer[index] != "[":
                raise fatal(path, "expected a JSON array of objects (use .jsonl for JSON Lines)")
            started, index = True, index + 1
            continue
        if started and buffer[index : index + 1] == "]":
            return
        try:
            item, end = decoder.raw_decode(buffer, index) if index < len(buffer) else (None, -1)
        except json.JSONDecodeError as error:
            if done:
                raise fatal(path, f"not valid JSON after row {number} ({error.msg})") from None
            end = -1
        if end >= 0:
            number += 1
            yield number, item, None
            index = end
            continue
        if done:
            raise fatal(path, "the JSON array is not closed with ']'")
        block = text.read(_BLOCK)
        done = not block
        buffer, index = buffer[index:] + block, 0


@contextmanager
def _json_array(path: Path) -> Iterator[Source]:
    try:
        with path.open(encoding="utf-8-sig") as text:
            columns = _all_keys(path, _objects(path, _json_items(path, text)))
        with path.open(encoding="utf-8-sig") as text:
            rows = _objects(path, _json_items(path, text))
            yield Source(columns, rows, _position(text.buffer, path.stat().st_size))
    except UnicodeDecodeError:
        raise fatal(path, "JSON must be UTF-8") from None


@contextmanager
def _excel(path: Path) -> Iterator[Source]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is no workbook
        raise fatal(path, f"cannot read it as an Excel workbook ({error})") from None
    try:
        sheet = book.worksheets[0]
        cells = sheet.iter_rows(values_only=True)
        header = next((r for r in cells if any(v is not None for v in r)), None)
        if header is None:
            raise fatal(path, "the first sheet is empty")
        columns = _unique(["" if v is None else str(v).strip() for v in header])
        done = [0]

        def rows() -> Iterator[Row]:
            try:
                for number, values in enumerate(cells, start=1):
                    done[0] = number
                    if any(v is not None and v != "" for v in values):
                        yield number, dict(zip(columns, values, strict=False)), None
            except (ValueError, KeyError, OSError) as error:  # a damaged sheet part
                raise fatal(path, f"cannot read row {done[0]} of the workbook ({error})") from None

        total = max((sheet.max_row or 0) - 1, 1)
        yield Source(columns, rows(), lambda: min(done[0] / total, 1.0))
    finally:
        book.close()


@contextmanager
def _parquet(path: Path) -> Iterator[Source]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise fatal(path, f"cannot read it as Parquet ({error})") from None
    total = max(parquet.metadata.num_rows, 1)
    done = [0]

    def rows() -> Iterator[Row]:
        try:
            for batch in parquet.iter_batches(batch_size=5000):
                for values in batch.to_pylist():
                    done[0] += 1
                    yield done[0], values, None
        except (pa.ArrowException, OSError) as error:
            raise fatal(path, f"cannot read the rows after row {done[0]} ({error})") from None

    with parquet:
        yield Source(list(parquet.schema_arrow.names), rows(), lambda: done[0] / total)
