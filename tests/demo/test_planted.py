"""What is planted in the demo is really in the rows read back from the store.

Each check is computed with plain pandas (and scipy for the significance) on the stored
rows, independently of the generator's own parameters.
"""

import pandas as pd
import pytest
from scipy import stats

from kundepuls.demo.planted import (
    FALLING_REGION,
    TEAM_FCR,
    WEEKEND_FIRST_RESPONSE_FACTOR_AFTER,
    WEEKEND_FIRST_RESPONSE_FACTOR_BEFORE,
)
from tests.demo.conftest import BuiltDemo

OSLO = "Europe/Oslo"


def nps(scores: pd.Series) -> float:
    scores = scores.dropna()
    return 100 * float((scores >= 9).mean() - (scores <= 6).mean())


@pytest.fixture(scope="module")
def tickets(full_demo: BuiltDemo) -> pd.DataFrame:
    frame = full_demo.frames["tickets"].copy()
    local = frame["created_at"].dt.tz_convert(OSLO)
    frame["weekend"] = local.dt.day_of_week >= 5
    frame["staffed"] = local.dt.date >= full_demo.planted.improvement_start
    frame["frh"] = (frame["first_response_at"] - frame["created_at"]).dt.total_seconds() / 3600
    return frame


@pytest.fixture(scope="module")
def responses(full_demo: BuiltDemo) -> pd.DataFrame:
    frame = full_demo.frames["responses"].merge(
        full_demo.frames["customers"][["customer_id", "region"]], on="customer_id", how="left"
    )
    frame["day"] = frame["submitted_at"].dt.tz_convert(OSLO).dt.date
    return frame


def test_weekend_first_responses_take_twice_as_long_until_the_weekend_staffing(
    tickets: pd.DataFrame,
) -> None:
    means = tickets.groupby(["staffed", "weekend"])["frh"].mean()
    before = means[(False, True)] / means[(False, False)]
    after = means[(True, True)] / means[(True, False)]
    assert before == pytest.approx(WEEKEND_FIRST_RESPONSE_FACTOR_BEFORE, abs=0.3)
    assert after == pytest.approx(WEEKEND_FIRST_RESPONSE_FACTOR_AFTER, abs=0.2)
    weekend = tickets[tickets["weekend"]].dropna(subset=["frh"])
    test = stats.mannwhitneyu(
        weekend.loc[~weekend["staffed"], "frh"], weekend.loc[weekend["staffed"], "frh"]
    )
    assert test.pvalue < 1e-6
    # Weekdays did not change: the effect is the weekend staffing, not a general trend.
    weekday = tickets[~tickets["weekend"]]
    assert means[(True, False)] / means[(False, False)] == pytest.approx(1, abs=0.1)
    assert len(weekday) > 2 * len(weekend)


def test_first_contact_resolution_differs_by_team(tickets: pd.DataFrame) -> None:
    resolved = tickets.dropna(subset=["resolved_at"]).copy()
    resolved["fcr"] = (resolved["contacts"].fillna(1) == 1) & ~resolved["reopened"].astype(bool)
    by_team = resolved.groupby("team")["fcr"].mean()
    assert set(by_team.index) == set(TEAM_FCR)
    assert by_team.max() - by_team.min() > 0.2
    assert by_team.idxmax() == "Butikk"
    assert by_team.idxmin() == "Retur og reklamasjon"
    table = pd.crosstab(resolved["team"], resolved["fcr"])
    assert stats.chi2_contingency(table).pvalue < 1e-10


def test_the_falling_region_loses_about_25_nps_points_in_the_last_quarter(
    full_demo: BuiltDemo, responses: pd.DataFrame
) -> None:
    last = responses["day"] >= full_demo.planted.fall_start
    region = responses["region"] == FALLING_REGION
    before, after = (
        nps(responses.loc[region & ~last, "nps"]),
        nps(responses.loc[region & last, "nps"]),
    )
    assert before - after > 15
    assert responses.loc[region & last, "nps"].notna().sum() >= 80
    others_before = nps(responses.loc[~region & ~last, "nps"])
    others_after = nps(responses.loc[~region & last, "nps"])
    assert abs(others_after - others_before) < 6
    for name, group in responses[~region].groupby("region"):
        recent = group.loc[group["day"] >= full_demo.planted.fall_start, "nps"]
        if recent.notna().sum() >= 250:  # the big regions are stable too
            assert abs(nps(recent) - nps(group.loc[~last, "nps"])) < 15, name


def test_scores_follow_slow_first_responses(tickets: pd.DataFrame, responses: pd.DataFrame) -> None:
    support = responses[responses["touchpoint"] == "etter_support"].copy()
    support["ticket_id"] = support["attributes"].map(lambda a: a["ticket_id"])
    joined = support.merge(tickets[["ticket_id", "frh", "weekend", "staffed"]], on="ticket_id")
    assert len(joined) == len(support)
    rho, p = stats.spearmanr(joined["frh"], joined["csat"], nan_policy="omit")
    assert rho < -0.1
    assert p < 1e-6
    # After the weekend staffing, CSAT after weekend support rises.
    weekend = joined[joined["weekend"]]
    rise = (
        weekend.loc[weekend["staffed"], "csat"].mean()
        - weekend.loc[~weekend["staffed"], "csat"].mean()
    )
    assert rise > 0.1


def test_complaints_and_late_parcels_lower_the_scores(
    full_demo: BuiltDemo, responses: pd.DataFrame
) -> None:
    complaints = full_demo.frames["complaints"][["customer_id", "created_at"]]
    paired = responses[["response_id", "customer_id", "submitted_at", "nps"]].merge(
        complaints, on="customer_id", how="left"
    )
    gap = paired["submitted_at"] - paired["created_at"]
    paired["recent"] = (gap >= pd.Timedelta(0)) & (gap <= pd.Timedelta(days=120))
    recent = paired.groupby("response_id")["recent"].any()
    scored = responses.set_index("response_id")["nps"].astype(float)
    assert scored[recent].mean() < scored[~recent].mean() - 1
    orders = full_demo.frames["orders"]
    late = {
        o
        for o, a in zip(orders["order_id"], orders["attributes"], strict=True)
        if a.get("levering") == "forsinket"
    }
    purchase = responses[responses["touchpoint"] == "etter_kjop"]
    was_late = purchase["attributes"].map(lambda a: a["ordre_id"] in late)
    assert nps(purchase.loc[was_late, "nps"]) < nps(purchase.loc[~was_late, "nps"]) - 30
    test = stats.mannwhitneyu(purchase.loc[was_late, "nps"], purchase.loc[~was_late, "nps"])
    assert test.pvalue < 1e-10
