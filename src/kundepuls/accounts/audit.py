"""The audit log: who changed what, when and from where. Every domain records through here.

>>> # audit.record(session, principal, "survey.create", object_type="survey", object_id="nps")
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from kundepuls.accounts import repository
from kundepuls.accounts.models import AuditEntry


class Actor(Protocol):
    """Anything with a user id and an email: a ``User`` or a ``Principal``."""

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...


def record(
    session: Session,
    actor: Actor | str | None,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add one audit entry (flushed with the caller's transaction, never committed here).

    ``actor`` is a user or principal, a label such as ``"cli"`` for commands and jobs, or
    None for an anonymous request (a failed login). ``action`` is ``<object>.<verb>``,
    e.g. ``user.create``, ``token.revoke``, ``login.failure``.
    """
    if actor is None or isinstance(actor, str):
        actor_id, label = None, actor or "anonymous"
    else:
        actor_id, label = actor.id, actor.email
    entry = AuditEntry(
        at=at or datetime.now(UTC),
        actor_id=actor_id,
        actor=label,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        details=details or {},
        ip=ip,
    )
    repository.add(session, entry)
    return entry


def recent(session: Session, limit: int = 100, action: str | None = None) -> Sequence[AuditEntry]:
    """The newest entries first, optionally of one action."""
    return repository.list_audit(session, limit, action)
