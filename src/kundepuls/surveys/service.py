"""Use cases of survey definitions: create (versioned), list, show, response rates.

Answering lives in ``answering``, invitations and fatigue in ``distribution``, the email
outbox in ``outbox`` and the event scan in ``triggers``. All take the session first and
flush, never commit.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.kit.errors import NotFoundError
from kundepuls.kit.security import new_token
from kundepuls.surveys import repository
from kundepuls.surveys.definitions import SurveyDefinition, parse_definition
from kundepuls.surveys.models import Survey


def now_utc() -> datetime:
    return datetime.now(UTC)


def save_survey(session: Session, definition: SurveyDefinition) -> tuple[Survey, bool]:
    """Store ``definition``; a change to an existing survey becomes its next version.

    Returns the stored version and whether it is new. Saving an unchanged definition is a
    no-op, so re-running ``survey create FILE`` is safe. Old versions stay, so answers given
    to them keep being read by the questions they were asked.
    """
    data = definition.model_dump(mode="json")
    latest = repository.latest_survey(session, definition.key)
    if latest is not None and latest.definition == data:
        return latest, False
    survey = Survey(
        key=definition.key,
        version=latest.version + 1 if latest else 1,
        definition=data,
        link_key=latest.link_key if latest else new_token(12),
        created_at=now_utc(),
    )
    session.add(survey)
    session.flush()
    return survey, True


def get_survey(session: Session, key: str, version: int | None = None) -> Survey:
    """One survey (its newest version unless ``version`` is given)."""
    found = (
        repository.latest_survey(session, key)
        if version is None
        else repository.survey_version(session, key, version)
    )
    if found is None:
        which = f"version {version} of " if version is not None else ""
        raise NotFoundError(f"no survey {which}{key!r} (see `kundepuls survey list`)")
    return found


def definition_of(survey: Survey) -> SurveyDefinition:
    """The checked definition of a stored survey version (parsed once per process)."""
    # A stored version never changes, and its link key is unique, so they identify it.
    return _parsed(survey.key, survey.version, survey.link_key, survey.definition)


_cache: dict[tuple[str, int, str], SurveyDefinition] = {}
_versions: dict[tuple[str, str, int], SurveyDefinition] = {}


def definition_for(session: Session, key: str, version: int) -> SurveyDefinition:
    """The definition of one stored version; each process reads a version once."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    cache_key = (str(engine.url), key, version)
    found = _versions.get(cache_key)
    if found is None:
        if len(_versions) > 1000:
            _versions.clear()
        found = _versions[cache_key] = definition_of(get_survey(session, key, version))
    return found


def _parsed(key: str, version: int, link_key: str, data: dict[str, Any]) -> SurveyDefinition:
    found = _cache.get((key, version, link_key))
    if found is None:
        if len(_cache) > 1000:
            _cache.clear()
        found = _cache[(key, version, link_key)] = parse_definition(
            data, f"survey {key} v{version}"
        )
    return found


def list_surveys(session: Session) -> list[Survey]:
    return list(repository.latest_surveys(session))


def response_rates(session: Session, survey: str | None = None) -> list[dict[str, Any]]:
    """Per survey, touchpoint and channel: invitations, sent, opened, answered, rate in %.

    ``rate`` is answered-of-sent over sent (the ``response_rate`` KPI); channels that send
    nothing (link, QR code, widget) have ``rate`` None and count visits as ``opened``.
    """
    rows = repository.response_rates(session, survey)
    for row in rows:
        sent = int(row["sent"] or 0)
        answered = int(row.pop("answered_of_sent") or 0)
        row["skipped"] = int(row["skipped"] or 0)
        row["rate"] = round(100 * answered / sent, 1) if sent else None
    return rows


def survey_by_link(session: Session, link_key: str) -> Survey:
    found = repository.survey_by_link(session, link_key)
    if found is None:
        raise NotFoundError("no survey at this link")
    return found
