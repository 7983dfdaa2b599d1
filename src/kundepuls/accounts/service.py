"""Use cases of users and sign-in: create and manage users, log in, browser sessions.

Every function takes the session first and flushes; the caller owns the transaction.
``actor`` is the principal doing the change, or None for the command line (full rights).
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from kundepuls.accounts import audit, passwords, repository
from kundepuls.accounts.models import User, UserSession
from kundepuls.accounts.permissions import AccessDenied, Role, may_manage
from kundepuls.accounts.schemas import Principal
from kundepuls.kit.errors import NotFoundError, UsageError
from kundepuls.kit.security import hash_token, new_token

LANGUAGES = ("nb", "en")
SESSION_IDLE = timedelta(hours=12)
SESSION_MAX = timedelta(days=7)
# Writing last_seen on every request would turn each page view into a write.
SESSION_TOUCH = timedelta(minutes=5)
DEMO_EMAIL = "demo@kundepuls.local"


def _now() -> datetime:
    return datetime.now(UTC)


def normalize_email(email: str) -> str:
    """The email trimmed and lower-cased; refuses text that is not an address."""
    value = email.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value or len(value) > 320:
        raise UsageError(f"email: {email!r} is not an email address")
    return value


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise UsageError(f"role: {role!r} is not one of {names}") from None


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise UsageError(f"language: {language!r} is not one of {', '.join(LANGUAGES)}")
    return language


def _guard(actor: Principal | None, *roles: str) -> None:
    """Refuse when ``actor`` may not manage users of every role in ``roles``."""
    if actor is not None and not all(may_manage(actor.role, role) for role in roles):
        raise AccessDenied("you may not manage users of this role")


def create_user(
    session: Session,
    email: str,
    role: str,
    password: str,
    *,
    display_name: str | None = None,
    language: str = "nb",
    actor: Principal | None = None,
    ip: str | None = None,
) -> User:
    """Create an active user; the password is stored only as its argon2id hash."""
    email = normalize_email(email)
    _check_role(role)
    _check_language(language)
    _guard(actor, role)
    passwords.check_strength(password, email)
    if repository.get_user_by_email(session, email) is not None:
        raise UsageError(f"email: a user with {email} already exists")
    user = User(
        email=email,
        display_name=(display_name or "").strip() or email.split("@")[0],
        role=role,
        language=language,
        password_hash=passwords.hash_password(password),
        active=True,
        created_at=_now(),
    )
    repository.add(session, user)
    details = {"email": email, "role": role}
    audit.record(
        session,
        actor or "cli",
        "user.create",
        object_type="user",
        object_id=user.id,
        details=details,
        ip=ip,
    )
    return user


def find_user(session: Session, email_or_id: str | int) -> User:
    """The user with this email or id, or a clear error."""
    if isinstance(email_or_id, int) or str(email_or_id).isdigit():
        user = repository.get_user(session, int(email_or_id))
    else:
        user = repository.get_user_by_email(session, email_or_id.strip().lower())
    if user is None:
        raise NotFoundError(f"user: no user {email_or_id}")
    return user


def list_users(session: Session) -> Sequence[User]:
    return repository.list_users(session)


def _keep_an_owner(session: Session, user: User) -> None:
    if user.role == Role.OWNER and user.active and repository.count_active_owners(session) <= 1:
        raise UsageError(f"user {user.email}: the last active owner cannot lose that role")


def set_role(
    session: Session,
    user: User,
    role: str,
    *,
    actor: Principal | None = None,
    ip: str | None = None,
) -> User:
    """Change a user's role; admins manage users below owner, only owners manage owners."""
    _check_role(role)
    _guard(actor, user.role, role)
    if role == user.role:
        return user
    if role != Role.OWNER:
        _keep_an_owner(session, user)
    details = {"from": user.role, "to": role}
    user.role = role
    session.flush()
    audit.record(
        session,
        actor or "cli",
        "user.role",
        object_type="user",
        object_id=user.id,
        details=details,
        ip=ip,
    )
    return user


