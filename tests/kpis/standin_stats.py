"""A minimal stand-in for kundepuls.stats, used only while that module is not merged yet."""

from typing import Any, NamedTuple

import numpy as np
from scipy import stats as st


class Interval(NamedTuple):
    value: Any
    low: Any
    high: Any


def _z(level: float) -> float:
    return float(st.norm.ppf(0.5 + level / 2))


def nps(n: Any, promoters: Any, detractors: Any, level: float = 0.95) -> Interval:
    n = np.asarray(n, float)
    with np.errstate(all="ignore"):
        p, d = np.asarray(promoters) / n, np.asarray(detractors) / n
        value = 100 * (p - d)
        half = _z(level) * 100 * np.sqrt((p + d - (p - d) ** 2) / n)
    return Interval(value, value - half, value + half)


def wilson(n: Any, successes: Any, scale: float = 100, level: float = 0.95) -> Interval:
    n = np.asarray(n, float)
    z = _z(level)
    with np.errstate(all="ignore"):
        p = np.asarray(successes) / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Interval(scale * p, scale * (centre - half), scale * (centre + half))


def mean_t(n: Any, mean: Any, sd: Any, level: float = 0.95) -> Interval:
    n = np.asarray(n, float)
    with np.errstate(all="ignore"):
        half = st.t.ppf(0.5 + level / 2, n - 1) * np.asarray(sd) / np.sqrt(n)
    mean = np.where(n > 0, np.asarray(mean, float), np.nan)
    return Interval(mean, mean - half, mean + half)


def poisson(count: Any, exposure: Any = None, scale: float = 1.0, level: float = 0.95) -> Interval:
    count = np.asarray(count, float)
    e = np.ones_like(count) if exposure is None else np.asarray(exposure, float)
    a = 1 - level
    with np.errstate(all="ignore"):
        low = np.where(count > 0, st.chi2.ppf(a / 2, 2 * count) / 2, 0.0)
        high = st.chi2.ppf(1 - a / 2, 2 * count + 2) / 2
        return Interval(scale * count / e, scale * low / e, scale * high / e)


def median_order_stat(groups: Any, level: float = 0.95) -> Interval:
    values, lows, highs = [], [], []
    for group in groups:
        x = np.sort(np.asarray(group, float))
        n = len(x)
        if n == 0:
            values.append(np.nan), lows.append(np.nan), highs.append(np.nan)
            continue
        lo = int(st.binom.ppf((1 - level) / 2, n, 0.5))
        hi = int(st.binom.isf((1 - level) / 2, n, 0.5))
        values.append(float(np.median(x)))
        lows.append(x[max(lo - 1, 0)])
        highs.append(x[min(hi, n - 1)])
    return Interval(np.array(values), np.array(lows), np.array(highs))


class Difference(NamedTuple):
    diff: Any
    low: Any
    high: Any
    p_value: Any


def _diff(d: Any, se: Any, level: float = 0.95) -> Difference:
    d, se = np.asarray(d, float), np.asarray(se, float)
    with np.errstate(all="ignore"):
        z = d / se
        p = 2 * st.norm.sf(np.abs(z))
    half = _z(level) * se
    return Difference(d, d - half, d + half, p)


def compare_nps(n1: Any, p1: Any, d1: Any, n2: Any, p2: Any, d2: Any) -> Difference:
    with np.errstate(all="ignore"):
        a, b = np.asarray(p1) / n1, np.asarray(d1) / n1
        c, e = np.asarray(p2) / n2, np.asarray(d2) / n2
        v = (a + b - (a - b) ** 2) / n1 + (c + e - (c - e) ** 2) / n2
    return _diff(100 * ((a - b) - (c - e)), 100 * np.sqrt(v))


def compare_proportions(n1: Any, s1: Any, n2: Any, s2: Any, scale: float = 100) -> Difference:
    with np.errstate(all="ignore"):
        p1, p2 = np.asarray(s1) / n1, np.asarray(s2) / n2
        se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return _diff(scale * (p1 - p2), scale * se)


def compare_means(n1: Any, mean1: Any, sd1: Any, n2: Any, mean2: Any, sd2: Any) -> Difference:
    with np.errstate(all="ignore"):
        se = np.sqrt(np.asarray(sd1) ** 2 / n1 + np.asarray(sd2) ** 2 / n2)
    return _diff(np.asarray(mean1) - np.asarray(mean2), se)


def compare_poisson(c1: Any, e1: Any, c2: Any, e2: Any, scale: float = 1.0) -> Difference:
    with np.errstate(all="ignore"):
        r1, r2 = np.asarray(c1) / e1, np.asarray(c2) / e2
        se = np.sqrt(np.asarray(c1) / np.asarray(e1) ** 2 + np.asarray(c2) / np.asarray(e2) ** 2)
    return _diff(scale * (r1 - r2), scale * se)


def bh_qvalues(p: Any) -> Any:
    p = np.asarray(p, float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        from statsmodels.stats.multitest import multipletests

        out[ok] = multipletests(p[ok], method="fdr_bh")[1]
    return out


def target_status(value: Any, low: Any, high: Any, target: Any, higher_is_better: bool) -> Any:
    value, low, high = (np.asarray(x, float) for x in (value, low, high))
    target = np.broadcast_to(np.asarray(target, float), value.shape)
    out = np.full(value.shape, "uncertain", dtype=object)
    if higher_is_better:
        out[low >= target] = "on_track"
        out[high < target] = "off_track"
    else:
        out[high <= target] = "on_track"
        out[low > target] = "off_track"
    out[np.isnan(value)] = "no_data"
    return out


def low_sample(n: Any, min_n: int) -> Any:
    return np.asarray(n) < min_n
