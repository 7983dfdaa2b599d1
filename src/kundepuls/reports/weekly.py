"""The weekly summary email: who gets it, what it says, and sending it once per user and week.

Each (week, user) has one ``report_deliveries`` row. A worker inserts it (the unique key
lets only one worker create it), takes its lease, commits, sends, and marks it sent. A
second run finds the row sent and does nothing; a worker that died mid-send leaves an
expired lease, and the next run sends again with the same Message-ID, which receiving
systems use to drop the duplicate. Temporary SMTP failures are retried on later runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.accounts.models import User
from kundepuls.config import Settings
from kundepuls.db import session_scope
from kundepuls.kit import mail
from kundepuls.kit.errors import NotFoundError, UsageError
from kundepuls.reports import repository, service, view
from kundepuls.reports.periods import Period, parse_period, week_of
from kundepuls.reports.render import fmt_date, period_name, render_template
from kundepuls.reports.texts import TEXTS, language, text

KIND = "weekly"
WEEKLY_KPIS = ["nps", "csat", "first_response_hours", "fcr", "complaint_rate", "aov"]
DEFAULT_ROLES = ("owner", "admin")
SEND_AT = time(7, 0)  # local time on Monday
MAX_ATTEMPTS = 6
RETRY_AFTER = timedelta(minutes=30)


@dataclass
class WeeklyRun:
    """What one run did."""

    week: str
    sent: int = 0
    already: int = 0
    retry: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"week {self.week}: sent {self.sent}, already sent {self.already}, "
            f"retry later {self.retry}, failed {self.failed}"
        )


def due_week(settings: Settings, now: datetime | None = None) -> Period:
    """The week whose summary is due: the last full week, from Monday 07:00 local time."""
    local = (now or datetime.now(UTC)).astimezone(settings.tz)
    shifted = local - timedelta(hours=SEND_AT.hour, minutes=SEND_AT.minute)
    return week_of(shifted.date() - timedelta(days=7))


def choose_week(settings: Settings, week: str | None, now: datetime | None = None) -> Period:
    """The week asked for (``2026-W48``), or the one that is due."""
    if week is None:
        return due_week(settings, now)
    period = parse_period(week)
    if period.kind != "week":
        raise UsageError(f"--week {week!r}: give an ISO week such as 2026-W48")
    return period


def wants_summary(user: User, choice: bool | None) -> bool:
    """A user's own choice decides; without one, owners and admins get the summary."""
    return choice if choice is not None else user.role in DEFAULT_ROLES


def recipients(session: Session) -> list[User]:
    """Active users who get the weekly summary."""
    return [
        user for user, choice in repository.active_users(session) if wants_summary(user, choice)
    ]


def subscribe(session: Session, email: str, weekly: bool, now: datetime | None = None) -> User:
    """Turn the weekly summary on or off for the user with ``email``."""
    user = repository.user_by_email(session, email)
    if user is None:
        raise NotFoundError(f"no user with the email {email!r}")
    repository.save_subscription(session, user.id, weekly, now or datetime.now(UTC))
    return user


def summary_context(
    session: Session, settings: Settings, week: Period, lang: str
) -> dict[str, Any]:
    """What the email shows in ``lang``: the week's KPIs with change, and the findings."""
    report = service.build_report(session, settings, week, lang, WEEKLY_KPIS, with_themes=False)
    lang = report.lang
    before = week.previous()
    rows = [view.kpi_row(line, lang, week.trend_grain, chart=False) for line in report.lines]
    nps = next((row for row in rows if row["key"] == "nps"), rows[0] if rows else None)
    base = settings.base_url.rstrip("/")
    return {
        "lang": lang,
        "t": lambda key, **values: text(key, lang, **values),
        "week": week.start.isocalendar().week,
        "period": period_name(week.kind, week.start, lang),
        "dates": f"{fmt_date(week.start, lang)} – {fmt_date(week.end, lang)}",
        "previous_name": period_name(before.kind, before.start, lang),
        "kpis": rows,
        "headline": f"{nps['label']} {nps['value']} ({nps['change']})" if nps else "",
        "findings": view.finding_rows(report.changes, report.weekend, lang, before),
        "dashboard_url": base + "/",
        "report_url": f"{base}/reports/{week.label}.pdf",
        "min_sample": settings.min_sample,
        "any_low_sample": any(row["low_sample"] for row in rows),
    }


