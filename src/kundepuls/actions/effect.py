"""The measured effect of an action: before/after, interrupted time series, diff-in-diff.

All three work on unit-level values (one row per ticket or answer; shares as 0/100, NPS as
-100/0/100 per respondent), so each regression has the real n:

* **before/after** — the plain difference of the two periods with the test that fits the
  KPI (:func:`kundepuls.stats.compare_means`, ``compare_proportions``, ``compare_nps``);
* **interrupted time series** — OLS ``value ~ after + days + C(day of week)`` with
  heteroscedasticity-robust (HC1) standard errors; the coefficient of ``after`` is the
  level shift at the start date, net of the trend and the weekly pattern (Bernal,
  Cummins & Gasparrini 2017, *Int J Epidemiol* 46:348, eq. 1 with seasonal terms);
* **difference-in-differences** — OLS ``value ~ treated + after + treated:after`` with HC1
  errors; the interaction is the effect: how much more the action's segment changed than
  the comparison segment the action did not touch (Angrist & Pischke 2009, §5.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from kundepuls.stats import compare_means, compare_nps, compare_proportions
from kundepuls.stats.power import answers_needed, sample_size_means

LEVEL = 0.95
MIN_UNITS = 5  # per period (and group) before any estimate is attempted
COVARIANCE = "HC1"


@dataclass(frozen=True)
class Estimate:
    """One estimate of the effect (after minus before, in the KPI's unit)."""

    method: str
    effect: float
    ci_low: float
    ci_high: float
    p_value: float
    n_before: int
    n_after: int

    @property
    def significant(self) -> bool:
        return bool(self.p_value < 1 - LEVEL)


def before_after(kind: str, before: np.ndarray, after: np.ndarray) -> Estimate | None:
    """After minus before, with the KPI's own two-sample test.

    Examples
    --------
    >>> e = before_after("mean", np.array([5.0, 6, 7, 6, 5, 6]), np.array([3.0, 4, 3, 4, 3, 4]))
    >>> round(e.effect, 2), e.significant
    (-2.33, True)
    """
    n0, n1 = len(before), len(after)
    if min(n0, n1) < MIN_UNITS:
        return None
    if kind == "mean":
        d = compare_means(
            n1, after.mean(), after.std(ddof=1), n0, before.mean(), before.std(ddof=1)
        )
    elif kind == "share":
        d = compare_proportions(n1, (after > 0).sum(), n0, (before > 0).sum())
    else:
        d = compare_nps(
            n1, (after > 0).sum(), (after < 0).sum(), n0, (before > 0).sum(), (before < 0).sum()
        )
    values = (float(d.diff[0]), float(d.low[0]), float(d.high[0]), float(d.p_value[0]))
    return Estimate("before_after", *values, n0, n1)


def _fit(y: np.ndarray, design: pd.DataFrame, term: str) -> tuple[float, float, float, float]:
    """Coefficient of ``term`` with its HC1 interval and p-value."""
    import statsmodels.api as sm  # imported when used: it takes seconds, and every CLI call

    # Columns without variation (e.g. one weekday only) carry no information; drop them.
    keep = [c for c in design.columns if c == "const" or design[c].nunique() > 1]
    fit = sm.OLS(y, design[keep].astype(float)).fit(cov_type=COVARIANCE)
    low, high = fit.conf_int(alpha=1 - LEVEL).loc[term]
    return float(fit.params[term]), float(low), float(high), float(fit.pvalues[term])


def interrupted_time_series(frame: pd.DataFrame) -> Estimate | None:
    """Level shift at the start, net of a linear trend and the day-of-week pattern.

    ``frame`` has one row per unit with ``value``, ``after`` (bool), ``days`` (time since
    the start, in days, negative before) and ``dow`` (0 = Monday).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> days = np.arange(-140, 140) / 2
    >>> f = pd.DataFrame({"days": days, "after": days >= 0, "dow": np.floor(days) % 7})
    >>> f["value"] = 10 - 3 * f["after"] + rng.normal(0, 1, len(f))
    >>> e = interrupted_time_series(f)
    >>> e.ci_low < -3 < e.ci_high
    True
    """
    n1 = int(frame["after"].sum())
    n0 = len(frame) - n1
    if min(n0, n1) < MIN_UNITS:
        return None
    dow = pd.get_dummies(frame["dow"].astype(int), prefix="dow", drop_first=True)
    design = pd.concat(
        [frame[["after", "days"]].astype(float), dow.astype(float)], axis=1
    ).reset_index(drop=True)
    design.insert(0, "const", 1.0)
    effect, low, high, p = _fit(frame["value"].to_numpy(float), design, "after")
    return Estimate("interrupted_time_series", effect, low, high, p, n0, n1)


def difference_in_differences(frame: pd.DataFrame) -> Estimate | None:
    """The change in the treated segment minus the change in the comparison segment.

    ``frame`` has ``value``, ``treated`` and ``after`` (bools), one row per unit.
    ``n_before``/``n_after`` count the treated segment's units.

    Examples
    --------
    >>> f = pd.DataFrame({"treated": [1, 1, 0, 0] * 5, "after": [0, 1, 0, 1] * 5})
    >>> f["value"] = 5 + f.treated + f.after - 2 * f.treated * f.after + [0, .1] * 10
    >>> round(difference_in_differences(f).effect, 6)
    -2.0
    """
    cells = frame.groupby([frame["treated"].astype(bool), frame["after"].astype(bool)]).size()
    if len(cells) < 4 or cells.min() < MIN_UNITS:
        return None
    design = pd.DataFrame(
        {
            "const": 1.0,
            "treated": frame["treated"].astype(float).to_numpy(),
            "after": frame["after"].astype(float).to_numpy(),
        }
    )
    design["treated:after"] = design["treated"] * design["after"]
    effect, low, high, p = _fit(frame["value"].to_numpy(float), design, "treated:after")
    return Estimate(
        "difference_in_differences",
        effect,
        low,
        high,
        p,
        int(cells.loc[(True, False)]),
        int(cells.loc[(True, True)]),
    )


def more_needed(estimate: Estimate, difference: float) -> int | None:
    """About how many more units the after period needs to detect ``difference``.

    The spread is read off the estimate itself (its standard error), so the design —
    plain comparison, time series or diff-in-diff — is accounted for: the unit
    standard deviation that gives this standard error with ``n_after`` units per
    group goes into :func:`kundepuls.stats.power.sample_size_means` (80 % power,
    5 % level). None when ``difference`` is 0 or the estimate has no spread.

    Examples
    --------
    >>> e = Estimate("before_after", -0.5, -1.5, 0.5, 0.33, 100, 100)
    >>> more_needed(e, -1.0)
    106
    """
    se = (estimate.ci_high - estimate.ci_low) / (2 * NormalDist().inv_cdf(0.5 + LEVEL / 2))
    n = estimate.n_after
    if difference == 0 or not se > 0 or n < 2:
        return None
    sd = se * np.sqrt(n / 2)
    needed = sample_size_means([abs(difference)], [sd], level=LEVEL)
    return int(np.ceil(answers_needed(needed, [n])[0]))
