"""RFM scores (quintiles of recency, frequency and monetary value) and named segments.

Scores run from 1 (worst fifth) to 5 (best fifth). Ties share the lowest score of their
group, so that, say, all one-time buyers get the same frequency score.
"""

from typing import Any

import numpy as np
import pandas as pd

# key: (English label, Norwegian label)
SEGMENTS: dict[str, tuple[str, str]] = {
    "champions": ("Champions", "Mestere"),
    "loyal": ("Loyal", "Lojale"),
    "potential_loyalists": ("Potential loyalists", "Potensielt lojale"),
    "new": ("New", "Nye"),
    "at_risk": ("At risk", "I faresonen"),
    "cannot_lose": ("Cannot lose them", "Kan ikke mistes"),
    "hibernating": ("Hibernating", "I dvale"),
    "lost": ("Lost", "Tapt"),
}


def quintile_score(values: Any) -> pd.Series:
    """1–5 by the share of customers with a strictly lower value (higher value is better).

    Example
    -------
    >>> quintile_score([1, 1, 1, 2, 3, 4, 5, 6, 7, 8]).tolist()
    [1, 1, 1, 2, 3, 3, 4, 4, 5, 5]
    """
    series = pd.Series(np.asarray(values, dtype=np.float64))
    below = series.rank(method="min") - 1
    scores = 1 + np.floor(5 * below.to_numpy() / max(len(series), 1))
    return pd.Series(scores.clip(1, 5).astype(int))


def segment(r: int, f: int, m: int) -> str:
    """The named segment of one customer's scores (R against the mean of F and M).

    Example
    -------
    >>> segment(5, 5, 4), segment(1, 5, 5), segment(1, 1, 2)
    ('champions', 'cannot_lose', 'lost')
    """
    fm = (f + m) / 2
    if r >= 4:
        if fm >= 4:
            return "champions"
        return "new" if f == 1 else "potential_loyalists"
    if r == 3:
        return "loyal" if fm >= 3 else "hibernating"
    if fm >= 4.5:
        return "cannot_lose"
    if fm >= 3:
        return "at_risk"
    return "hibernating" if r == 2 else "lost"


def rfm_table(days_since_last: Any, orders: Any, spend: Any) -> pd.DataFrame:
    """Scores and segment per customer, in the order given.

    Parameters
    ----------
    days_since_last : days since the last purchase (fewer is better)
    orders : number of purchases
    spend : total spend

    Example
    -------
    >>> rfm_table([5, 200, 30], [6, 1, 2], [900.0, 50.0, 120.0])["rfm_segment"].tolist()
    ['champions', 'lost', 'hibernating']
    """
    r = quintile_score(-np.asarray(days_since_last, dtype=np.float64))
    f = quintile_score(orders)
    m = quintile_score(spend)
    names = [segment(*scores) for scores in zip(r, f, m, strict=True)]
    return pd.DataFrame({"r_score": r, "f_score": f, "m_score": m, "rfm_segment": names})


def label(key: str, language: str = "en") -> str:
    """The segment's display name in English (``en``) or Norwegian (``nb``/``nn``/``no``)."""
    english, norwegian = SEGMENTS[key]
    return english if language == "en" else norwegian
