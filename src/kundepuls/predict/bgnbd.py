"""The BG/NBD model of repeat purchasing: how many purchases to expect, and P(alive).

Reference: Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "'Counting Your Customers'
the Easy Way: An Alternative to the Pareto/NBD Model", *Marketing Science* 24(2), 275–284;
and Fader, Hardie and Lee (2008), "Computing P(alive) Using the BG/NBD Model" (note).

Why kundepuls has its own implementation rather than a package: ``lifetimes`` (the usual
choice) is archived and its ``calibration_and_holdout_data`` breaks on pandas 3, which
kundepuls uses; ``pymc-marketing`` 1.x needs Python 3.12 (kundepuls supports 3.11), and
its 0.x line pulls in PyMC and about 800 MB for what is a four-parameter maximum-likelihood
fit. The published likelihood is short; written with ``gammaln``/``betaln`` in log space,
with an analytic gradient and L-BFGS-B on log-parameters, it is exact, fast and easy to test
against the paper's CDNOW figures (tests/predict).

Data per customer, in one time unit (days or weeks): ``frequency`` x = number of repeat
purchases (purchase periods after the first), ``recency`` t_x = time from the first to the
last purchase, ``T`` = time from the first purchase to the end of observation.

Example
-------
>>> import numpy as np
>>> from kundepuls.predict.simulate import simulate_bgnbd
>>> data = simulate_bgnbd(5000, r=0.25, alpha=4.0, a=0.8, b=2.5, T=52.0, seed=1)
>>> model = BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
>>> round(model.r_, 1), model.converged_
(0.2, True)
"""

from typing import Any, Self

import numpy as np
from scipy.special import betaln, digamma, gammaln, hyp2f1

from kundepuls.predict._fit import (
    FitResult,
    FloatArray,
    NotEnoughHistoryError,
    as_array,
    boundary_notes,
    check_converged,
    compress,
    first_bad,
    maximize,
)

# Below these the four parameters are not identified well enough to be useful.
MIN_CUSTOMERS = 30
MIN_REPEAT_BUYERS = 10


def check_rfm(frequency: Any, recency: Any, T: Any) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Validated arrays (x, t_x, T); an error names the first bad row and field."""
    x, t_x, t = as_array(frequency, "frequency"), as_array(recency, "recency"), as_array(T, "T")
    if not x.size == t_x.size == t.size:
        raise NotEnoughHistoryError("frequency, recency and T must have the same length")
    first_bad(x < 0, "frequency", "is negative")
    first_bad(x != np.floor(x), "frequency", "is not a whole number of repeat purchases")
    first_bad(t_x < 0, "recency", "is negative")
    first_bad(t_x > t + 1e-9, "recency", "is larger than T (last purchase after the end)")
    first_bad((x == 0) & (t_x != 0), "recency", "must be 0 for a customer with frequency 0")
    first_bad((x > 0) & (t_x == 0), "recency", "is 0 although frequency is above 0")
    return x, t_x, t


def log_likelihood(
    params: FloatArray, x: FloatArray, t_x: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per-customer log-likelihood (FHL 2005, eq. 6) and its gradient in (r, α, a, b).

    ``ln L = A1 + A2 + ln(exp(A3) + δ(x>0) exp(A4))`` with A1 = ln Γ(r+x) − ln Γ(r) + r ln α,
    A2 = ln B(a, b+x) − ln B(a, b), A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
    Returns ``(ll, grad)`` where ``grad`` has shape (4, n).
    """
    r, alpha, a, b = params
    repeat = x > 0
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + t)
    b_x1 = np.where(repeat, b + x - 1, 1.0)
    a4 = np.where(repeat, np.log(a) - np.log(b_x1) - (r + x) * np.log(alpha + t_x), -np.inf)
    mix = np.logaddexp(a3, a4)
    w3, w4 = np.exp(a3 - mix), np.exp(a4 - mix)
    grad = np.empty((4, x.size))
    grad[0] = (
        digamma(r + x)
        - digamma(r)
        + np.log(alpha)
        - w3 * np.log(alpha + t)
        - w4 * np.log(alpha + t_x)
    )
    grad[1] = r / alpha - w3 * (r + x) / (alpha + t) - w4 * (r + x) / (alpha + t_x)
    grad[2] = digamma(a + b) - digamma(a + b + x) + w4 / a
    grad[3] = digamma(b + x) - digamma(a + b + x) - digamma(b) + digamma(a + b) - w4 / b_x1
    return a1 + a2 + mix, grad


