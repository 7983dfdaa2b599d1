"""Answering a survey through its link: check the token, validate, keep every answer.

A survey page has at most two steps: the lead score question (which the email can answer
with one click), then the score's follow-up and the other questions. Each step is saved
as it is posted, so partial answers are kept; all of an invitation's steps and repeated
posts update its one response row (``kp-<invitation id>``), so a link cannot stuff answers.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kundepuls.kit.errors import KundepulsError
from kundepuls.kit.security import hash_token
from kundepuls.surveys import repository, texts
from kundepuls.surveys.definitions import Question, SurveyDefinition
from kundepuls.surveys.models import Invitation
from kundepuls.surveys.service import definition_for

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
MAX_TEXT = 5000
FOLLOW_UP_FIELD = "follow_up"


class LinkError(KundepulsError):
    """The survey link is unknown, malformed or closed."""

    status_code = 404

    def __init__(self, reason: str, status_code: int = 404, language: str = "nb") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code
        self.language = language


@dataclass
class Answers:
    """What an invitation's respondent has answered so far."""

    values: dict[str, Any] = field(default_factory=dict)
    follow_up: str | None = None
    complete: bool = False


def open_link(
    session: Session, token: str, now: datetime, *, defer: bool = False
) -> tuple[Invitation, SurveyDefinition]:
    """The invitation behind ``token`` and its survey version; records the first opening.

    The invitation is a detached copy; changes are written with single UPDATEs (the answer
    path is hot). With ``defer`` the opening is written by ``record`` or ``note_open``.
    """
    if not TOKEN.match(token or ""):
        raise LinkError("invalid")
    row = repository.invitation_row(session, hash_token(token))
    if row is None or row["status"] in ("skipped", "failed"):
        raise LinkError("invalid")
    invitation = Invitation(**row)
    if invitation.expires_at is not None and now > invitation.expires_at:
        raise LinkError("expired", status_code=410, language=invitation.language)
    if invitation.opened_at is None:
        invitation.opened_at = now
    if invitation.status in ("queued", "sent"):
        invitation.status = "opened"
    if not defer:
        note_open(session, invitation, row)
    return invitation, definition_for(session, invitation.survey, invitation.survey_version)


def note_open(session: Session, invitation: Invitation, before: Mapping[str, Any]) -> None:
    """Write the opening recorded on ``invitation`` by ``open_link`` (when it changed)."""
    if (invitation.opened_at, invitation.status) != (before["opened_at"], before["status"]):
        repository.update_invitation(
            session,
            invitation.invitation_id,
            {"opened_at": invitation.opened_at, "status": invitation.status},
        )


def current(session: Session, invitation: Invitation) -> Answers:
    """The answers stored for ``invitation`` so far."""
    if invitation.response_id is None:
        return Answers()
    row = repository.response(session, invitation.response_id)
    if row is None:
        return Answers()
    attrs = row.attributes or {}
    return Answers(dict(attrs.get("answers", {})), row.comment, bool(attrs.get("complete")))


def step_questions(definition: SurveyDefinition, step: str) -> list[Question]:
    """The questions of a step: ``score`` is the lead alone, ``rest`` all the others."""
    lead = definition.lead
    if step == "score":
        return [lead] if lead else []
    return [q for q in definition.questions if q is not lead]


def next_step(definition: SurveyDefinition, answers: Answers) -> str:
    lead = definition.lead
    if lead is not None and lead.id not in answers.values:
        return "score"
    return "rest"


def has_rest(definition: SurveyDefinition, answers: Answers, language: str) -> bool:
    """Whether anything is asked after the score (its follow-up or other questions)."""
    return (
        bool(step_questions(definition, "rest"))
        or follow_up_of(definition, answers, language) is not None
    )


def follow_up_of(definition: SurveyDefinition, answers: Answers, language: str) -> str | None:
    lead = definition.lead
    if lead is None or not isinstance(answers.values.get(lead.id), int):
        return None
    return definition.follow_up_text(lead, answers.values[lead.id], language)


