"""Synthetic customers drawn from the BG/NBD and Gamma-Gamma generative processes.

Used to check that the fitters recover known parameters (tests, ``bench/clv.py``).
"""

from typing import Any

import numpy as np
import pandas as pd


def simulate_bgnbd(
    n: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: Any,
    seed: int = 0,
) -> pd.DataFrame:
    """Customers from the BG/NBD story (FHL 2005, section 3).

    Each customer has λ ~ Gamma(r, α) and p ~ Beta(a, b); after the first purchase at
    time 0 purchases arrive as a Poisson process with rate λ, and after each repeat
    purchase the customer drops out with probability p. Observation ends at ``T`` (a
    number or one value per customer).

    Example
    -------
    >>> simulate_bgnbd(3, r=0.3, alpha=4, a=0.8, b=2.5, T=40, seed=0).columns.tolist()
    ['frequency', 'recency', 'T']
    """
    rng = np.random.default_rng(seed)
    big_t = np.broadcast_to(np.asarray(T, dtype=np.float64), (n,)).copy()
    rate = rng.gamma(r, 1 / alpha, n)
    drop = rng.beta(a, b, n)
    frequency = np.zeros(n)
    recency = np.zeros(n)
    now = np.zeros(n)
    active = np.arange(n)
    while active.size:
        now[active] += rng.exponential(1 / np.maximum(rate[active], 1e-300))
        inside = now[active] <= big_t[active]
        active = active[inside]
        frequency[active] += 1
        recency[active] = now[active]
        active = active[rng.random(active.size) >= drop[active]]
    return pd.DataFrame({"frequency": frequency, "recency": recency, "T": big_t})


def simulate_spend(frequency: Any, *, p: float, q: float, v: float, seed: int = 0) -> pd.Series:
    """Mean spend per repeat purchase from the Gamma-Gamma story (Fader & Hardie 2013).

    ν ~ Gamma(q, γ) per customer, each spend z ~ Gamma(p, ν); the mean of x spends is
    Gamma(p·x, ν·x). Customers with x = 0 get NaN (no repeat purchase to average).
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(frequency, dtype=np.float64)
    nu = rng.gamma(q, 1 / v, x.size)
    safe = np.maximum(x, 1)
    mean = rng.gamma(p * safe, 1 / (nu * safe))
    return pd.Series(np.where(x > 0, mean, np.nan), name="monetary_value")