class BetaGeoFitter:
    """BG/NBD: Poisson purchasing while alive, geometric dropout after each purchase.

    Heterogeneity: purchase rate λ ~ Gamma(r, α); dropout probability p ~ Beta(a, b).

    Parameters
    ----------
    penalizer : float
        L2 penalty on the parameters, added to the negative mean log-likelihood. 0 (the
        default) gives the plain maximum-likelihood fit of the paper.

    Attributes
    ----------
    r_, alpha_, a_, b_ : float
        The fitted parameters.
    log_likelihood_ : float
        Mean log-likelihood per customer at the optimum.
    converged_ : bool
        Whether L-BFGS-B reported convergence; ``message_`` holds its message.
    notes_ : list of str
        Parameters that ran off to the edge of the parameter space (the fit is then the
        limiting model, e.g. the same dropout probability for everyone).

    Example
    -------
    >>> BetaGeoFitter().fit([2, 0, 0], [30.4, 0, 0], [38.9, 38.9, 38.9])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kundepuls.predict._fit.NotEnoughHistoryError: BG/NBD needs at least 30 customers ...
    """

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    def fit(
        self,
        frequency: Any,
        recency: Any,
        T: Any,
        *,
        strict: bool = True,
        max_iterations: int = 2000,
        min_customers: int = MIN_CUSTOMERS,
        min_repeat_buyers: int = MIN_REPEAT_BUYERS,
        initial: tuple[float, float, float, float] | None = None,
    ) -> Self:
        """Fit by maximum likelihood; returns ``self``.

        With ``strict`` (default) a fit that does not converge raises
        :class:`~kundepuls.predict._fit.ConvergenceError`; otherwise ``converged_`` is False
        and ``message_`` says why.
        """
        x, t_x, t = check_rfm(frequency, recency, T)
        repeaters = int(np.count_nonzero(x))
        if x.size < min_customers or repeaters < min_repeat_buyers:
            raise NotEnoughHistoryError(
                f"BG/NBD needs at least {min_customers} customers of whom at least "
                f"{min_repeat_buyers} bought again; the data have {x.size} customers and "
                f"{repeaters} repeat buyers. Collect more order history and fit again."
            )
        (ux, ut_x, ut), weights = compress(x, t_x, t)
        total = float(weights.sum())
        scale = float(np.mean(t))

        def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
            params = np.exp(log_params)
            ll, grad = log_likelihood(params, ux, ut_x, ut)
            value = -float(weights @ ll) / total + self.penalizer * float(params @ params)
            gradient = -(grad @ weights) / total * params + 2 * self.penalizer * params**2
            return value, gradient

        start = np.array(initial or (1.0, scale, 1.0, 1.0))
        result = maximize(objective, start, model="BG/NBD", max_iterations=max_iterations)
        self._store(result)
        check_converged(result, strict)
        return self

    def _store(self, result: FitResult) -> None:
        self.r_, self.alpha_, self.a_, self.b_ = (float(v) for v in result.params)
        self.log_likelihood_ = result.log_likelihood
        self.converged_ = result.converged
        self.notes_ = boundary_notes(result, ["r", "alpha", "a", "b"])
        self.message_ = result.message
        self.n_iterations_ = result.iterations

    @property
    def params_(self) -> dict[str, float]:
        """The fitted parameters by name."""
        return {"r": self.r_, "alpha": self.alpha_, "a": self.a_, "b": self.b_}

    def expected_purchases_new(self, t: Any) -> FloatArray:
        """E[X(t)]: purchases a new customer makes in (0, t] (FHL 2005, eq. 9)."""
        t = np.asarray(t, dtype=np.float64)
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        head = (a + b - 1) / (a - 1)
        tail = (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return np.asarray(head * (1 - tail), dtype=np.float64)

    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> FloatArray:
        """E[Y(t) | x, t_x, T]: purchases in the next t time units (FHL 2005, eq. 10).

        Example
        -------
        >>> m = BetaGeoFitter()
        >>> m.r_, m.alpha_, m.a_, m.b_ = 0.243, 4.414, 0.793, 2.426
        >>> round(float(m.expected_purchases(39, 2, 30.43, 38.86)), 2)
        1.23
        """
        t = np.asarray(t, dtype=np.float64)
        x, t_x, big_t = (np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        z = t / (alpha + big_t + t)
        log_ratio = (r + x) * np.log((alpha + big_t) / (alpha + big_t + t))
        numerator = 1 - np.exp(log_ratio) * hyp2f1(r + x, b + x, a + b + x - 1, z)
        numerator *= (a + b + x - 1) / (a - 1)
        return np.asarray(numerator * self.prob_alive(x, t_x, big_t), dtype=np.float64)

    def prob_alive(self, frequency: Any, recency: Any, T: Any) -> FloatArray:
        """P(alive | x, t_x, T) (FHL 2008 note, eq. 2); 1 for customers with x = 0.

        Example
        -------
        >>> m = BetaGeoFitter()
        >>> m.r_, m.alpha_, m.a_, m.b_ = 0.243, 4.414, 0.793, 2.426
        >>> round(float(m.prob_alive(2, 30.43, 38.86)), 3)
        0.727
        """
        x, t_x, big_t = (np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        repeat = x > 0
        # In log space: ((α+T)/(α+t_x))^(r+x) overflows for frequent buyers who went quiet.
        log_odds = (
            np.log(a)
            - np.log(np.where(repeat, b + x - 1, 1.0))
            + (r + x) * np.log((alpha + big_t) / (alpha + t_x))
        )
        return np.asarray(np.where(repeat, 1 / (1 + np.exp(log_odds)), 1.0), dtype=np.float64)

    def probability_of_purchases(self, t: float, n: int) -> float:
        """P(X(t) = n) for a new customer (FHL 2005, eq. 8)."""
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        log_first = (
            betaln(a, b + n)
            - betaln(a, b)
            + gammaln(r + n)
            - gammaln(r)
            - gammaln(n + 1)
            + r * np.log(alpha / (alpha + t))
            + n * np.log(t / (alpha + t))
        )
        total = float(np.exp(log_first))
        if n > 0:
            j = np.arange(n)
            terms = np.exp(
                gammaln(r + j)
                - gammaln(r)
                - gammaln(j + 1)
                + r * np.log(alpha / (alpha + t))
                + j * np.log(t / (alpha + t))
            )
            total += float(np.exp(betaln(a + 1, b + n - 1) - betaln(a, b)) * (1 - terms.sum()))
        return total
