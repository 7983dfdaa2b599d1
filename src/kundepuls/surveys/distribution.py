"""Making invitations: one rule for fatigue and consent, quiet hours, the rendered emails.

Every path that asks a customer (the trigger scan, a campaign, the shareable link) goes
through ``invite``, so the same rule holds across all surveys and channels: nobody is asked
more than once per ``Policy.fatigue_days``, unsubscribed customers are never asked, and a
wave never grows past its cap. An invitation is made at most once per ``trigger_key``.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.facts.models import Customer
from kundepuls.kit.mail import domain_of
from kundepuls.kit.security import hash_token, new_token
from kundepuls.surveys import repository, texts
from kundepuls.surveys.definitions import SurveyDefinition
from kundepuls.surveys.models import Invitation, OutboxMessage, Survey
from kundepuls.surveys.service import definition_of

TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"
_email = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_NO = {"0", "false", "no", "nei", "n"}


@dataclass(frozen=True)
class Policy:
    """The contact rule that holds across every survey and channel."""

    fatigue_days: int = 30
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Policy":
        """The policy set by ``KUNDEPULS_SURVEY_FATIGUE_DAYS`` and ``…_QUIET_HOURS``."""
        start, end = (time(int(h)) for h in settings.survey_quiet_hours.split("-", 1))
        return cls(settings.survey_fatigue_days, start, end)


@dataclass(frozen=True)
class Invited:
    """The outcome of ``invite``: the invitation and, when newly made, its secret token."""

    invitation: Invitation
    token: str | None
    created: bool


def outside_quiet_hours(moment: datetime, tz: ZoneInfo, policy: Policy) -> datetime:
    """``moment``, or the end of the quiet hours it falls in (in the local time of ``tz``).

    >>> from datetime import UTC
    >>> oslo = ZoneInfo("Europe/Oslo")
    >>> outside_quiet_hours(datetime(2026, 6, 1, 21, 30, tzinfo=UTC), oslo, Policy()).isoformat()
    '2026-06-02T06:00:00+00:00'
    """
    local = moment.astimezone(tz)
    start, end, clock = policy.quiet_start, policy.quiet_end, local.time()
    if start > end:  # the quiet hours span midnight, e.g. 21:00–08:00
        if clock >= start:
            day = local.date() + timedelta(days=1)
        elif clock < end:
            day = local.date()
        else:
            return moment
    elif start <= clock < end:
        day = local.date()
    else:
        return moment
    return datetime.combine(day, end, tzinfo=tz).astimezone(UTC)


def skip_reason(session: Session, customer: Customer, due: datetime, policy: Policy) -> str | None:
    """Why ``customer`` must not be asked at ``due``, or None when they may be."""
    if not customer.email or "@" not in customer.email:
        return "no email address"
    if repository.is_unsubscribed(session, customer.customer_id):
        return "unsubscribed"
    consent = (customer.attributes or {}).get("consent")
    if consent is not None and str(consent).strip().lower() in _NO:
        return "no consent"
    if repository.asked_since(
        session, customer.customer_id, due - timedelta(days=policy.fatigue_days)
    ):
        return f"asked within {policy.fatigue_days} days"
    return None


def invite(
    session: Session,
    survey: Survey,
    customer: Customer | None,
    *,
    settings: Settings,
    now: datetime,
    due: datetime | None = None,
    channel: str = "email",
    trigger_key: str | None = None,
    wave: str | None = None,
    policy: Policy = Policy(),
) -> Invited:
    """Make one invitation (or return the one this ``trigger_key`` already made)."""
    if trigger_key is not None:
        existing = repository.invitation_by_trigger(session, trigger_key)
        if existing is not None:
            return Invited(existing, None, created=False)
    definition = definition_of(survey)
    due = due or now
    reason = _reason(session, survey.key, definition, customer, channel, due, wave, policy)
    token = None if reason else new_token()
    invitation = Invitation(
        invitation_id=uuid.uuid4().hex,
        customer_id=customer.customer_id if customer else None,
        survey=survey.key,
        survey_version=survey.version,
        channel=channel,
        touchpoint=definition.touchpoint,
        wave=wave,
        language=texts.pick_language(
            customer.language if customer else None, definition.default_language
        ),
        token_hash=hash_token(token) if token else None,
        trigger_key=trigger_key,
        status="skipped" if reason else ("queued" if channel == "email" else "opened"),
        skip_reason=reason,
        created_at=now,
        due_at=due,
        expires_at=due + timedelta(days=definition.expires_after_days),
        opened_at=None if channel == "email" else now,
    )
    try:
        with session.begin_nested():
            session.add(invitation)
            session.flush()
    except IntegrityError:
        # Another scan made it between our look-up and insert: theirs stands.
        if trigger_key is not None:
            existing = repository.invitation_by_trigger(session, trigger_key)
            if existing is not None:
                return Invited(existing, None, created=False)
        raise
    if token and channel == "email" and customer is not None and customer.email:
        _queue_emails(session, invitation, definition, customer.email, token, settings, policy)
    return Invited(invitation, token, created=True)


def _reason(
    session: Session,
    survey_key: str,
    definition: SurveyDefinition,
    customer: Customer | None,
    channel: str,
    due: datetime,
    wave: str | None,
    policy: Policy,
) -> str | None:
    """Why this invitation must not be sent, or None."""
    if customer is not None and channel == "email":
        reason = skip_reason(session, customer, due, policy)
        if reason:
            return reason
    cap = definition.wave_cap
    if (
        wave
        and cap
        and repository.wave_size(session, survey_key, wave, include_skipped=False) >= cap
    ):
        return "wave cap reached"
    return None


def _queue_emails(
    session: Session,
    invitation: Invitation,
    definition: SurveyDefinition,
    address: str,
    token: str,
    settings: Settings,
    policy: Policy,
) -> None:
    """Render the invitation and its single reminder into the outbox."""
    due = invitation.due_at or invitation.created_at
    domain = domain_of(settings.mail_from)
    kinds: list[tuple[str, datetime]] = [("invitation", due)]
    if definition.reminder_after_days:
        kinds.append(("reminder", due + timedelta(days=definition.reminder_after_days)))
    for kind, when in kinds:
        text, html, subject, headers = render_email(
            definition, invitation.language, token, settings, kind
        )
        suffix = "" if kind == "invitation" else f".{kind}"
        session.add(
            OutboxMessage(
                invitation_id=invitation.invitation_id,
                kind=kind,
                message_id=f"<{invitation.invitation_id}{suffix}@{domain}>",
                to_address=address,
                subject=subject,
                body_text=text,
                body_html=html,
                headers=headers,
                status="queued",
                next_attempt_at=outside_quiet_hours(when, settings.tz, policy),
                created_at=invitation.created_at,
            )
        )
    session.flush()


def render_email(
    definition: SurveyDefinition, language: str, token: str, settings: Settings, kind: str
) -> tuple[str, str, str, dict[str, Any]]:
    """Plain text, HTML, subject and headers of an invitation or reminder."""
    base = settings.base_url.rstrip("/")
    lead = definition.lead
    context = {
        "lang": language,
        "title": definition.title_in(language),
        "question": lead.label(language, definition.company) if lead else None,
        "scores": list(range(lead.scale[0], lead.scale[1] + 1)) if lead else [],
        "ends": lead.scale_ends(language) if lead else ("", ""),
        "link": f"{base}/s/{token}",
        "unsubscribe": f"{base}/u/{token}",
        "t": lambda key: texts.ui(key, language),
    }
    text = _email.get_template("surveys/email.txt").render(context)
    html = _email.get_template("surveys/email.html").render(context)
    subject = texts.ui("subject" if kind == "invitation" else "reminder_subject", language)
    headers = {
        "List-Unsubscribe": f"<{base}/u/{token}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return text, html, subject, headers
