"""ORM tables of alerts: rules, the state of each rule, its events and their deliveries."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Attributes, Base, UTCDateTime

RULE_KINDS = ("threshold", "change", "anomaly")
STATES = ("ok", "firing")


def _now() -> datetime:
    return datetime.now(UTC)


class AlertRule(Base):
    """What to watch: one KPI, optionally one segment, and how to decide it is wrong."""

    __tablename__ = "alert_rules"
    __table_args__ = (
        CheckConstraint("kind IN ('threshold', 'change', 'anomaly')", name="kind"),
        CheckConstraint("direction IN ('below', 'above', 'worse', 'any')", name="direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kpi: Mapped[str] = mapped_column(String(100), index=True)
    # Canonical "dim=value;dim=value" (sorted), "" for the whole store.
    segment: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(20))
    # threshold: below/above ``threshold``; change and anomaly: worse (by the KPI's
    # direction), below, above or any.
    direction: Mapped[str] = mapped_column(String(10), default="worse")
    threshold: Mapped[float | None] = mapped_column(Float)
    window_days: Mapped[int] = mapped_column(Integer, default=7)
    emails: Mapped[str | None] = mapped_column(Text)  # comma-separated addresses
    webhook_url: Mapped[str | None] = mapped_column(String(1000))
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(5), default="nb")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class AlertState(Base):
    """Whether a rule is firing for a segment now; one row per rule and segment.

    ``episode`` counts the times it started firing, so an event is unique per episode and
    a second evaluator that raced the first cannot announce the same episode twice.
    """

    __tablename__ = "alert_states"
    __table_args__ = (
        UniqueConstraint("rule_id", "segment", name="uq_alert_states_rule_segment"),
        CheckConstraint("state IN ('ok', 'firing')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"))
    segment: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(10), default="ok")
    episode: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last: Mapped[dict[str, Any]] = mapped_column(Attributes, default=dict)


class AlertEvent(Base):
    """A rule started firing ("fired") or recovered ("resolved"): what is announced."""

    __tablename__ = "alert_events"
    __table_args__ = (
        UniqueConstraint(
            "rule_id", "segment", "episode", "kind", name="uq_alert_events_rule_episode"
        ),
        CheckConstraint("kind IN ('fired', 'resolved')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(
        ForeignKey("alert_rules.id", ondelete="CASCADE"), index=True
    )
    segment: Mapped[str] = mapped_column(String(300), default="")
    episode: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(1000))
    data: Mapped[dict[str, Any]] = mapped_column(Attributes, default=dict)


class AlertDelivery(Base):
    """One event to one receiver (an outbox row): tried until sent or out of attempts."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "channel", "target", name="uq_alert_deliveries_target"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("alert_events.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(10))  # email | webhook
    target: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
