"""A small in-process cache of computed KPI numbers, keyed by what they depend on.

The key holds the store's change marker of every table a number is computed from, so a
new answer recomputes only the response KPIs; nothing is ever served stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
SIZE = 512

_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """The value stored under ``key``, computed (outside the lock) when it is missing."""
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _entries[key] = value
        while len(_entries) > SIZE:
            _entries.popitem(last=False)
    return value


def peek(key: Hashable) -> bool:
    """Whether ``key`` is cached."""
    with _lock:
        return key in _entries


def forget() -> None:
    """Empty the cache (benchmarks measure the cold path with it)."""
    with _lock:
        _entries.clear()
