"""The mix/rate decomposition sums exactly to the change (pandas reference, synthetic)."""

import numpy as np
import pandas as pd
import pytest

from kundepuls.insights.changes import decompose
from kundepuls.kit.errors import UsageError


def units(seed: int) -> pd.DataFrame:
    """Unit rows of two periods over five segments, one of them only in the later period."""
    rng = np.random.default_rng(seed)
    rows = []
    for period, sizes in (("before", [300, 200, 100, 50, 0]), ("after", [150, 250, 120, 80, 40])):
        for segment, size in zip("ABCDE", sizes, strict=True):
            scores = rng.integers(0, 11, size)
            nps = np.where(scores >= 9, 100, np.where(scores <= 6, -100, 0))
            rows.append(pd.DataFrame({"period": period, "segment": segment, "x": nps}))
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("seed", range(5))
def test_contributions_sum_to_the_change_of_the_kpi(seed: int) -> None:
    frame = units(seed)
    totals = frame.groupby("period")["x"].mean()  # the KPI of each period, by pandas
    sums = frame.groupby(["segment", "period"])["x"].agg(["count", "sum"]).unstack(fill_value=0)
    parts = pd.DataFrame(
        {
            "segment": sums.index,
            "n": sums[("count", "after")].to_numpy(),
            "s1": sums[("sum", "after")].to_numpy(dtype="float64"),
            "n0": sums[("count", "before")].to_numpy(),
            "s0": sums[("sum", "before")].to_numpy(dtype="float64"),
        }
    )
    table = decompose(parts)
    change = totals["after"] - totals["before"]
    assert table["contribution"].sum() == pytest.approx(change, abs=1e-9)
    assert (table["mix"] + table["rate"]).to_numpy() == pytest.approx(table["contribution"])
    # A segment that is new has no rate of its own: it enters through its share only.
    new = table.set_index("segment").loc["E"]
    assert new["rate"] == 0
    assert new["share_baseline"] == 0
    # Ranked by the size of the contribution.
    assert list(table["contribution"].abs()) == sorted(table["contribution"].abs(), reverse=True)
    # Each segment's rate term is its own value change weighted by its mean share.
    a = table.set_index("segment").loc["A"]
    means = frame[frame["segment"] == "A"].groupby("period")["x"].mean()
    assert a["rate"] == pytest.approx(
        (means["after"] - means["before"]) * (a["share"] + a["share_baseline"]) / 2
    )


def test_a_period_without_data_cannot_be_explained() -> None:
    parts = pd.DataFrame({"segment": ["A"], "n": [0], "s1": [0.0], "n0": [10], "s0": [5.0]})
    with pytest.raises(UsageError, match="both periods"):
        decompose(parts)
