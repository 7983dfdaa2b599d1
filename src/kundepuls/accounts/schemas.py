"""In/out models of the accounts domain, and the ``Principal`` a request acts as."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from kundepuls.accounts.permissions import Permission, permissions


class Principal(BaseModel):
    """Who is acting: a signed-in user, or a user through one of their API tokens.

    It is a plain value (no ORM object), so it outlives the session it was read in.
    """

    model_config = ConfigDict(frozen=True)

    id: int
    email: str
    display_name: str
    role: str
    language: str
    # The hash of the browser session's id (the CSRF subject), for a cookie login.
    session_id: str | None = None
    token_id: int | None = None
    # The token's scope narrows the role; None for a browser session.
    scope: str | None = None

    def can(self, permission: Permission) -> bool:
        """Whether this principal may do ``permission``."""
        return permission in permissions(self.role, self.scope)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    role: str
    language: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    scope: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    details: dict[str, object]
    ip: str | None
