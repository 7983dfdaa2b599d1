"""Honest statistics for the KPIs: intervals, comparisons, false-discovery control, targets.

Every function is vectorised over groups: it takes the sufficient statistics of each
group as arrays and returns a small frozen dataclass of float64 arrays, with NaN where a
quantity is undefined (n = 0). See :mod:`kundepuls.stats.methods` for the interval
method of each KPI and the one-call :func:`estimate` / :func:`difference` for frames.
"""

from kundepuls.stats._common import Difference, Interval
from kundepuls.stats.compare import (
    compare_means,
    compare_medians,
    compare_nps,
    compare_poisson,
    compare_proportions,
)
from kundepuls.stats.intervals import (
    mean_bootstrap,
    mean_t,
    median_order_stat,
    median_rank_bounds,
    nps,
    poisson,
    wilson,
)
from kundepuls.stats.methods import (
    KPI_INTERVALS,
    METHODS,
    IntervalMethod,
    complement,
    difference,
    estimate,
    get_method,
)
from kundepuls.stats.multiple import bh_qvalues
from kundepuls.stats.power import (
    answers_needed,
    sample_size_margin_mean,
    sample_size_margin_nps,
    sample_size_margin_proportion,
    sample_size_means,
    sample_size_nps,
    sample_size_proportions,
)
from kundepuls.stats.targets import (
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    UNCERTAIN,
    low_sample,
    target_status,
)

__all__ = [
    "KPI_INTERVALS",
    "METHODS",
    "NO_DATA",
    "OFF_TRACK",
    "ON_TRACK",
    "UNCERTAIN",
    "Difference",
    "Interval",
    "IntervalMethod",
    "answers_needed",
    "bh_qvalues",
    "compare_means",
    "compare_medians",
    "compare_nps",
    "compare_poisson",
    "compare_proportions",
    "complement",
    "difference",
    "estimate",
    "get_method",
    "low_sample",
    "mean_bootstrap",
    "mean_t",
    "median_order_stat",
    "median_rank_bounds",
    "nps",
    "poisson",
    "sample_size_margin_mean",
    "sample_size_margin_nps",
    "sample_size_margin_proportion",
    "sample_size_means",
    "sample_size_nps",
    "sample_size_proportions",
    "target_status",
    "wilson",
]
