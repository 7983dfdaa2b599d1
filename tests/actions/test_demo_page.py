"""The demo records its planted weekend staffing as an action, and /actions shows a measured
effect that agrees with the generator's planted one (SQLite and PostgreSQL)."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import sqlalchemy as sa

from kundepuls.actions import service
from kundepuls.db import make_engine, session_scope
from kundepuls.demo import planted as planted_constants
from kundepuls.facts.models import Ticket
from kundepuls.kit.times import local_midnight
from tests.actions.conftest import Demo
from tests.pages_support import app_client, chart_json, cheap_hashes, log_in, text_of

TZ = ZoneInfo("Europe/Oslo")


def test_the_demo_shows_its_planted_improvement_as_an_action_that_worked(
    demo_store: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = demo_store.planted
    engine = make_engine(demo_store.url)
    with session_scope(engine) as session:
        (action,) = service.list_actions(session)
        assert (action.title, action.kpi) == (planted.improvement_name, planted.improvement_kpi)
        assert action.start_date == planted.improvement_start
        assert (action.segment, action.compare) == ("weekend=true", "weekend=false")
        effect = service.measure_effect(session, action.id, tz=TZ)
        action_id = action.id
    tickets = pd.read_sql(sa.select(Ticket.created_at, Ticket.first_response_at), engine)
    engine.dispose()
    did = effect.difference_in_differences
    assert did is not None
    assert did.significant
    assert effect.verdict == "improved"
    # The planted effect over the same windows: weekends went from 2.0× to 1.2× the weekday
    # time, so the weekend-minus-weekday gap moved by 0.2·W_after − 1.0·W_before.
    created = pd.to_datetime(tickets["created_at"], utc=True)
    answered = pd.to_datetime(tickets["first_response_at"], utc=True)
    hours = (answered - created).dt.total_seconds() / 3600
    weekday = created.dt.tz_convert(TZ).dt.day_of_week < 5
    lower, begin, end = (local_midnight(d, TZ) for d in (
        effect.before_start, effect.start, effect.after_end + timedelta(days=1)))  # fmt: skip
    w_before = hours[weekday & (created >= lower) & (created < begin)].mean()
    w_after = hours[weekday & (created >= begin) & (created < end)].mean()
    truth = (planted_constants.WEEKEND_FIRST_RESPONSE_FACTOR_AFTER - 1) * w_after - (
        planted_constants.WEEKEND_FIRST_RESPONSE_FACTOR_BEFORE - 1) * w_before  # fmt: skip
    assert did.ci_low <= truth <= did.ci_high

    cheap_hashes(monkeypatch)
    with app_client(demo_store.url) as client:
        log_in(client, demo_store.url, "viewer")
        page = client.get("/actions").text
        row = re.search(rf'<tr id="action-{action_id}"[^>]*>', page)
        assert row
        assert 'data-outcome="worked"' in row.group(0)
        assert f'data-effect="{did.effect}"' in row.group(0)
        detail = client.get(f"/actions/{action_id}").text
    assert "Virket" in text_of(detail)
    assert "Helgebemanning i kundeservice" in text_of(detail)
    series = {s["group"]: s for s in chart_json(detail)["series"]}
    assert set(series) == {"treated", "compare"}
