"""On the demo store (SQLite and PostgreSQL) the insights find what was planted.

Every figure is checked against plain pandas on the stored rows.
"""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
import statsmodels.api as sm

from kundepuls.db import make_engine, session_scope
from kundepuls.facts.models import FACT_MODELS
from kundepuls.insights import anomalies, changes, drivers
from kundepuls.insights.schemas import Finding
from tests.insights.conftest import Demo

OSLO = "Europe/Oslo"
LAST_DAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def frames(demo: Demo) -> dict[str, pd.DataFrame]:
    engine = make_engine(demo.url)
    with engine.connect() as conn:
        out = {k: pd.read_sql(sa.select(m.__table__), conn) for k, m in FACT_MODELS.items()}
    engine.dispose()
    for kind, column in (("responses", "submitted_at"), ("tickets", "created_at")):
        out[kind]["day"] = pd.to_datetime(out[kind][column], utc=True).dt.tz_convert(OSLO).dt.date
    return out


@pytest.fixture(scope="module")
def findings(demo: Demo) -> list[Finding]:
    return anomalies.scan(None, demo.settings)


def nps(scores: pd.Series) -> float:
    scores = scores.dropna()
    return 100 * float((scores >= 9).mean() - (scores <= 6).mean())


def test_the_falling_region_is_found_with_its_start_and_size(
    demo: Demo, findings: list[Finding], frames: dict[str, pd.DataFrame]
) -> None:
    planted = demo.planted
    (fall,) = [f for f in findings if f.kpi == "nps" and f.value == planted.falling_region]
    assert fall.kind == "level_shift"
    assert fall.dim == "region"
    assert fall.since is not None
    assert abs((fall.since - planted.fall_start).days) <= 28
    assert fall.size < -15
    assert fall.ci_high < 0
    assert fall.q_value < 0.05
    # The size is the NPS after minus the NPS before the change, computed by pandas.
    r = frames["responses"].merge(frames["customers"][["customer_id", "region"]], on="customer_id")
    r = r[r["region"] == planted.falling_region]
    history = LAST_DAY - timedelta(days=anomalies.WINDOW_DAYS + anomalies.HISTORY_DAYS)
    last_week_end = LAST_DAY - timedelta(days=LAST_DAY.weekday() + 1)  # the last full week
    after = r[(r["day"] >= fall.since) & (r["day"] <= last_week_end)]
    before = r[(r["day"] >= history) & (r["day"] < fall.since)]
    assert fall.size == pytest.approx(nps(after["nps"]) - nps(before["nps"]), abs=1e-9)
    assert fall.n == after["nps"].notna().sum()


def test_no_finding_comes_from_a_low_sample_group(demo: Demo, findings: list[Finding]) -> None:
    assert findings, "the demo has planted effects"
    minimum = demo.settings.min_sample
    for f in findings:
        assert f.n >= minimum
        assert f.n_baseline == 0 or f.n_baseline >= minimum
        assert f.q_value < 0.05
        assert f.ci_low <= f.size <= f.ci_high
    assert [f.q_value for f in findings] == sorted(f.q_value for f in findings)


def test_the_weekend_staffing_shows_as_a_fall_in_weekend_first_response_times(
    demo: Demo, findings: list[Finding]
) -> None:
    (shift,) = [
        f for f in findings
        if f.kpi == "first_response_hours" and f.dim == "weekend" and f.kind == "level_shift"
    ]  # fmt: skip
    assert shift.value == "true"
    assert shift.size < 0
    assert shift.since is not None
    assert abs((shift.since - demo.planted.improvement_start).days) <= 21