def set_active(
    session: Session,
    user: User,
    active: bool,
    *,
    actor: Principal | None = None,
    ip: str | None = None,
) -> User:
    """Deactivate (ends their sessions; their tokens stop working) or reactivate a user."""
    _guard(actor, user.role)
    if user.active == active:
        return user
    if not active:
        _keep_an_owner(session, user)
        repository.delete_user_sessions(session, user.id)
    user.active = active
    session.flush()
    action = "user.activate" if active else "user.deactivate"
    audit.record(session, actor or "cli", action, object_type="user", object_id=user.id, ip=ip)
    return user


def set_language(session: Session, actor: Principal, language: str) -> None:
    """The language of ``actor``'s pages, reports and emails (``nb`` or ``en``)."""
    user = repository.get_user(session, actor.id)
    if user is None:
        raise AccessDenied("no such user")
    user.language = _check_language(language)
    session.flush()
    audit.record(session, actor, "user.language", object_type="user", object_id=user.id)


def set_password(session: Session, user: User, password: str) -> None:
    """Replace the password; every open session of the user ends."""
    passwords.check_strength(password, user.email)
    user.password_hash = passwords.hash_password(password)
    repository.delete_user_sessions(session, user.id)
    session.flush()
    audit.record(session, "cli", "user.password", object_type="user", object_id=user.id)


def authenticate(
    session: Session, email: str, password: str, *, ip: str | None = None
) -> User | None:
    """The active user with this email and password, or None; both outcomes are audited.

    Unknown, inactive and wrong-password attempts take the same path and the same time
    (a hash is always verified), so the answer reveals nothing about which it was.
    """
    address = email.strip().lower()
    user = repository.get_user_by_email(session, address) if address else None
    matched = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not matched or not user.active:
        details = {"email": address[:320]}
        audit.record(session, None, "login.failure", details=details, ip=ip)
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = _now()
    session.flush()
    audit.record(session, user, "login.success", object_type="user", object_id=user.id, ip=ip)
    return user


def start_session(
    session: Session,
    user: User,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> str:
    """Open a browser session for ``user``; returns the random id for the cookie."""
    now = now or _now()
    # Expired rows are useless; clearing them here keeps the table small without a job.
    repository.delete_expired_sessions(session, now)
    raw = new_token(32)
    row = UserSession(
        id_hash=hash_token(raw),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_IDLE,
        ip=ip,
        user_agent=(user_agent or "")[:300] or None,
    )
    repository.add(session, row)
    return raw


def resolve_session(session: Session, raw: str, now: datetime | None = None) -> Principal | None:
    """The principal of a live session cookie, or None (unknown, expired, user inactive)."""
    now = now or _now()
    row = repository.get_session(session, hash_token(raw))
    if row is None:
        return None
    if row.expires_at <= now or not row.user.active:
        repository.delete_session(session, row.id_hash)
        return None
    if now - row.last_seen_at >= SESSION_TOUCH:
        row.last_seen_at = now
        row.expires_at = min(now + SESSION_IDLE, row.created_at + SESSION_MAX)
        session.flush()
    return principal(row.user, session_id=row.id_hash)


def end_session(session: Session, raw: str, *, ip: str | None = None) -> None:
    """Log out: the session row is deleted, so the cookie is worthless even if kept."""
    row = repository.get_session(session, hash_token(raw))
    if row is not None:
        audit.record(session, row.user, "logout", object_type="user", object_id=row.user.id, ip=ip)
        repository.delete_session(session, row.id_hash)


def principal(user: User, **extra: str | int | None) -> Principal:
    """The principal of ``user`` (``extra``: session_id, or token_id and scope)."""
    return Principal(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        language=user.language,
        **extra,
    )


def ensure_demo_user(session: Session) -> tuple[str, str]:
    """Create (or reset) the demo login, an owner with a fresh random password.

    ``kundepuls demo`` prints what this returns.
    """
    password = new_token(12)
    user = repository.get_user_by_email(session, DEMO_EMAIL)
    if user is None:
        create_user(session, DEMO_EMAIL, Role.OWNER, password, display_name="Demo")
    else:
        user.role, user.active = Role.OWNER, True
        set_password(session, user, password)
    return DEMO_EMAIL, password
