"""Roles, scopes and what they allow: least privilege, in one table.

A role grants a set of permissions; each role includes everything of the role below it.
An API token carries a scope that can only narrow its creator's role, never widen it:
a token may do what both its scope and its creator's current role allow.
"""

from enum import StrEnum

from kundepuls.kit.errors import KundepulsError


class Permission(StrEnum):
    """One thing a user may do; ``:read`` permissions change nothing."""

    READ_DASHBOARDS = "dashboards:read"
    READ_API = "api:read"
    EXPORT = "exports:read"
    READ_USERS = "users:read"
    READ_AUDIT = "audit:read"
    COMMENT = "comments:write"
    MANAGE_TOKENS = "tokens:write"
    MANAGE_SURVEYS = "surveys:write"
    IMPORT = "imports:write"
    MANAGE_SETTINGS = "settings:write"
    MANAGE_USERS = "users:write"
    MANAGE_OWNERS = "owners:write"


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"
    OWNER = "owner"


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


P = Permission
_VIEWER = frozenset({P.READ_DASHBOARDS})
_ANALYST = _VIEWER | {P.READ_API, P.EXPORT, P.COMMENT, P.MANAGE_TOKENS}
_ADMIN = _ANALYST | {
    P.MANAGE_SURVEYS,
    P.IMPORT,
    P.MANAGE_SETTINGS,
    P.MANAGE_USERS,
    P.READ_USERS,
    P.READ_AUDIT,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: _VIEWER,
    Role.ANALYST: _ANALYST,
    Role.ADMIN: _ADMIN,
    Role.OWNER: _ADMIN | {P.MANAGE_OWNERS},
}

_READS = frozenset(p for p in Permission if p.value.endswith(":read"))
SCOPE_PERMISSIONS: dict[Scope, frozenset[Permission]] = {
    Scope.READ: _READS,
    # Day-to-day work through the API, but never user, owner or settings administration.
    Scope.WRITE: _READS | {P.COMMENT, P.MANAGE_TOKENS, P.MANAGE_SURVEYS, P.IMPORT},
    Scope.ADMIN: frozenset(Permission),
}

# The lowest role that may create a token of each scope ("never above the creator's role").
SCOPE_MIN_ROLE: dict[Scope, Role] = {
    Scope.READ: Role.ANALYST,
    Scope.WRITE: Role.ANALYST,
    Scope.ADMIN: Role.ADMIN,
}

RANK = {Role.VIEWER: 0, Role.ANALYST: 1, Role.ADMIN: 2, Role.OWNER: 3}


def permissions(role: str, scope: str | None = None) -> frozenset[Permission]:
    """What ``role`` may do, narrowed to ``scope`` when acting through an API token.

    >>> Permission.MANAGE_USERS in permissions("admin")
    True
    >>> Permission.MANAGE_USERS in permissions("admin", "read")
    False
    """
    allowed = ROLE_PERMISSIONS[Role(role)]
    return allowed & SCOPE_PERMISSIONS[Scope(scope)] if scope is not None else allowed


def scopes_for(role: str) -> list[Scope]:
    """The token scopes a user of ``role`` may create."""
    return [s for s, lowest in SCOPE_MIN_ROLE.items() if RANK[Role(role)] >= RANK[lowest]]


def may_manage(actor_role: str, target_role: str) -> bool:
    """Whether ``actor_role`` may create, change or deactivate a user of ``target_role``.

    Admins manage users below owner; only owners manage owners.
    """
    allowed = ROLE_PERMISSIONS[Role(actor_role)]
    if Role(target_role) is Role.OWNER:
        return P.MANAGE_OWNERS in allowed
    return P.MANAGE_USERS in allowed


class AccessDenied(KundepulsError):
    """The principal is signed in but its role or scope does not allow this."""

    status_code = 403
