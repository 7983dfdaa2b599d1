"""Alert rules end to end: real store, real SMTP and HTTP receivers on loopback."""

from datetime import timedelta

import numpy as np
import pytest
from scipy import stats as sps
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kundepuls.alerts import delivery, service, tasks
from kundepuls.alerts.models import AlertDelivery, AlertEvent
from kundepuls.alerts.schemas import AlertRuleCreate
from kundepuls.config import Settings
from kundepuls.kit.errors import NotFoundError, UsageError
from tests.alerts.conftest import NOW, answers, point_at
from tests.cases.conftest import Receiver, free_port, serve
from tests.surveys.factories import SMTPServer, text_part

LOW = [0] * 60 + [9] * 20 + [7] * 20  # NPS -40 over 100 answers
HIGH = [10] * 70 + [8] * 20 + [3] * 10  # NPS +60


def _rule(session: Session, settings: Settings, receiver: Receiver, **fields: object) -> int:
    data = {
        "kpi": "nps",
        "kind": "threshold",
        "direction": "below",
        "threshold": 0.0,
        "emails": ["leder@butikk.no"],
        "webhook_url": receiver.url,
        **fields,
    }
    rule = service.add_rule(session, settings, AlertRuleCreate.model_validate(data))
    session.commit()
    return rule.id


def _events(session: Session) -> list[AlertEvent]:
    session.expire_all()
    return list(session.scalars(select(AlertEvent).order_by(AlertEvent.id)))


def _run(engine: Engine, settings: Settings, now: object = NOW) -> None:
    """One pass of the job: evaluate then deliver, as the worker does."""
    tasks.evaluate_rules(now)  # type: ignore[arg-type]


def test_one_alert_per_episode_and_one_resolved_message(
    session: Session, engine: Engine, settings: Settings, smtp: SMTPServer, receiver: Receiver
) -> None:
    _rule(session, settings, receiver, lang="en")
    answers(session, LOW, days_ago=2)
    for _ in range(3):  # the same bad numbers, evaluated again and again
        _run(engine, settings)
    assert [e.kind for e in _events(session)] == ["fired"]
    assert len(receiver.bodies) == 1
    assert len(smtp.inbox.messages) == 1
    body = receiver.bodies[0]
    assert body["event"] == "alert.fired"
    assert body["text"].startswith("NPS is below 0.0: -40.0 (95 % CI")
    link = "http://kp.test/kpis/nps?from=2026-06-09&to=2026-06-15"
    assert link in body["text"]
    assert body["data"]["link"] == link
    assert body["data"]["n"] == 100
    mail = smtp.inbox.messages[0]
    assert mail["Subject"] == "[kundepuls] Alert: nps threshold"
    assert link in text_part(mail)

    answers(session, HIGH * 3, days_ago=1)  # recovers: NPS (-40 + 3 × 60) / 4 = 35
    for _ in range(3):
        _run(engine, settings)
    assert [e.kind for e in _events(session)] == ["fired", "resolved"]
    assert [b["event"] for b in receiver.bodies] == ["alert.fired", "alert.resolved"]
    assert receiver.bodies[1]["text"].startswith("Resolved: NPS is no longer below 0.0: 35.0")
    assert len(smtp.inbox.messages) == 2

    answers(session, LOW * 10, days_ago=0.5)  # a second episode gets its own alert
    _run(engine, settings)
    assert [(e.kind, e.episode) for e in _events(session)] == [
        ("fired", 1), ("resolved", 1), ("fired", 2),
    ]  # fmt: skip


def test_never_alerts_from_a_low_sample_segment(
    session: Session, engine: Engine, settings: Settings, receiver: Receiver
) -> None:
    _rule(session, settings, receiver, where=["channel=sms"])
    answers(session, HIGH, days_ago=1)  # plenty of email answers, all fine
    answers(session, [0] * 12, days_ago=1, channel="sms")  # 12 furious sms answers
    checks = service.evaluate_all(session, settings, NOW)
    session.commit()
    assert checks[0].status == "low_sample"
    assert "n = 12 < 30" in checks[0].explanation
    tasks.deliver_alerts(NOW)
    assert _events(session) == []
    assert receiver.bodies == []


def test_the_whole_interval_must_be_beyond_the_threshold(
    session: Session, settings: Settings, receiver: Receiver
) -> None:
    # NPS -10 with n = 40: the interval reaches well above -5, so nothing fires yet.
    _rule(session, settings, receiver, threshold=-5.0)
    answers(session, [0] * 14 + [9] * 10 + [7] * 16, days_ago=1)
    check = service.evaluate_all(session, settings, NOW)[0]
    assert check.status == "hold"
    assert check.outcome == "none"
    assert check.decision["value"] == pytest.approx(-10.0)
    assert check.decision["ci_high"] > -5.0


