"""KPI test fixtures; until the stats module is merged, a stand-in takes its place."""

import importlib
import sys

try:
    importlib.import_module("kundepuls.stats")
except ImportError:  # the stats branch has not been merged into this one yet
    from tests.kpis import standin_stats

    sys.modules["kundepuls.stats"] = standin_stats
