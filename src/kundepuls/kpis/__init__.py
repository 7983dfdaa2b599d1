"""KPIs: declarations, one engine, and the Python API for notebooks.

>>> from kundepuls import kpis
>>> kpis.show("nps", by=["region"], grain="month")  # doctest: +SKIP

The functions are loaded on first use so that importing the package (for its ORM models)
does not load the analytics libraries.
"""

from typing import Any

__all__ = ["compare", "list_kpis", "show"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kundepuls.kpis import notebook

        return getattr(notebook, name)
    raise AttributeError(name)
