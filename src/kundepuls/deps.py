"""Dependency aliases for FastAPI routes, defined once."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

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
