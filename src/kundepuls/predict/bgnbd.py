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
import numpy.typing as npt
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
    params: FloatArray,
    x: FloatArray,
    t_x: FloatArray,
    t: FloatArray,
    groups: tuple[FloatArray, npt.NDArray[np.intp]] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Per-customer log-likelihood (FHL 2005, eq. 6) and its gradient in (r, α, a, b).

    ``ln L = A1 + A2 + ln(exp(A3) + δ(x>0) exp(A4))`` with A1 = ln Γ(r+x) − ln Γ(r) + r ln α,
    A2 = ln B(a, b+x) − ln B(a, b), A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
    Returns ``(ll, grad)`` where ``grad`` has shape (4, n). ``groups`` (the distinct values
    of x and each customer's index into them) lets the special functions, which depend on x
    only, be evaluated once per distinct x instead of once per customer.
    """
    r, alpha, a, b = params
    xs, index = groups if groups is not None else np.unique(x, return_inverse=True)
    repeat_s = xs > 0
    b_x1_s = np.where(repeat_s, b + xs - 1, 1.0)
    const = -gammaln(r) + r * np.log(alpha) - betaln(a, b)
    per_x = {
        "ll": gammaln(r + xs) + betaln(a, b + xs) + const,
        "log_a4": np.where(repeat_s, np.log(a) - np.log(b_x1_s), -np.inf),
        "d_r": digamma(r + xs) - digamma(r) + np.log(alpha),
        "d_a": digamma(a + b) - digamma(a + b + xs),
        "d_b": digamma(b + xs) - digamma(a + b + xs) - digamma(b) + digamma(a + b),
        "b_x1": b_x1_s,
    }
    g = {k: v[index] for k, v in per_x.items()}
    log_t, log_tx = np.log(alpha + t), np.log(alpha + t_x)
    a3 = -(r + x) * log_t
    a4 = g["log_a4"] - (r + x) * log_tx
    mix = np.logaddexp(a3, a4)
    w3, w4 = np.exp(a3 - mix), np.exp(a4 - mix)
    grad = np.empty((4, x.size))
    grad[0] = g["d_r"] - w3 * log_t - w4 * log_tx
    grad[1] = r / alpha - (r + x) * (w3 / (alpha + t) + w4 / (alpha + t_x))
    grad[2] = g["d_a"] + w4 / a
    grad[3] = g["d_b"] - w4 / g["b_x1"]
    return g["ll"] + mix, grad


class _Data:
    """The fit's data, grouped once: what depends on x only is summed per distinct x.

    Customers without a repeat purchase (often most of them) only contribute
    −r ln(α+T); they are kept apart so that the full mixture is computed for repeaters only.
    """

    def __init__(self, x: FloatArray, t_x: FloatArray, t: FloatArray, w: FloatArray) -> None:
        zero = x == 0
        self.t0, self.w0 = t[zero], w[zero]
        self.x, self.t_x, self.t, self.w = x[~zero], t_x[~zero], t[~zero], w[~zero]
        self.xs, self.index = np.unique(x, return_inverse=True)
        self.w_x = np.bincount(self.index, weights=w)
        self.index = self.index[~zero]
        self.total = float(w.sum())

    def objective(self, params: FloatArray) -> tuple[float, FloatArray]:
        """Negative weighted mean log-likelihood (eq. 6) and its gradient in (r, α, a, b)."""
        r, alpha, a, b = params
        xs, w, x = self.xs, self.w, self.x
        b_x1 = np.where(xs > 0, b + xs - 1, 1.0)
        log_a4 = np.log(a) - np.log(b_x1)
        const = -gammaln(r) + r * np.log(alpha) - betaln(a, b)
        ll_x = gammaln(r + xs) + betaln(a, b + xs) + const
        log_t0 = np.log(alpha + self.t0)
        log_t, log_tx = np.log(alpha + self.t), np.log(alpha + self.t_x)
        a3 = -(r + x) * log_t
        d = log_a4[self.index] - (r + x) * (log_tx - log_t)
        # ln(e^A3 + e^A4) = A3 + softplus(d) with d = A4 − A3, and the weight of the
        # "dropped out" branch is sigmoid(d); both from one exp(−|d|), which cannot overflow.
        e = np.exp(-np.abs(d))
        softplus = np.maximum(d, 0.0) + np.log1p(e)
        w4 = np.where(d >= 0, 1.0, e) / (1.0 + e)
        w3 = 1.0 - w4
        ww4 = w * w4
        total = self.w_x @ ll_x + w @ (a3 + softplus) - r * (self.w0 @ log_t0)
        grad = np.array(
            [
                self.w_x @ (digamma(r + xs) - digamma(r) + np.log(alpha))
                - (w * w3) @ log_t
                - ww4 @ log_tx
                - self.w0 @ log_t0,
                self.total * r / alpha
                - (w * (r + x)) @ (w3 / (alpha + self.t) + w4 / (alpha + self.t_x))
                - r * (self.w0 @ (1 / (alpha + self.t0))),
                self.w_x @ (digamma(a + b) - digamma(a + b + xs)) + ww4.sum() / a,
                self.w_x @ (digamma(b + xs) - digamma(a + b + xs) - digamma(b) + digamma(a + b))
                - np.bincount(self.index, weights=ww4, minlength=xs.size) @ (1 / b_x1),
            ]
        )
        return -float(total) / self.total, -grad / self.total


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
        data = _Data(ux, ut_x, ut, weights)
        scale = float(np.mean(t))

        def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
            params = np.exp(log_params)
            value, grad = data.objective(params)
            value += self.penalizer * float(params @ params)
            return value, grad * params + 2 * self.penalizer * params**2

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
