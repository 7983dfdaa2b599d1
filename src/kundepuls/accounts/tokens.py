"""Use cases of API tokens: create (shown once), authenticate, list, revoke.

A token is ``kp_`` and 43 random characters; only its SHA-256 is stored. It acts as its
creator with the creator's current role narrowed to the token's scope, so demoting or
deactivating a user shrinks or stops their tokens at once.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from kundepuls.accounts import audit, repository
from kundepuls.accounts.models import ApiToken, User
from kundepuls.accounts.permissions import (
    AccessDenied,
    Permission,
    Scope,
    may_manage,
    scopes_for,
)
from kundepuls.accounts.schemas import Principal
from kundepuls.accounts.service import principal
from kundepuls.kit.errors import NotFoundError, UsageError
from kundepuls.kit.security import hash_token, new_token

PREFIX = "kp_"
# last_used_at is written at most this often, so API reads stay reads.
USE_GRANULARITY = timedelta(minutes=1)


def _now() -> datetime:
    return datetime.now(UTC)


def create_token(
    session: Session,
    owner: User,
    name: str,
    scope: str,
    *,
    expires_days: int | None = None,
    actor: Principal | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``owner``; returns the row and the token text (shown only once)."""
    now = now or _now()
    name = name.strip()
    if not name or len(name) > 100:
        raise UsageError("name: give the token a name of 1 to 100 characters")
    try:
        wanted = Scope(scope)
    except ValueError:
        raise UsageError(f"scope: {scope!r} is not one of read, write, admin") from None
    if wanted not in scopes_for(owner.role):
        raise AccessDenied(f"scope: a {owner.role} cannot create a {scope} token")
    if actor is not None and (actor.id != owner.id or not actor.can(Permission.MANAGE_TOKENS)):
        raise AccessDenied("tokens: you may only create tokens for yourself")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise UsageError("expires: give between 1 and 3650 days, or none")
    raw = PREFIX + new_token(32)
    token = ApiToken(
        user_id=owner.id,
        name=name,
        scope=wanted.value,
        token_hash=hash_token(raw),
        prefix=raw[:10],
        created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    repository.add(session, token)
    details = {"name": name, "scope": wanted.value, "owner": owner.email}
    audit.record(
        session,
        actor or "cli",
        "token.create",
        object_type="api_token",
        object_id=token.id,
        details=details,
        ip=ip,
    )
    return token, raw


def authenticate_token(session: Session, raw: str, now: datetime | None = None) -> Principal | None:
    """The principal of a live token, or None (unknown, revoked, expired, user inactive)."""
    now = now or _now()
    if not raw.startswith(PREFIX):
        return None
    token = repository.get_token_by_hash(session, hash_token(raw))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_GRANULARITY:
        token.last_used_at = now
        session.flush()
    return principal(token.user, token_id=token.id, scope=token.scope)


def list_tokens(session: Session, user_id: int | None = None) -> Sequence[ApiToken]:
    """Tokens of one user (or of everyone), newest first."""
    return repository.list_tokens(session, user_id)


def revoke_token(
    session: Session,
    token_id: int,
    *,
    actor: Principal | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> ApiToken:
    """Revoke a token: its own user may, and so may anyone allowed to manage that user."""
    token = repository.get_token(session, token_id)
    if token is None or not _may_see(actor, token):
        # Someone else's token is reported as missing, so ids reveal nothing.
        raise NotFoundError(f"token: no token {token_id}")
    if actor is not None and not actor.can(Permission.MANAGE_TOKENS):
        raise AccessDenied("tokens: your role may not change tokens")
    if token.revoked_at is None:
        token.revoked_at = now or _now()
        session.flush()
        details = {"name": token.name, "owner": token.user.email}
        audit.record(
            session,
            actor or "cli",
            "token.revoke",
            object_type="api_token",
            object_id=token.id,
            details=details,
            ip=ip,
        )
    return token


def _may_see(actor: Principal | None, token: ApiToken) -> bool:
    """Own tokens, and (for admins and owners) tokens of the users they manage."""
    if actor is None or token.user_id == actor.id:
        return True
    return actor.can(Permission.MANAGE_USERS) and may_manage(actor.role, token.user.role)