def test_weekend_first_responses_took_twice_as_long_before_the_staffing(
    demo: Demo, frames: dict[str, pd.DataFrame]
) -> None:
    until = demo.planted.improvement_start - timedelta(days=1)
    since = until - timedelta(days=364)
    found = anomalies.scan(
        None, demo.settings, kpis=["first_response_hours"], by=[], since=since, until=until
    )
    (weekend,) = [f for f in found if f.kind == "weekend"]
    assert weekend.ratio == pytest.approx(demo.planted.weekend_factor_before, abs=0.3)
    assert weekend.ratio_low is not None
    assert weekend.ratio_high is not None
    assert weekend.ratio_low < weekend.ratio < weekend.ratio_high
    assert weekend.ratio_low > 1.5
    t = frames["tickets"]
    t = t[(t["day"] >= since) & (t["day"] <= until)].dropna(subset=["first_response_at"])
    hours = (t["first_response_at"] - t["created_at"]).dt.total_seconds() / 3600
    on_weekend = pd.Series([d.weekday() >= 5 for d in t["day"]], index=t.index)
    expected = hours[on_weekend].mean() / hours[~on_weekend].mean()
    assert weekend.ratio == pytest.approx(expected, rel=1e-9)
    assert weekend.n + weekend.n_baseline == len(t)


def test_the_change_of_nps_splits_over_regions_and_themes_exactly(
    demo: Demo, frames: dict[str, pd.DataFrame]
) -> None:
    start, end = demo.planted.fall_start, LAST_DAY
    vs_start, vs_end = start - timedelta(days=91), start - timedelta(days=1)
    r = frames["responses"]
    now = r[(r["day"] >= start) & (r["day"] <= end)]["nps"]
    then = r[(r["day"] >= vs_start) & (r["day"] <= vs_end)]["nps"]
    engine = make_engine(demo.url)
    with session_scope(engine) as session:
        for dim in ("region", "channel", "touchpoint", "theme"):
            change = changes.explain_change(
                session, demo.settings, "nps", dim, start, end, vs_start, vs_end
            )
            assert change.value == pytest.approx(nps(now), abs=1e-9)
            assert change.baseline == pytest.approx(nps(then), abs=1e-9)
            assert change.segments["contribution"].sum() == pytest.approx(change.total, abs=1e-9)
            assert change.segments["n"].sum() == now.notna().sum()
        region = changes.explain_change(
            session, demo.settings, "nps", "region", start, end, vs_start, vs_end
        )
    engine.dispose()
    worst = region.segments.sort_values("contribution").iloc[0]
    assert worst["segment"] == demo.planted.falling_region
    assert worst["rate"] < 0


@pytest.mark.parametrize(
    ("kpi", "dim", "kind", "value"),
    [("aov", "product_line", "orders", "amount"), ("first_response_hours", "team", "tickets", "")],
)
def test_changes_of_order_and_ticket_kpis_split_exactly(
    demo: Demo, frames: dict[str, pd.DataFrame], kpi: str, dim: str, kind: str, value: str
) -> None:
    start, end = date(2026, 9, 1), LAST_DAY
    change = changes.explain_change(None, demo.settings, kpi, dim, start, end)
    rows = frames[kind].copy()
    if kind == "orders":
        rows["day"] = pd.to_datetime(rows["ordered_at"], utc=True).dt.tz_convert(OSLO).dt.date
        rows["x"] = rows[value].astype("float64")
    else:
        rows["x"] = (rows["first_response_at"] - rows["created_at"]).dt.total_seconds() / 3600
    rows = rows.dropna(subset=["x"])
    now = rows[(rows["day"] >= start) & (rows["day"] <= end)]
    then = rows[(rows["day"] >= change.vs_start) & (rows["day"] <= change.vs_end)]
    assert change.vs_end == start - timedelta(days=1)
    assert change.value == pytest.approx(now["x"].mean(), rel=1e-9)
    assert change.baseline == pytest.approx(then["x"].mean(), rel=1e-9)
    assert change.segments["contribution"].sum() == pytest.approx(change.total, abs=1e-9)
    by_segment = now.groupby(dim)["x"].mean()
    table = change.segments.set_index("segment")
    assert table.loc[by_segment.index, "value"].to_numpy() == pytest.approx(by_segment.to_numpy())


