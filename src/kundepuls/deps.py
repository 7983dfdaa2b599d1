"""Dependency aliases for FastAPI routes, defined once."""

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.accounts.permissions import Permission
from kundepuls.accounts.schemas import Principal
from kundepuls.accounts.web import SAFE_METHODS, Forbidden, current_user, require
from kundepuls.config import Settings
from kundepuls.db import session_scope


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """The request's session; the request owns the transaction and commits at the end."""
    with session_scope(engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
EngineDep = Annotated[Engine, Depends(get_engine)]
# "function" scope: the transaction commits before the response is sent, so an answer is
# durable before its thank-you page and a client's next request sees what it just wrote.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

# Who is signed in (pages redirect to /login, the API answers 401) and what they may do;
# state-changing requests with a session cookie are CSRF-checked (kundepuls.accounts.web).
CurrentUser = Annotated[Principal, Depends(current_user)]
ViewerUser = Annotated[Principal, Depends(require(Permission.READ_DASHBOARDS))]
AnalystUser = Annotated[Principal, Depends(require(Permission.READ_API))]
AdminUser = Annotated[Principal, Depends(require(Permission.MANAGE_USERS))]
OwnerUser = Annotated[Principal, Depends(require(Permission.MANAGE_OWNERS))]


def api_guard(write: Permission, read: Permission = Permission.READ_API) -> Any:
    """A router-wide dependency: reading needs ``read``, any change needs ``write``."""

    async def guard(request: Request, user: CurrentUser) -> Principal:
        needed = read if request.method in SAFE_METHODS else write
        if not user.can(needed):
            raise Forbidden(f"your role may not do this ({needed.value})")
        return user

    return Depends(guard)


__all__ = [
    "AdminUser",
    "AnalystUser",
    "CurrentUser",
    "EngineDep",
    "OwnerUser",
    "Permission",
    "SessionDep",
    "SettingsDep",
    "ViewerUser",
    "api_guard",
    "require",
]
