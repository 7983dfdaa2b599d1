"""Anomaly rules through the insights engine's series test."""

from datetime import timedelta

import numpy as np
from sqlalchemy.orm import Session

from kundepuls.alerts import service
from kundepuls.alerts.schemas import AlertRuleCreate
from kundepuls.config import Settings
from tests.alerts.conftest import NOW, answers

RNG = np.random.default_rng(7)


def _normal_day() -> list[int]:
    # NPS about +40: 55 % promoters, 30 % passives, 15 % detractors.
    return [int(s) for s in RNG.choice([10, 8, 3], size=60, p=[0.55, 0.30, 0.15])]


def test_an_unusual_day_fires_once_and_resolves_when_days_are_normal(
    session: Session, settings: Settings
) -> None:
    rule = service.add_rule(
        session,
        settings,
        AlertRuleCreate(
            kpi="nps",
            kind="anomaly",
            window_days=1,
            lang="en",
            webhook_url="http://127.0.0.1:9/hook",
        ),
    )
    session.commit()
    for days_ago in range(1, 60):
        answers(session, _normal_day(), days_ago=days_ago + 0.1)
    answers(session, [0] * 45 + [10] * 15, days_ago=0.1)  # today: NPS −50
    first = service.evaluate_all(session, settings, NOW)[0]
    session.commit()
    assert first.outcome == "fired", first.explanation
    assert first.decision["extra"]["q_value"] < 0.05
    assert first.decision["value"] == -50.0
    assert (first.text or "").startswith("NPS is unusually low: -50.0 (expected")
    again = service.evaluate_all(session, settings, NOW + timedelta(hours=1))[0]
    session.commit()
    assert again.outcome == "none"
    tomorrow = NOW + timedelta(days=1)
    answers(session, _normal_day(), days_ago=0.1, now=tomorrow)
    resolved = service.evaluate_all(session, settings, tomorrow)[0]
    assert resolved.outcome == "resolved", resolved.explanation
    assert rule.id == resolved.rule_id


def test_a_good_surprise_is_not_watched_by_default(session: Session, settings: Settings) -> None:
    service.add_rule(
        session, settings,
        AlertRuleCreate(kpi="nps", kind="anomaly", window_days=1, emails=["a@b.no"]),
    )  # fmt: skip
    session.commit()
    for days_ago in range(1, 60):
        answers(session, _normal_day(), days_ago=days_ago + 0.1)
    answers(session, [10] * 60, days_ago=0.1)  # today: NPS +100, better than ever
    assert service.evaluate_all(session, settings, NOW)[0].outcome == "none"


def test_a_long_window_is_judged_week_by_week(session: Session, settings: Settings) -> None:
    service.add_rule(
        session, settings,
        AlertRuleCreate(kpi="nps", kind="anomaly", window_days=28, emails=["a@b.no"]),
    )  # fmt: skip
    for weeks_ago in range(1, 30):
        answers(session, _normal_day(), days_ago=3 + 7 * weeks_ago)
    answers(session, [0] * 45 + [10] * 15, days_ago=3)  # the last complete week: NPS −50
    answers(session, [0] * 5, days_ago=0.2)  # the week in progress is not judged
    check = service.evaluate_all(session, settings, NOW)[0]
    assert check.outcome == "fired", check.explanation
    assert check.decision["extra"]["day"] == "2026-06-08"
    assert "NPS er uvanlig lav: −50,0" in (check.text or "")
