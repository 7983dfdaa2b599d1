"""Every query of the accounts domain."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kundepuls.accounts.models import ApiToken, AuditEntry, User, UserSession
from kundepuls.db import Base


def add(session: Session, row: Base) -> None:
    session.add(row)
    session.flush()


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).one_or_none()


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.email)).all()


def count_active_owners(session: Session) -> int:
    query = select(func.count()).select_from(User).where(User.role == "owner", User.active)
    return session.scalar(query) or 0


def get_session(session: Session, id_hash: str) -> UserSession | None:
    return session.get(UserSession, id_hash)


def delete_session(session: Session, id_hash: str) -> None:
    session.execute(delete(UserSession).where(UserSession.id_hash == id_hash))


def delete_user_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def delete_expired_sessions(session: Session, now: datetime) -> int:
    result = session.execute(delete(UserSession).where(UserSession.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)


def get_token(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def get_token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    query = select(ApiToken).where(ApiToken.token_hash == token_hash)
    return session.scalars(query).one_or_none()


def list_tokens(session: Session, user_id: int | None = None) -> Sequence[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return session.scalars(query).all()


def list_audit(session: Session, limit: int, action: str | None = None) -> Sequence[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return session.scalars(query).all()
