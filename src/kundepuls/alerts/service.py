"""Alert use cases: manage rules, evaluate them into one event per episode, list events.

A rule's state per segment is ``ok`` or ``firing``. An evaluation that finds the KPI wrong
while the state is ``ok`` opens an episode: one ``fired`` event and its deliveries. Later
evaluations that still find it wrong say nothing; the first that finds it right again
writes one ``resolved`` event. Low samples and unclear cases leave the state alone.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlparse

from sqlalchemy.orm import Session

from kundepuls.alerts import evaluate, repository
from kundepuls.alerts.messages import Message, compose
from kundepuls.alerts.models import AlertDelivery, AlertEvent, AlertRule, AlertState
from kundepuls.alerts.schemas import AlertCheck, AlertRuleCreate
from kundepuls.alerts.texts import t
from kundepuls.config import Settings
from kundepuls.kit.errors import NotFoundError, UsageError
from kundepuls.kpis import service as kpis
from kundepuls.kpis.dimensions import parse_where

log = logging.getLogger(__name__)


def _check(data: AlertRuleCreate, session: Session, settings: Settings) -> str:
    """The canonical segment of a valid rule; a clear error naming the field otherwise."""
    kpis.registry(session, settings).get(data.kpi)
    pairs = sorted(parse_where(data.where))
    if any(";" in f"{k}{v}" for k, v in pairs):
        raise UsageError("where: a segment's names and values cannot contain ';'")
    if data.kind == "threshold":
        if data.threshold is None:
            raise UsageError("threshold: a threshold rule needs a value (--below X or --above X)")
        if data.direction not in ("below", "above"):
            raise UsageError("direction: a threshold rule is 'below' or 'above' its value")
    elif data.threshold is not None:
        raise UsageError(f"threshold: a {data.kind} rule takes no value (--below/--above)")
    if not data.emails and not data.webhook_url:
        raise UsageError("emails/webhook_url: give at least one receiver (--email or --webhook)")
    for address in data.emails:
        if "@" not in address or " " in address.strip():
            raise UsageError(f"emails: {address!r} is not an email address")
    if data.webhook_url:
        url = urlparse(data.webhook_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise UsageError(f"webhook_url: {data.webhook_url!r} is not an http(s) URL")
    segment = ";".join(f"{k}={v}" for k, v in pairs)
    # Computing the KPI on an empty day checks every dimension of the segment now, not at
    # the first evaluation.
    probe = kpis.make_query(
        start="1970-01-01", end="1970-01-01", where=[f"{k}={v}" for k, v in pairs]
    )
    kpis.show(session, settings, data.kpi, probe)
    return segment


def add_rule(session: Session, settings: Settings, data: AlertRuleCreate) -> AlertRule:
    """Store a new rule after checking its KPI, segment and receivers."""
    segment = _check(data, session, settings)
    default_name = f"{data.kpi} {data.kind}" + (f" ({segment})" if segment else "")
    rule = AlertRule(
        name=data.name or default_name,
        kpi=data.kpi,
        segment=segment,
        kind=data.kind,
        direction=data.direction,
        threshold=data.threshold,
        window_days=data.window_days,
        emails=",".join(a.strip() for a in data.emails) or None,
        webhook_url=data.webhook_url,
        webhook_secret=data.webhook_secret,
        lang=data.lang,
    )
    session.add(rule)
    session.flush()
    return rule


def list_rules(session: Session) -> Sequence[AlertRule]:
    return repository.rules(session)


def remove_rule(session: Session, rule_id: int) -> None:
    """Delete a rule with its state, events and deliveries."""
    rule = repository.rule(session, rule_id)
    if rule is None:
        raise NotFoundError(f"rule {rule_id}: no such alert rule")
    session.delete(rule)
    session.flush()


def list_events(
    session: Session, rule_id: int | None = None, limit: int = 100
) -> Sequence[AlertEvent]:
    return repository.events(session, rule_id, limit)


def receivers(rule: AlertRule) -> list[tuple[str, str]]:
    """(channel, target) of every receiver of ``rule``."""
    found = [("email", a.strip()) for a in (rule.emails or "").split(",") if a.strip()]
    if rule.webhook_url:
        found.append(("webhook", rule.webhook_url))
    return found


def _outcome(decision: evaluate.Decision, state: str) -> str:
    if decision.status == evaluate.FIRING and state == "ok":
        return "fired"
    if decision.status == evaluate.OK and state == "firing":
        return "resolved"
    return "none"


def _explain(decision: evaluate.Decision, state: str, outcome: str, lang: str,
             settings: Settings) -> str:  # fmt: skip
    if decision.status == evaluate.LOW_SAMPLE:
        return t(lang, "low_sample", n=decision.n, min=settings.min_sample)
    if decision.status == evaluate.NO_DATA:
        return t(lang, "no_data")
    if decision.status == evaluate.HOLD:
        return t(lang, "hold", state=state)
    if outcome == "fired":
        return t(lang, "would_fire")
    if outcome == "resolved":
        return t(lang, "would_resolve")
    return t(lang, "still", state=state)


def _record(
    session: Session,
    rule: AlertRule,
    state: AlertState,
    kind: str,
    message: Message,
    decision: evaluate.Decision,
    now: datetime,
) -> AlertEvent:
    event = AlertEvent(
        rule_id=rule.id, segment=rule.segment, episode=state.episode, kind=kind, at=now,
        subject=message.subject, text=message.text, link=message.link,
        data={"kpi": rule.kpi, "rule": rule.name, **decision.record()},
    )  # fmt: skip
    session.add(event)
    session.flush()
    for channel, target in receivers(rule):
        session.add(AlertDelivery(event_id=event.id, channel=channel, target=target,
                                  next_attempt_at=now))  # fmt: skip
    session.flush()
    return event


def apply(
    session: Session,
    settings: Settings,
    rule: AlertRule,
    decision: evaluate.Decision,
    now: datetime,
    dry_run: bool = False,
) -> AlertCheck:
    """Move the rule's state by ``decision`` and record the event (unless ``dry_run``)."""
    state = repository.state(session, rule.id, rule.segment, create=not dry_run)
    current = state.state if state else "ok"
    outcome = _outcome(decision, current)
    kpi = kpis.registry(session, settings).get(rule.kpi)
    message = compose(rule, decision, outcome, kpi, settings) if outcome != "none" else None
    check = AlertCheck(
        rule_id=rule.id, name=rule.name, status=decision.status, state=current,
        outcome=outcome, explanation=_explain(decision, current, outcome, rule.lang, settings),
        subject=message.subject if message else None, text=message.text if message else None,
        decision=decision.record(),
    )  # fmt: skip
    if dry_run or state is None:
        return check
    state.evaluated_at, state.last = now, decision.record()
    session.flush()
    if message is None:
        return check
    to = "firing" if outcome == "fired" else "ok"
    episode = state.episode + 1 if outcome == "fired" else state.episode
    if not repository.transition(session, state, to, episode, now):
        check.outcome = "none"  # another evaluator announced it first
        return check
    _record(session, rule, state, outcome, message, decision, now)
    return check


def evaluate_all(
    session: Session,
    settings: Settings,
    now: datetime | None = None,
    dry_run: bool = False,
    rule_id: int | None = None,
) -> list[AlertCheck]:
    """Evaluate every active rule (or the one given); a rule that fails is logged and skipped.

    Every KPI is computed before this transaction writes anything: on the embedded store the
    engine reads the SQLite file beside the session, and a SQLite transaction that read
    before such a read cannot write after it ("database is locked").
    """
    now = now or datetime.now(UTC)
    chosen = list(repository.rules(session, active_only=rule_id is None))
    if rule_id is not None:
        chosen = [r for r in chosen if r.id == rule_id]
        if not chosen:
            raise NotFoundError(f"rule {rule_id}: no such alert rule")
    decided = []
    for rule in chosen:
        try:
            decided.append((rule, evaluate.decide(session, settings, rule, now)))
        except Exception as error:  # one broken rule must not silence the others
            if rule_id is not None:
                raise
            log.warning("alert rule %s skipped: %s", rule.id, error)
    checks = []
    for rule, decision in decided:
        with session.begin_nested():
            checks.append(apply(session, settings, rule, decision, now, dry_run))
    return checks
