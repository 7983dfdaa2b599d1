"""The measured effect on the demo's planted weekend staffing, and on a date without change."""

from collections.abc import Iterator
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
import statsmodels.formula.api as smf
from sqlalchemy.orm import Session

from kundepuls.actions import repository, service
from kundepuls.actions.schemas import ActionCreate
from kundepuls.db import make_engine, session_factory
from kundepuls.demo import planted as planted_constants
from kundepuls.facts.models import Ticket
from kundepuls.kit.times import local_midnight
from tests.actions.conftest import TODAY, Demo

TZ = ZoneInfo("Europe/Oslo")
BEFORE_DAYS = 365


@pytest.fixture
def demo_session(demo_store: Demo) -> Iterator[Session]:
    engine = make_engine(demo_store.url)
    with session_factory(engine)() as session:
        yield session
        session.rollback()  # actions added by a test do not reach the next one
    engine.dispose()


def _weekend_action(session: Session, start: date, end: date | None = None, **extra: object) -> int:
    data = ActionCreate(
        title="Helgebemanning",
        kpi="first_response_hours",
        start_date=start,
        end_date=end,
        segment="weekend=true",
        compare="weekend=false",
        **extra,  # type: ignore[arg-type]
    )
    return service.add_action(session, data).id


def _tickets(session: Session) -> pd.DataFrame:
    """Each ticket's first-response hours and local weekend flag, read independently."""
    frame = pd.read_sql(
        sa.select(Ticket.created_at, Ticket.first_response_at), session.connection()
    )
    frame = frame.dropna()
    created = pd.to_datetime(frame["created_at"], utc=True)
    frame["hours"] = (
        pd.to_datetime(frame["first_response_at"], utc=True) - created
    ).dt.total_seconds() / 3600
    frame["at"] = created
    frame["weekend"] = created.dt.tz_convert(TZ).dt.day_of_week >= 5
    return frame


def test_planted_constants_are_the_ones_this_test_assumes(demo_store: Demo) -> None:
    assert demo_store.planted.improvement_kpi == "first_response_hours"
    assert demo_store.planted.improvement_start == TODAY - timedelta(days=150)
    assert planted_constants.WEEKEND_FIRST_RESPONSE_FACTOR_BEFORE == 2.0
    assert planted_constants.WEEKEND_FIRST_RESPONSE_FACTOR_AFTER == 1.2


def test_weekend_staffing_is_found_with_its_planted_size(
    demo_store: Demo, demo_session: Session
) -> None:
    start = demo_store.planted.improvement_start
    action_id = _weekend_action(demo_session, start)
    result = service.measure_effect(
        demo_session, action_id, tz=TZ, before_days=BEFORE_DAYS, today=TODAY
    )
    did = result.difference_in_differences
    assert did is not None
    assert result.headline == "difference_in_differences"
    # The planted effect in hours: weekends went from 2.0× to 1.2× the weekday time, so
    # the weekend-minus-weekday gap changed by 0.2·W_after − 1.0·W_before, where W is the
    # weekday mean of each period (the generator's factors applied to the weekday level).
    t = _tickets(demo_session)
    begin, lower = local_midnight(start, TZ), local_midnight(start - timedelta(BEFORE_DAYS), TZ)
    end = local_midnight(TODAY, TZ)
    weekday = t[~t["weekend"]]
    w_before = weekday.loc[(weekday["at"] >= lower) & (weekday["at"] < begin), "hours"].mean()
    w_after = weekday.loc[(weekday["at"] >= begin) & (weekday["at"] < end), "hours"].mean()
    planted = (planted_constants.WEEKEND_FIRST_RESPONSE_FACTOR_AFTER - 1) * w_after - (
        planted_constants.WEEKEND_FIRST_RESPONSE_FACTOR_BEFORE - 1
    ) * w_before
    assert planted < 0
    assert did.effect < 0
    assert did.significant
    assert did.ci_low <= planted <= did.ci_high
    assert result.verdict == "improved"
    assert "improved" in result.message
    assert "weekend=false" in result.message


def test_a_start_date_where_nothing_changed_shows_no_significant_effect(
    demo_session: Session,
) -> None:
    # Spring, away from the Christmas rush and well before the planted staffing change.
    start, end = TODAY - timedelta(days=240), TODAY - timedelta(days=160)
    action_id = _weekend_action(demo_session, start, end, expected_effect=-2.0)
    result = service.measure_effect(demo_session, action_id, tz=TZ, today=TODAY)
    for estimate in (result.difference_in_differences, result.interrupted_time_series):
        assert estimate is not None
        assert not estimate.significant
    assert result.verdict in ("no_change", "cannot_tell")


