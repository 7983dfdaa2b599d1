"""Relative importance of regressors: the Shapley decomposition of R² (LMG).

Each predictor's share is its marginal R² gain averaged over every order in which the
predictors can enter a linear model (Lindeman, Merenda & Gold 1980; Grömping 2006, *J Stat
Softw* 17(1)); the shares sum to the full model's R². The R² of every subset is computed
from the correlation matrix, ``R²_S = r_yS' R_SS⁻¹ r_yS``, so the 2^p models cost a small
solve each.
"""

from __future__ import annotations

from math import factorial
from typing import Any

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
MAX_PREDICTORS = 12  # 4,096 subsets


def subset_r2(x: FloatArray, y: FloatArray) -> FloatArray:
    """R² of the OLS fit (with intercept) of ``y`` on every subset of the columns of ``x``.

    Entry ``mask`` (an integer whose bits select columns) holds that subset's R²; the
    empty subset has R² = 0.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 2)); y = x[:, 0] + rng.normal(size=200)
    >>> r2 = subset_r2(x, y)
    >>> bool(r2[1] > r2[2]) and bool(r2[3] >= r2[1])
    True
    """
    p = x.shape[1]
    if p > MAX_PREDICTORS:
        raise ValueError(f"at most {MAX_PREDICTORS} predictors, got {p}")
    data = np.column_stack([y, x])
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.atleast_2d(np.asarray(np.corrcoef(data, rowvar=False), dtype="float64"))
    corr = np.nan_to_num(corr)  # a constant column correlates with nothing
    r_xx, r_xy = corr[1:, 1:], corr[1:, 0]
    # Every subset at once: the left-out rows and columns become the identity and their
    # right-hand side zero, so one batched solve gives each subset's coefficients.
    chosen = (np.arange(2**p)[:, None] >> np.arange(p)[None, :]) & 1 == 1
    both = chosen[:, :, None] & chosen[:, None, :]
    systems = np.where(both, r_xx[None], 0.0) + np.where(~chosen, 1.0, 0.0)[:, :, None] * np.eye(p)
    rhs = np.where(chosen, r_xy[None], 0.0)
    # A tiny ridge keeps exactly collinear subsets (a constant column) solvable.
    beta = np.linalg.solve(systems + 1e-12 * np.eye(p), rhs[:, :, None])[:, :, 0]
    return np.asarray(np.sum(beta * rhs, axis=1), dtype="float64")


def shapley_from_r2(r2: FloatArray, p: int) -> FloatArray:
    """Each predictor's Shapley share of the full R², from the R² of every subset.

    Examples
    --------
    >>> r2 = np.array([0.0, 0.3, 0.2, 0.4])  # {}, {0}, {1}, {0, 1}
    >>> shapley_from_r2(r2, 2).round(3).tolist()
    [0.25, 0.15]
    """
    weights = np.array([factorial(k) * factorial(p - k - 1) / factorial(p) for k in range(p)])
    masks = np.arange(2**p)
    sizes = np.array([bin(m).count("1") for m in masks])
    out = np.zeros(p)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        out[j] = np.sum(weights[sizes[without]] * (r2[without | 1 << j] - r2[without]))
    return out


def shapley_r2(x: FloatArray, y: FloatArray) -> FloatArray:
    """The Shapley (LMG) share of R² of each column of ``x``; they sum to the full R²."""
    return shapley_from_r2(subset_r2(x, y), x.shape[1])


def bootstrap_shapley(
    x: FloatArray, y: FloatArray, n_boot: int = 200, seed: int = 0, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Percentile bootstrap interval of each Shapley share (rows resampled)."""
    rng = np.random.default_rng(seed)
    n = len(y)
    draws = np.empty((n_boot, x.shape[1]))
    for b in range(n_boot):
        rows = rng.integers(0, n, n)
        draws[b] = shapley_r2(x[rows], y[rows])
    tail = (1 - level) / 2 * 100
    return np.percentile(draws, tail, axis=0), np.percentile(draws, 100 - tail, axis=0)
