"""The rejects file: each refused row with its original values and the reason."""

import csv
import json
from pathlib import Path
from types import TracebackType
from typing import IO, Any


def rejects_path(path: Path) -> Path:
    """``orders.csv`` → ``orders.csv.rejects.csv``, next to the input."""
    return path.with_name(path.name + ".rejects.csv")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


class RejectsWriter:
    """Writes rejected rows as they come, to a partial file renamed only on ``keep()``.

    UTF-8 with a BOM and the input's delimiter, so that Excel opens it the way it opened
    the input. Nothing is left behind when the import fails or writes no rejects.
    """

    def __init__(self, path: Path, columns: list[str], delimiter: str, enabled: bool):
        self.path = rejects_path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.columns = columns
        self.delimiter = delimiter
        self.enabled = enabled
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def add(self, number: int, raw: dict[str, Any], reason: str) -> None:
        self.count += 1
        if not self.enabled:
            return
        if self._writer is None:
            self._handle = self.partial.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle, delimiter=self.delimiter)
            self._writer.writerow([*self.columns, "reason"])
        others = {k: v for k, v in raw.items() if k not in self.columns}
        if others:
            reason += f" (other values: {_cell(others)})"
        self._writer.writerow([*(_cell(raw.get(c)) for c in self.columns), reason])

    def keep(self) -> Path | None:
        """Close and publish the file; without rejects an old rejects file is removed."""
        self._close()
        if not self.enabled:
            return None
        if self.count == 0:
            self.path.unlink(missing_ok=True)
            return None
        self.partial.replace(self.path)
        return self.path

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> "RejectsWriter":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()
        self.partial.unlink(missing_ok=True)