def _rows(session: Session, start: date, end: date, before_days: int) -> pd.DataFrame:
    rows = repository.unit_rows(
        session,
        "first_response_hours",
        local_midnight(start - timedelta(before_days), TZ),
        local_midnight(end, TZ),
        ["weekend"],
        TZ,
    )
    rows["after"] = (rows["at"] >= local_midnight(start, TZ)).astype(int)
    rows["treated"] = (rows["weekend"] == "true").astype(int)
    rows["days"] = (rows["at"] - local_midnight(start, TZ)).dt.total_seconds() / 86400
    rows["dow"] = rows["at"].dt.tz_convert(TZ).dt.day_of_week
    return rows


def test_did_and_its_equal_statsmodels_formula_ols(demo_store: Demo, demo_session: Session) -> None:
    start = demo_store.planted.improvement_start
    action_id = _weekend_action(demo_session, start)
    result = service.measure_effect(demo_session, action_id, tz=TZ, before_days=200, today=TODAY)
    rows = _rows(demo_session, start, TODAY, 200)
    did = smf.ols("value ~ treated * after", data=rows).fit(cov_type="HC1")
    low, high = did.conf_int().loc["treated:after"]
    ours = result.difference_in_differences
    assert ours is not None
    assert ours.effect == pytest.approx(did.params["treated:after"], rel=1e-9)
    assert (ours.ci_low, ours.ci_high) == pytest.approx((low, high), rel=1e-9)
    assert ours.p_value == pytest.approx(did.pvalues["treated:after"], rel=1e-6)
    weekend = rows[rows["treated"] == 1]
    its = smf.ols("value ~ after + days + C(dow)", data=weekend).fit(cov_type="HC1")
    mine = result.interrupted_time_series
    assert mine is not None
    # The chart's weekly points hold every unit once, each week starting on a Monday.
    treated_weeks = [p for p in result.weekly if p.group == "treated"]
    assert sum(p.n for p in treated_weeks) == mine.n_before + mine.n_after
    assert {p.week_start.weekday() for p in result.weekly} == {0}
    assert mine.effect == pytest.approx(its.params["after"], rel=1e-9)
    assert mine.p_value == pytest.approx(its.pvalues["after"], rel=1e-6)
    # Before/after is the plain Welch comparison of the weekend tickets.
    before, after = (
        weekend.loc[weekend.after == 0, "value"],
        weekend.loc[weekend.after == 1, "value"],
    )
    assert result.before_after is not None
    assert result.before_after.effect == pytest.approx(after.mean() - before.mean())


def test_thin_data_says_how_many_more_answers_are_needed(demo_session: Session) -> None:
    data = ActionCreate(
        title="Ny takkemail", kpi="csat", start_date=TODAY - timedelta(days=14),
        segment="weekend=true", expected_effect=5.0,
    )  # fmt: skip
    action_id = service.add_action(demo_session, data).id
    result = service.measure_effect(demo_session, action_id, tz=TZ, today=TODAY)
    assert result.verdict == "cannot_tell"
    if result.more_needed is None:  # fewer than the minimum: said as plainly
        assert "Too little data" in result.message
    else:
        assert result.more_needed > 0
        assert f"about {result.more_needed} more answers needed" in result.message


def test_nps_units_are_per_respondent_scores(demo_session: Session) -> None:
    rows = repository.unit_rows(
        demo_session,
        "nps",
        local_midnight(TODAY - timedelta(60), TZ),
        local_midnight(TODAY, TZ),
        [],
        TZ,
    )
    assert set(np.unique(rows["value"])) <= {-100.0, 0.0, 100.0}
    assert len(rows) > 30


def test_the_same_action_measures_csat_next_to_first_response(
    demo_store: Demo, demo_session: Session
) -> None:
    start = demo_store.planted.improvement_start
    action_id = _weekend_action(demo_session, start, expected_effect=-2.0)
    result = service.measure_effect(
        demo_session, action_id, tz=TZ, today=TODAY, before_days=BEFORE_DAYS, kpi="csat"
    )
    assert result.kpi == "csat"
    did = result.difference_in_differences
    assert did is not None
    assert did.ci_low < did.effect < did.ci_high
    rows = repository.unit_rows(
        demo_session, "csat", local_midnight(start, TZ), local_midnight(TODAY, TZ), ["weekend"], TZ
    )
    weekend = rows[rows["weekend"] == "true"]
    assert result.mean_after == pytest.approx(weekend["value"].mean())
    assert set(weekend["value"]) <= {0.0, 100.0}
    # The action's -2 (hours) does not apply to CSAT; an expected CSAT change does.
    assert result.more_needed is None or result.verdict == "improved"
    planned = service.measure_effect(
        demo_session, action_id, tz=TZ, today=TODAY, before_days=BEFORE_DAYS, kpi="csat",
        expected=30.0,
    )  # fmt: skip
    assert planned.verdict in ("no_change", "improved")