def test_a_significant_fall_from_the_previous_period_fires_with_scipy_p(
    session: Session, settings: Settings, receiver: Receiver
) -> None:
    _rule(session, settings, receiver, kind="change", direction="worse", threshold=None)
    before, after = HIGH * 2, LOW
    answers(session, before, days_ago=10)  # the previous 7-day window
    answers(session, after, days_ago=2)
    check = service.evaluate_all(session, settings, NOW)[0]
    assert check.outcome == "fired"
    # Independent check: NPS as the mean of +1/0/-1 scores, z test with unpooled variances.
    a = np.array([1 if s >= 9 else -1 if s <= 6 else 0 for s in after], dtype=float)
    b = np.array([1 if s >= 9 else -1 if s <= 6 else 0 for s in before], dtype=float)
    se = np.sqrt(a.var() / len(a) + b.var() / len(b))
    z = (a.mean() - b.mean()) / se
    assert check.decision["extra"]["diff"] == pytest.approx(100 * (a.mean() - b.mean()))
    assert check.decision["extra"]["p_value"] == pytest.approx(2 * sps.norm.sf(abs(z)))
    assert "har falt med 100,0" in (check.text or "")


def test_a_change_in_the_unwatched_direction_does_not_fire(
    session: Session, settings: Settings, receiver: Receiver
) -> None:
    _rule(session, settings, receiver, kind="change", direction="worse", threshold=None)
    answers(session, LOW, days_ago=10)
    answers(session, HIGH, days_ago=2)
    assert service.evaluate_all(session, settings, NOW)[0].outcome == "none"


def test_deliveries_are_retried_until_the_receivers_come_up(
    session: Session,
    engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smtp = SMTPServer()  # not started yet: its port refuses connections
    settings = point_at(monkeypatch, smtp.port)
    down = Receiver(url="", port=free_port())
    down.url = f"http://127.0.0.1:{down.port}/hook"
    _rule(session, settings, down)
    answers(session, LOW, days_ago=1)
    service.evaluate_all(session, settings, NOW)
    session.commit()
    assert delivery.deliver_due(engine, settings, NOW) == {"sent": 0, "retry": 2, "failed": 0}
    # Not due again before the back-off has passed.
    assert delivery.deliver_due(engine, settings, NOW + timedelta(seconds=30))["retry"] == 0
    smtp.start()
    server = serve(down)
    try:
        later = NOW + timedelta(minutes=2)
        assert delivery.deliver_due(engine, settings, later) == {"sent": 2, "retry": 0, "failed": 0}
        assert delivery.deliver_due(engine, settings, later + timedelta(hours=1))["sent"] == 0
    finally:
        server.shutdown()
        server.server_close()
        smtp.stop()
    assert len(down.bodies) == 1
    assert len(smtp.inbox.messages) == 1
    session.expire_all()
    rows = session.scalars(select(AlertDelivery)).all()
    assert {(d.status, d.attempts) for d in rows} == {("sent", 2)}


def test_a_second_evaluator_finds_the_episode_already_announced(
    session: Session, engine: Engine, settings: Settings, receiver: Receiver
) -> None:
    _rule(session, settings, receiver)
    answers(session, LOW, days_ago=1)
    from kundepuls.db import session_factory

    first, second = session_factory(engine)(), session_factory(engine)()
    with first, second:
        # Both read the state as "ok" before either writes.
        service.evaluate_all(second, settings, NOW, dry_run=True)
        service.evaluate_all(first, settings, NOW)
        first.commit()
        checks = service.evaluate_all(second, settings, NOW)
        second.commit()
    assert checks[0].outcome == "none"
    count = session.scalar(select(func.count()).select_from(AlertEvent))
    assert count == 1


def test_rules_are_checked_with_clear_errors(session: Session, settings: Settings) -> None:
    def add(**fields: object) -> None:
        data = {"kpi": "nps", "kind": "threshold", "threshold": 10, "direction": "below",
                "emails": ["a@b.no"], **fields}  # fmt: skip
        service.add_rule(session, settings, AlertRuleCreate.model_validate(data))

    with pytest.raises(NotFoundError, match="unknown KPI 'npss'"):
        add(kpi="npss")
    with pytest.raises(UsageError, match="threshold: a threshold rule needs a value"):
        add(threshold=None)
    with pytest.raises(UsageError, match="emails: 'nobody' is not an email address"):
        add(emails=["nobody"])
    with pytest.raises(UsageError, match="at least one receiver"):
        add(emails=[])
    with pytest.raises(UsageError, match="webhook_url: 'ftp://x' is not an http"):
        add(webhook_url="ftp://x")
    with pytest.raises(UsageError, match="threshold: a change rule takes no value"):
        add(kind="change")
    with pytest.raises(UsageError, match="DIM=VALUE"):
        add(where=["region"])
    with pytest.raises(NotFoundError, match="rule 99"):
        service.remove_rule(session, 99)


def test_an_unknown_dimension_is_refused_when_the_rule_is_added(
    session: Session, settings: Settings
) -> None:
    data = {"kpi": "nps", "kind": "change", "emails": ["a@b.no"], "where": ["regoin=Nord"]}
    with pytest.raises(UsageError, match="regoin"):
        service.add_rule(session, settings, AlertRuleCreate.model_validate(data))