def compose(context: dict[str, Any], user: User, settings: Settings, week: Period) -> mail.Mail:
    """The email to ``user`` from a summary context in their language."""
    role = text(f"role_{user.role}", context["lang"]) if f"role_{user.role}" in TEXTS else user.role
    values = {**context, "name": user.display_name or user.email, "email": user.email,
              "role": role}  # fmt: skip
    subject = text("mail_subject", context["lang"], week=context["week"],
                   headline=context["headline"])  # fmt: skip
    domain = mail.domain_of(settings.mail_from)
    return mail.Mail(
        to=user.email,
        subject=subject,
        text=render_template("reports/weekly_email.txt", **values),
        html=render_template("reports/weekly_email.html", **values),
        message_id=f"<kundepuls-weekly-{week.label}-{user.id}@{domain}>",
        headers={"Auto-Submitted": "auto-generated"},
    )


def preview(session: Session, settings: Settings, week: Period, lang: str | None) -> mail.Mail:
    """The email as the first recipient (or a sample user) would get it, without sending."""
    users = recipients(session)
    user = users[0] if users else User(id=0, email="owner@example.com", display_name="",
                                        role="owner", language=language(lang))  # fmt: skip
    context = summary_context(session, settings, week, language(lang or user.language))
    return compose(context, user, settings, week)


def send_weekly(
    engine: Engine, settings: Settings, week: Period, now: datetime | None = None,
    lease_seconds: float = 300,
) -> WeeklyRun:  # fmt: skip
    """Send the week's summary to every recipient who has not got it yet; safe to rerun."""
    moment = now or datetime.now(UTC)
    run = WeeklyRun(week.label)
    pending = _pending(engine, week, moment, run)
    contexts: dict[str, dict[str, Any]] = {}
    for user_id in pending:
        _deliver(engine, settings, week, user_id, moment, lease_seconds, contexts, run)
    return run


def _pending(engine: Engine, week: Period, moment: datetime, run: WeeklyRun) -> list[int]:
    """Create the missing delivery rows and list the users whose email is not sent."""
    with session_scope(engine) as session:
        done = repository.deliveries(session, KIND, week.label)
        for user in recipients(session):
            if user.id not in done:
                repository.insert_delivery(session, {
                    "kind": KIND, "period": week.label, "user_id": user.id, "email": user.email,
                    "status": "retry", "attempts": 0, "lease_until": moment,
                    "message_id": "", "created_at": moment,
                })  # fmt: skip
        rows = repository.deliveries(session, KIND, week.label)
        run.already = sum(1 for row in rows.values() if row.status == "sent")
        return [uid for uid, row in rows.items() if row.status in ("retry", "sending")]


def _deliver(
    engine: Engine, settings: Settings, week: Period, user_id: int, moment: datetime,
    lease_seconds: float, contexts: dict[str, dict[str, Any]], run: WeeklyRun,
) -> None:  # fmt: skip
    with session_scope(engine) as session:
        row = repository.deliveries(session, KIND, week.label).get(user_id)
        if row is None or row.lease_until > moment:
            return  # another worker holds it, or it waits for its retry
        lease = moment + timedelta(seconds=lease_seconds)
        if not repository.claim_delivery(session, row.id, moment, lease):
            return
        user = session.get(User, user_id)
        if user is None or not user.active:
            repository.finish_delivery(
                session, row.id, {"status": "failed", "last_error": "user inactive"}
            )
            return
        lang = language(user.language)
        if lang not in contexts:
            contexts[lang] = summary_context(session, settings, week, lang)
        message = compose(contexts[lang], user, settings, week)
        attempts = row.attempts + 1
        repository.finish_delivery(
            session, row.id, {"attempts": attempts, "message_id": message.message_id}
        )
    _send(engine, settings, row.id, message, attempts, moment, run)


def _send(engine: Engine, settings: Settings, delivery_id: int, message: mail.Mail,
          attempts: int, moment: datetime, run: WeeklyRun) -> None:  # fmt: skip
    values: dict[str, Any]
    try:
        mail.send(message, settings)
    except mail.TemporaryMailError as error:
        final = attempts >= MAX_ATTEMPTS
        values = {"status": "failed" if final else "retry", "last_error": str(error)[:500],
                  "lease_until": moment + RETRY_AFTER * attempts}  # fmt: skip
        run.failed += final
        run.retry += not final
    except mail.PermanentMailError as error:
        values = {"status": "failed", "last_error": str(error)[:500]}
        run.failed += 1
    else:
        values = {"status": "sent", "sent_at": datetime.now(UTC), "last_error": None}
        run.sent += 1
    with session_scope(engine) as session:
        repository.finish_delivery(session, delivery_id, values)