def record(
    session: Session,
    invitation: Invitation,
    definition: SurveyDefinition,
    form: Mapping[str, Sequence[str]],
    step: str,
    now: datetime,
) -> tuple[dict[str, str], Answers]:
    """Validate and save one step; returns errors per field (and saves nothing) when bad,
    and the answers as they now stand."""
    repository.lock_invitation(session, invitation.invitation_id)
    answers = current(session, invitation)
    errors: dict[str, str] = {}
    lang = invitation.language
    for question in step_questions(definition, step):
        name = f"q_{question.id}"
        value, error = _parse(question, list(form.get(name, [])), lang)
        if error:
            errors[name] = error
        elif value is not None:
            answers.values[question.id] = value
        else:
            answers.values.pop(question.id, None)
    if step == "rest" and FOLLOW_UP_FIELD in form:
        answers.follow_up = _text(form[FOLLOW_UP_FIELD]) or None
    if errors:
        return errors, answers
    rest = has_rest(definition, answers, lang)
    answers.complete = answers.complete or step == "rest" or not rest
    _save(session, invitation, definition, answers, now)
    return {}, answers


def _parse(question: Question, raw: list[str], lang: str) -> tuple[Any, str | None]:
    raw = [r.strip() for r in raw if r.strip()]
    if not raw:
        return None, texts.ui("error_required", lang) if question.required else None
    if question.is_score:
        low, high = question.scale
        if not re.fullmatch(r"-?\d{1,3}", raw[0]) or not low <= int(raw[0]) <= high:
            return None, texts.ui("error_range", lang).format(low=low, high=high)
        return int(raw[0]), None
    if question.type == "text":
        return raw[0][:MAX_TEXT], None
    allowed = {o.value for o in question.options}
    if any(r not in allowed for r in raw):
        return None, texts.ui("error_choice", lang)
    if question.type == "single_choice":
        return raw[0], None
    return sorted(set(raw), key=raw.index), None


def _text(raw: Sequence[str]) -> str | None:
    return raw[0].strip()[:MAX_TEXT] if raw else None


def _save(
    session: Session,
    invitation: Invitation,
    definition: SurveyDefinition,
    answers: Answers,
    now: datetime,
) -> None:
    # One upsert keyed by the invitation: racing or repeated posts all land in one row.
    response_id = invitation.response_id or f"kp-{invitation.invitation_id}"
    values = _values(response_id, invitation, definition, answers, now)
    repository.upsert_response(session, values)
    invitation.response_id = response_id
    invitation.answered_at = invitation.answered_at or now
    invitation.status = "answered"
    changes = {
        "response_id": response_id,
        "answered_at": invitation.answered_at,
        "status": "answered",
        "opened_at": invitation.opened_at or now,
    }
    repository.update_invitation(session, invitation.invitation_id, changes)
    if invitation.channel == "email" and invitation.reminded_at is None:
        repository.cancel_reminder(session, invitation.invitation_id)


def _values(
    response_id: str,
    invitation: Invitation,
    definition: SurveyDefinition,
    answers: Answers,
    now: datetime,
) -> dict[str, Any]:
    kpis: dict[str, int | None] = {"nps": None, "csat": None, "ces": None}
    texts_given = []
    for question in definition.questions:
        value = answers.values.get(question.id)
        if question.type in kpis and kpis[question.type] is None and isinstance(value, int):
            kpis[question.type] = value
        if question.type == "text" and value:
            texts_given.append(str(value))
    return {
        "response_id": response_id,
        "submitted_at": now,
        "customer_id": None if definition.anonymous else invitation.customer_id,
        "survey": definition.key,
        "touchpoint": definition.touchpoint,
        "channel": invitation.channel,
        "language": invitation.language,
        **kpis,
        "comment": answers.follow_up or (texts_given[0] if texts_given else None),
        "attributes": {
            "answers": dict(answers.values),
            "survey_version": invitation.survey_version,
            "complete": answers.complete,
        },
        "updated_at": now,
    }


def unsubscribe(session: Session, token: str, now: datetime, source: str) -> Invitation:
    """Stop every survey to the customer behind ``token`` (even after the survey closed)."""
    invitation = (
        repository.invitation_by_token_hash(session, hash_token(token))
        if TOKEN.match(token or "")
        else None
    )
    if invitation is None:
        raise LinkError("invalid")
    if invitation.customer_id is not None:
        repository.unsubscribe(session, invitation.customer_id, now, source)
    for message in repository.pending_outbox(session, invitation.invitation_id):
        if message.status == "queued":
            message.status, message.body_text, message.body_html = "cancelled", None, None
            message.last_error = "unsubscribed"
    session.flush()
    return invitation
