"""Benjamini–Hochberg q-values against statsmodels and under the null by simulation."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from kundepuls.stats import bh_qvalues, compare_proportions


def test_bh_matches_statsmodels_and_keeps_nan() -> None:
    rng = np.random.default_rng(1995)
    p = np.concatenate([rng.uniform(size=40), rng.uniform(0, 0.01, size=10)])
    p[[3, 17, 44]] = np.nan
    q = bh_qvalues(p)
    valid = ~np.isnan(p)
    _, expected, _, _ = multipletests(p[valid], method="fdr_bh")
    np.testing.assert_allclose(q[valid], expected)
    assert np.isnan(q[~valid]).all()


def test_bh_ties_edges_and_order() -> None:
    assert bh_qvalues([]).size == 0
    assert np.isnan(bh_qvalues([np.nan, np.nan])).all()
    q = bh_qvalues([0.04, 0.01, 0.04, 0.04])
    _, expected, _, _ = multipletests([0.04, 0.01, 0.04, 0.04], method="fdr_bh")
    np.testing.assert_allclose(q, expected)
    with pytest.raises(ValueError, match="between 0 and 1"):
        bh_qvalues([0.2, 1.5])


def test_bh_controls_false_discoveries_when_nothing_differs() -> None:
    """Under the complete null, 'any q < 0.05' happens in at most ~5 % of scans."""
    rng = np.random.default_rng(20261204)
    runs, segments, n = 1000, 20, 200
    s1 = rng.binomial(n, 0.3, size=(runs, segments))
    s2 = rng.binomial(n, 0.3, size=(runs, segments))
    p = compare_proportions(n, s1.ravel(), n, s2.ravel()).p_value.reshape(runs, segments)
    any_discovery = np.array([np.any(bh_qvalues(row) < 0.05) for row in p])
    # 3 binomial standard errors of 1,000 runs at 5 %
    assert any_discovery.mean() <= 0.05 + 0.021
    # Without the correction a scan of 20 segments "finds" something most of the time.
    assert np.any(p < 0.05, axis=1).mean() > 0.5
