"""What the two purchase models share: input checks, weighting and the optimizer call.

kundepuls fits its models with its own small implementation of the published likelihoods
(see :mod:`kundepuls.predict.bgnbd` for why).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from kundepuls.kit.errors import KundepulsError

FloatArray = npt.NDArray[np.float64]
# A log-parameter beyond ±EDGE (a value above 2.2e4 or below 4.5e-5) means the likelihood keeps
# rising towards a degenerate model: the data do not identify that parameter.
EDGE = 10.0

Objective = Callable[[FloatArray], tuple[float, FloatArray]]


class NotEnoughHistoryError(KundepulsError):
    """The data hold too few customers or purchases for the model to be fitted."""


class ConvergenceError(KundepulsError):
    """The optimizer stopped without reaching the maximum of the likelihood."""


@dataclass(frozen=True)
class FitResult:
    """The optimizer's outcome in natural parameters."""

    params: FloatArray
    log_likelihood: float
    converged: bool
    message: str
    iterations: int
    boundary: list[int]


def as_array(values: Any, name: str) -> FloatArray:
    """A 1-d float array; an error names the first bad position."""
    array = np.asarray(values, dtype=np.float64).ravel()
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise KundepulsError(f"row {int(bad[0])}: field {name!r} is missing or not a number")
    return array


def first_bad(mask: npt.NDArray[np.bool_], name: str, reason: str) -> None:
    """Raise naming the first row where ``mask`` is true."""
    rows = np.flatnonzero(mask)
    if rows.size:
        raise KundepulsError(f"row {int(rows[0])}: field {name!r} {reason}")


def compress(*columns: FloatArray) -> tuple[list[FloatArray], FloatArray]:
    """Unique rows of ``columns`` and how often each occurs.

    Customers with the same history contribute the same likelihood term; summing each term
    once, weighted, makes large fits (day-level data has many repeats) much cheaper.
    """
    # A hash group-by: np.unique(axis=0) sorts row views and is many times slower.
    frame = pd.DataFrame({i: column for i, column in enumerate(columns)})
    counts = frame.groupby(list(frame.columns), sort=False).size()
    keys = counts.index.to_frame(index=False)
    uniques: list[FloatArray] = [keys[i].to_numpy(np.float64) for i in range(len(columns))]
    return uniques, np.asarray(counts.to_numpy(), dtype=np.float64)


def maximize(
    objective: Objective, start: FloatArray, *, max_iterations: int = 2000, model: str
) -> FitResult:
    """Minimize ``objective`` (negative mean log-likelihood) over log-parameters.

    Working on the log scale keeps every parameter positive; L-BFGS-B uses the analytic
    gradient that ``objective`` returns.
    """
    options = {"maxiter": max_iterations, "gtol": 1e-7, "ftol": 1e-13}
    bounds = [(-EDGE, EDGE)] * start.size
    # The BLAS calls here are on tiny or streaming vectors: extra BLAS threads only add
    # start-up and contention costs (measured: a CDNOW fit 6× slower with them on a busy
    # 2-core machine).
    with threadpool_limits(limits=1, user_api="blas"):
        result = minimize(
            objective, np.log(start), jac=True, method="L-BFGS-B", bounds=bounds, options=options
        )
        if not result.success and result.nit < max_iterations:
            # A line search that stalls on a flat ridge usually finishes where it stopped.
            result = minimize(
                objective, result.x, jac=True, method="L-BFGS-B", bounds=bounds, options=options
            )
    # A parameter that runs off is a maximum on the edge of the parameter space (e.g. a, b
    # → ∞ with a/(a+b) fixed: every customer has the same dropout probability). The limit is
    # a simpler model, not a failed fit, so it is reported as a note. The optimizer holds
    # the parameters within ±EDGE on the log scale so that the predictions stay finite.
    boundary = [int(i) for i in np.flatnonzero(np.abs(result.x) >= EDGE - 1e-3)]
    converged = bool(result.success)
    message = str(result.message)
    if not converged and result.nit < max_iterations:
        gradient = objective(result.x)[1]
        free = np.abs(result.x) < EDGE - 1e-3
        outward = np.sign(result.x) == -np.sign(gradient)  # pushing against its bound
        projected = np.where(free | ~outward, gradient, 0.0)
        if float(np.max(np.abs(projected))) < 1e-5:
            converged = True
            message = f"converged at the edge of the range ({message.strip()})"
    return FitResult(
        params=np.exp(result.x),
        log_likelihood=-float(result.fun),
        converged=converged,
        message=f"{model}: {message}",
        iterations=int(result.nit),
        boundary=boundary,
    )


def boundary_notes(result: FitResult, names: list[str]) -> list[str]:
    """One line per parameter that ran off to the edge of the parameter space."""
    return [
        f"{names[i]} ran off to the edge of its range ({result.params[i]:.3g}): the data do "
        "not identify it; the fit is close to a simpler limiting model, so treat its "
        "predictions with care (more, and more varied, history helps)"
        for i in result.boundary
    ]


def check_converged(result: FitResult, strict: bool) -> None:
    """Report non-convergence instead of returning silently wrong parameters."""
    if strict and not result.converged:
        raise ConvergenceError(
            f"{result.message} after {result.iterations} iterations; the parameters "
            f"reached were {np.round(result.params, 4).tolist()}. More history or a "
            "penalizer (e.g. 0.001) usually helps."
        )
