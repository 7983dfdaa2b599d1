"""Shared plumbing of the stats package: array coercion, critical values, result types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from kundepuls.kit.errors import UsageError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Interval:
    """A point estimate per group with the bounds of its confidence interval.

    All three arrays have the same length; NaN marks a group where the value or a
    bound is undefined (for example n = 0, or n = 1 for a t interval).
    """

    value: FloatArray
    low: FloatArray
    high: FloatArray

    def __len__(self) -> int:
        return len(self.value)


@dataclass(frozen=True, eq=False)
class Difference:
    """A difference between two groups (first minus second) with its interval and p-value."""

    diff: FloatArray
    low: FloatArray
    high: FloatArray
    p_value: FloatArray

    def __len__(self) -> int:
        return len(self.diff)


def check_level(level: float) -> float:
    """Return ``level`` as a float, or raise when it is not strictly between 0 and 1."""
    value = float(level)
    if not 0.0 < value < 1.0:
        raise UsageError(f"confidence level must be between 0 and 1 (exclusive), got {level!r}")
    return value


def z_critical(level: float) -> float:
    """Two-sided standard normal critical value, e.g. 1.959964 for 0.95."""
    return float(sps.norm.ppf(0.5 + check_level(level) / 2.0))


def as_arrays(*values: Any) -> list[FloatArray]:
    """Coerce scalars, lists and Series to 1-d float64 arrays broadcast to a common length."""
    arrays = [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in values]
    try:
        broadcast = np.broadcast_arrays(*arrays)
    except ValueError as error:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ValueError(f"inputs must have equal lengths, got shapes {shapes}") from error
    return [np.array(b, dtype=np.float64).ravel() for b in broadcast]


def check_nonnegative(name: str, values: FloatArray) -> None:
    """Raise when a count-like input is negative (NaN is allowed and means 'missing')."""
    if np.any(values < 0):
        raise ValueError(f"{name} must not be negative")


def check_at_most(name: str, values: FloatArray, other_name: str, other: FloatArray) -> None:
    """Raise when a part count exceeds its total (e.g. successes > n)."""
    if np.any(values > other):
        raise ValueError(f"{name} must not exceed {other_name}")


def nan_array(length: int) -> FloatArray:
    """A float64 array of NaN of the given length."""
    return np.full(length, np.nan, dtype=np.float64)


def normal_p_value(z: FloatArray) -> FloatArray:
    """Two-sided p-value of a standard normal statistic."""
    return np.asarray(2.0 * sps.norm.sf(np.abs(z)), dtype=np.float64)


def degenerate_p_value(diff: FloatArray, se: FloatArray, p_value: FloatArray) -> FloatArray:
    """Fill the p-value where the standard error is zero: 1 for no difference, else 0.

    A zero standard error arises only when each group has no spread at all (every
    respondent gave the same kind of answer); the observed difference is then exact.
    """
    out = p_value.copy()
    zero = (se == 0) & np.isfinite(diff)
    out[zero & (diff == 0)] = 1.0
    out[zero & (diff != 0)] = 0.0
    return out
