"""The Gamma-Gamma model of spend per purchase, and discounted customer lifetime value.

References: Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "RFM and CLV: Using
Iso-Value Curves for Customer Base Analysis", *Journal of Marketing Research* 42(4),
415–430; Fader and Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note).
Like :mod:`kundepuls.predict.bgnbd` this is kundepuls's own implementation of the published
likelihood (the reasons are given there).

Each spend z ~ Gamma(p, ν) around the customer's mean p/ν, and ν ~ Gamma(q, γ) across
customers. The model assumes spend is independent of purchase frequency; fit it on
customers with at least one repeat purchase and a positive mean spend.

Example
-------
>>> from kundepuls.predict.simulate import simulate_spend
>>> x = [1, 2, 3, 5, 8] * 400
>>> spend = simulate_spend(x, p=6.0, q=4.0, v=15.0, seed=2)
>>> model = GammaGammaFitter().fit(x, spend)
>>> 4 < model.p_ < 9, model.converged_
(True, True)
"""

from typing import Any, Self

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln

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
from kundepuls.predict.bgnbd import BetaGeoFitter

MIN_REPEAT_BUYERS = 20
DAYS_PER_MONTH = 365.25 / 12


def log_likelihood(
    params: FloatArray,
    x: FloatArray,
    zbar: FloatArray,
    groups: tuple[FloatArray, npt.NDArray[np.intp]] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Per-customer log-density of the mean spend z̄ of x purchases and its gradient.

    ``ln f = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + px ln x + (px−1) ln z̄
    − (px+q) ln(γ + x z̄)`` (Fader & Hardie 2013, eq. 3). Gradient shape (3, n) in (p, q, γ).
    ``groups`` (distinct x and each customer's index) lets the special functions be
    evaluated once per distinct x.
    """
    p, q, v = params
    xs, index = groups if groups is not None else np.unique(x, return_inverse=True)
    pxs = p * xs
    lg_sum, lg_px = gammaln(pxs + q), gammaln(pxs)
    dg_sum, dg_px = digamma(pxs + q), digamma(pxs)
    px = p * x
    log_x, log_z = np.log(x), np.log(zbar)
    log_total = np.log(v + x * zbar)
    ll = (
        (lg_sum - lg_px)[index]
        - gammaln(q)
        + q * np.log(v)
        + px * log_x
        + (px - 1) * log_z
        - (px + q) * log_total
    )
    grad = np.empty((3, x.size))
    grad[0] = x * ((dg_sum - dg_px)[index] + log_x + log_z - log_total)
    grad[1] = dg_sum[index] - digamma(q) + np.log(v) - log_total
    grad[2] = q / v - (px + q) / (v + x * zbar)
    return ll, grad


class _Data:
    """The fit's data with the sums that do not depend on the parameters done once."""

    def __init__(self, x: FloatArray, zbar: FloatArray, w: FloatArray) -> None:
        self.x, self.zbar, self.w = x, zbar, w
        self.xs, index = np.unique(x, return_inverse=True)
        self.w_x = np.bincount(index, weights=w)
        self.total = float(w.sum())
        log_z = np.log(zbar)
        self.s_xlogx = float(w @ (x * np.log(x)))
        self.s_xlogz = float(w @ (x * log_z))
        self.s_logz = float(w @ log_z)
        self.wx = w * x

    def objective(self, params: FloatArray) -> tuple[float, FloatArray]:
        """Negative weighted mean log-likelihood (eq. 3) and its gradient in (p, q, γ)."""
        p, q, v = params
        pxs = p * self.xs
        dg_sum, dg_px = digamma(pxs + q), digamma(pxs)
        log_total = np.log(v + self.x * self.zbar)
        s_log_total, s_xlog_total = self.w @ log_total, self.wx @ log_total
        total = (
            self.w_x @ (gammaln(pxs + q) - gammaln(pxs))
            + self.total * (q * np.log(v) - gammaln(q))
            + p * (self.s_xlogx + self.s_xlogz)
            - self.s_logz
            - p * s_xlog_total
            - q * s_log_total
        )
        grad = np.array(
            [
                self.w_x @ (self.xs * (dg_sum - dg_px))
                + self.s_xlogx
                + self.s_xlogz
                - s_xlog_total,
                self.w_x @ dg_sum + self.total * (np.log(v) - digamma(q)) - s_log_total,
                self.total * q / v - (p * self.wx + q * self.w) @ (1 / (v + self.x * self.zbar)),
            ]
        )
        return -float(total) / self.total, -grad / self.total


class GammaGammaFitter:
    """Gamma-Gamma spend model.

    Parameters
    ----------
    penalizer : float
        L2 penalty on the parameters added to the negative mean log-likelihood.

    Attributes
    ----------
    p_, q_, v_ : float
        Fitted shape p, and q and scale γ (``v_``) of the heterogeneity in ν.
    converged_ : bool
        Whether the optimizer converged; ``message_`` holds its message.
    """

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    def fit(
        self,
        frequency: Any,
        monetary_value: Any,
        *,
        strict: bool = True,
        max_iterations: int = 2000,
        min_repeat_buyers: int = MIN_REPEAT_BUYERS,
    ) -> Self:
        """Fit on customers with frequency > 0; returns ``self``.

        Customers with frequency 0 are skipped (they have no repeat spend to average);
        a non-positive mean spend among the others is an error naming its row.
        """
        x, m = as_array(frequency, "frequency"), _spend(monetary_value)
        keep = x > 0
        first_bad(keep & ~(m > 0), "monetary_value", "must be above 0 for a repeat buyer")
        x, m = x[keep], m[keep]
        if x.size < min_repeat_buyers:
            raise NotEnoughHistoryError(
                f"Gamma-Gamma needs at least {min_repeat_buyers} customers who bought again "
                f"with a positive amount; the data have {x.size}. Collect more order "
                "history and fit again."
            )
        (ux, um), weights = compress(x, m)
        data = _Data(ux, um, weights)

        def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
            params = np.exp(log_params)
            value, grad = data.objective(params)
            value += self.penalizer * float(params @ params)
            return value, grad * params + 2 * self.penalizer * params**2

        start = np.array([1.0, 1.0, float(np.mean(m))])
        result = maximize(objective, start, model="Gamma-Gamma", max_iterations=max_iterations)
        self._store(result)
        check_converged(result, strict)
        return self

    def _store(self, result: FitResult) -> None:
        self.p_, self.q_, self.v_ = (float(v) for v in result.params)
        self.log_likelihood_ = result.log_likelihood
        self.converged_ = result.converged
        self.notes_ = boundary_notes(result, ["p", "q", "v"])
        self.message_ = result.message

    @property
    def params_(self) -> dict[str, float]:
        """The fitted parameters by name."""
        return {"p": self.p_, "q": self.q_, "v": self.v_}

    def conditional_expected_average_profit(
        self, frequency: Any, monetary_value: Any
    ) -> FloatArray:
        """E[M | p, q, γ, x, z̄] (Fader & Hardie 2013, eq. 5; FHL 2005 "RFM and CLV").

        A weighted mean of the population mean pγ/(q−1) and the customer's own mean z̄;
        customers with x = 0 get the population mean.

        Example
        -------
        >>> g = GammaGammaFitter()
        >>> g.p_, g.q_, g.v_ = 6.25, 3.74, 15.44
        >>> round(float(g.conditional_expected_average_profit(2, 22.35)), 2)
        24.66
        """
        x = np.asarray(frequency, dtype=np.float64)
        m = np.nan_to_num(np.asarray(monetary_value, dtype=np.float64))
        p, q, v = self.p_, self.q_, self.v_
        return np.asarray((p * (v + x * m)) / (p * x + q - 1), dtype=np.float64)


def clv(
    bgnbd: BetaGeoFitter,
    gg: GammaGammaFitter,
    frequency: Any,
    recency: Any,
    T: Any,
    monetary_value: Any,
    *,
    horizon_months: int = 12,
    discount_rate: float = 0.01,
    days_per_unit: float = 1.0,
) -> FloatArray:
    """Discounted expected value over the next ``horizon_months`` (FHL 2005 "RFM and CLV").

    Month i contributes (E[Y(i months)] − E[Y(i−1 months)]) × E[M] / (1 + d)^i, with d
    the monthly ``discount_rate`` and a month of 365.25/12 days; ``days_per_unit`` is the
    model's time unit in days (1 for days, 7 for weeks).

    Example
    -------
    >>> b = BetaGeoFitter()
    >>> b.r_, b.alpha_, b.a_, b.b_ = 0.243, 4.414, 0.793, 2.426
    >>> g = GammaGammaFitter()
    >>> g.p_, g.q_, g.v_ = 6.25, 3.74, 15.44
    >>> value = clv(b, g, 2, 30.43, 38.86, 22.35, horizon_months=12, days_per_unit=7)
    >>> bool(value > 0)
    True
    """
    if horizon_months < 1:
        raise NotEnoughHistoryError("horizon_months must be at least 1")
    spend = gg.conditional_expected_average_profit(frequency, monetary_value)
    unit_per_month = DAYS_PER_MONTH / days_per_unit
    total = np.zeros(np.broadcast(np.asarray(frequency), np.asarray(T)).shape)
    previous = np.zeros_like(total)
    for month in range(1, horizon_months + 1):
        upto = bgnbd.expected_purchases(month * unit_per_month, frequency, recency, T)
        total = total + (upto - previous) * spend / (1 + discount_rate) ** month
        previous = upto
    return np.asarray(total, dtype=np.float64)


def _spend(values: Any) -> FloatArray:
    """Mean spend per customer; NaN allowed (customers without a repeat purchase)."""
    return np.asarray(values, dtype=np.float64).ravel()