def test_the_heat_map_counts_every_answered_ticket(
    demo: Demo, frames: dict[str, pd.DataFrame]
) -> None:
    cells = changes.heatmap(None, demo.settings, "first_response_hours")
    t = frames["tickets"].dropna(subset=["first_response_at"])
    assert cells["n"].sum() == len(t)
    local = pd.to_datetime(t["created_at"], utc=True).dt.tz_convert(OSLO)
    hours = (t["first_response_at"] - t["created_at"]).dt.total_seconds() / 3600
    monday_ten = hours[(local.dt.day_of_week == 0) & (local.dt.hour == 10)]
    cell = cells[(cells["weekday"] == "Monday") & (cells["hour"] == 10)].iloc[0]
    assert cell["value"] == pytest.approx(monday_ten.mean())
    assert cell["n"] == len(monday_ten)
    assert set(cells.loc[cells["n"] < demo.settings.min_sample, "low_sample"]) <= {True}


def test_key_drivers_match_an_ols_fit_and_rank_the_priorities(demo: Demo) -> None:
    engine = make_engine(demo.url)
    with session_scope(engine) as session:
        report = drivers.key_drivers(session, demo.settings, "nps", n_boot=50)
        frame, _good = drivers.customer_frame(
            session, demo.settings, "nps", report.start, report.end
        )
    engine.dispose()
    names = [d.name for d in report.drivers]
    x = frame[names].fillna(frame[names].mean())
    fit = sm.OLS(frame["outcome"], sm.add_constant(x)).fit()
    assert sum(d.importance for d in report.drivers) == pytest.approx(fit.rsquared, abs=1e-9)
    assert report.r2 == pytest.approx(fit.rsquared, abs=1e-9)
    assert report.customers == len(frame)
    assert names[0] == "csat"
    assert report.drivers[0].direction == 1
    complaint = next(d for d in report.drivers if d.name == "complaint")
    assert complaint.direction == -1
    assert any(n.startswith("theme:") for n in names)
    priorities = [d.priority for d in report.priorities]
    assert priorities == sorted(priorities, reverse=True)
    for d in report.drivers:
        assert d.ci_low <= d.importance <= d.ci_high
    assert np.isclose(sum(d.share for d in report.drivers), 1.0)


def test_the_shift_found_agrees_with_the_improvement_measured_as_an_action(
    demo: Demo, findings: list[Finding]
) -> None:
    """The weekend shift the scan finds is the planted action's effect (kundepuls.actions)."""
    from kundepuls.actions import service as actions
    from kundepuls.actions.schemas import ActionCreate

    (shift,) = [
        f for f in findings
        if f.kpi == "first_response_hours" and f.dim == "weekend" and f.kind == "level_shift"
    ]  # fmt: skip
    engine = make_engine(demo.url)
    with session_scope(engine) as session:
        action = actions.add_action(
            session,
            ActionCreate(
                title=demo.planted.improvement_name,
                kpi="first_response_hours",
                start_date=demo.planted.improvement_start,
                segment="weekend=true",
                compare="weekend=false",
                status="done",
                findings=[shift.id],
            ),
        )
        effect = actions.measure_effect(
            session, action.id, tz=demo.settings.tz, today=LAST_DAY + timedelta(days=1)
        )
        session.rollback()  # the shared demo store keeps no action
    engine.dispose()
    measured = effect.before_after
    assert measured is not None
    assert measured.significant
    assert measured.effect < 0
    # Both estimate the same fall; their intervals overlap.
    assert measured.ci_low <= shift.ci_high
    assert shift.ci_low <= measured.ci_high


def test_one_series_for_an_alert_rule_weekly_and_daily(demo: Demo) -> None:
    planted = demo.planted
    region = ("region", planted.falling_region)
    weekly = anomalies.scan_series(None, demo.settings, "nps", segment=region)
    assert weekly.kind == "level_shift"
    (fall,) = weekly.findings()
    assert fall.since is not None
    assert abs((fall.since - planted.fall_start).days) <= 28
    daily = anomalies.scan_series(
        None, demo.settings, "first_response_hours", segment=("weekend", "true"), grain="day"
    )
    (shift,) = [t for t in daily.findings() if t.kind == "level_shift"]
    assert shift.size < 0
    assert abs((shift.since - planted.improvement_start).days) <= 7
    quiet = anomalies.scan_series(None, demo.settings, "csat", segment=("region", "Oslo"))
    assert quiet.kind is None
