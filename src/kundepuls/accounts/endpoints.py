"""Routes of accounts: sign-in and sign-out, my account, users, my API tokens, and the API.

Changes use ``SessionDep``, so they are committed before the browser follows the
redirect that answers them.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kundepuls.accounts import audit, service, tokens
from kundepuls.accounts.permissions import Permission, Role, may_manage, scopes_for
from kundepuls.accounts.schemas import AuditOut, Principal, TokenOut, UserOut
from kundepuls.accounts.texts import pick_language, texts
from kundepuls.accounts.web import (
    clear_session_cookie,
    client_ip,
    set_session_cookie,
    templates,
)
from kundepuls.deps import CurrentUser, SessionDep, SettingsDep, require
from kundepuls.kit.errors import KundepulsError
from kundepuls.kit.security import RateLimiter

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["accounts"])
HOME = "/account"

UsersReader = Annotated[Principal, Depends(require(Permission.READ_USERS))]
UsersManager = Annotated[Principal, Depends(require(Permission.MANAGE_USERS))]
TokensManager = Annotated[Principal, Depends(require(Permission.MANAGE_TOKENS))]
ApiReader = Annotated[Principal, Depends(require(Permission.READ_API))]
AuditReader = Annotated[Principal, Depends(require(Permission.READ_AUDIT))]


def _render(
    request: Request, name: str, language: str, status: int = 200, **context: Any
) -> HTMLResponse:
    context.update(lang=language, tx=texts(language))
    return templates.TemplateResponse(request, f"accounts/{name}", context, status)


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so the sign-in page cannot send anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return HOME
    return target


def _limiters(request: Request) -> tuple[RateLimiter, RateLimiter]:
    state = request.app.state
    if getattr(state, "login_limiters", None) is None:
        # Per address: room for an office behind one NAT; per account: a handful of guesses.
        state.login_limiters = (
            RateLimiter(rate=30, per=900, burst=30),
            RateLimiter(rate=5, per=900, burst=5),
        )
    limiters: tuple[RateLimiter, RateLimiter] = state.login_limiters
    return limiters


@pages.get("/login")
def login_page(request: Request, next: str | None = None, lang: str | None = None) -> Response:
    """The sign-in form."""
    language = pick_language(lang, request.headers.get("accept-language"))
    return _render(request, "login.html", language, next=_safe_next(next))


@pages.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = HOME,
    lang: Annotated[str | None, Form()] = None,
) -> Response:
    """Check the password and open a session; the same answer for every failure."""
    language = pick_language(lang, request.headers.get("accept-language"))
    ip = client_ip(request)
    by_ip, by_account = _limiters(request)
    if not (by_ip.allow(ip) and by_account.allow(email.strip().lower())):
        audit.record(session, None, "login.limited", details={"email": email[:320]}, ip=ip)
        context = {"next": _safe_next(next), "email": email, "error": texts(language)["too_many"]}
        response = _render(request, "login.html", language, 429, **context)
        response.headers["Retry-After"] = "300"
        return response
    user = service.authenticate(session, email, password, ip=ip)
    if user is None:
        error = texts(language)["login_failed"]
        context = {"next": _safe_next(next), "email": email, "error": error}
        return _render(request, "login.html", language, 401, **context)
    raw = service.start_session(session, user, ip=ip, user_agent=request.headers.get("user-agent"))
    redirect = RedirectResponse(_safe_next(next), 303)
    set_session_cookie(redirect, settings, raw)
    return redirect


@pages.post("/logout")
def logout(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """End the session and forget the cookie."""
    raw = request.cookies.get("kundepuls_session")
    if raw:
        service.end_session(session, raw, ip=client_ip(request))
    response = RedirectResponse(f"/login?lang={user.language}&out=1", 303)
    clear_session_cookie(response, settings)
    return response


@pages.get("/account")
def account_page(request: Request, user: CurrentUser) -> Response:
    """Who I am, and where to go next."""
    return _render(request, "account.html", user.language, user=user)


@pages.post("/account/language")
def change_language(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    lang: Annotated[str, Form()],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """Show my pages in Bokmål or English from now on."""
    service.set_language(session, user, lang)
    request.state.principal = None
    return RedirectResponse(_safe_next(next), 303)


@pages.get("/account/users")
def users_page(
    request: Request, user: UsersReader, session: SessionDep, done: str | None = None
) -> Response:
    """The users of this installation, for admins and owners."""
    return _users(request, user, session, notice=done)


def _users(
    request: Request,
    user: Principal,
    session: Session,
    status: int = 200,
    error: str | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    manageable = [r.value for r in Role if may_manage(user.role, r)]
    context = {
        "user": user,
        "users": service.list_users(session),
        "roles": manageable,
        "error": error,
        "notice": texts(user.language).get(notice or "", None),
    }
    return _render(request, "users.html", user.language, status, **context)


@pages.post("/account/users")
def create_user(
    request: Request,
    user: UsersManager,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[str, Form()],
    password: Annotated[str, Form(max_length=1000)],
    display_name: Annotated[str, Form(max_length=200)] = "",
    language: Annotated[str, Form()] = "nb",
) -> Response:
    """Create a user with a first password."""
    try:
        service.create_user(
            session,
            email,
            role,
            password,
            display_name=display_name,
            language=language,
            actor=user,
            ip=client_ip(request),
        )
    except KundepulsError as error:
        session.rollback()
        return _users(request, user, session, error.status_code, str(error))
    return RedirectResponse("/account/users?done=user_created", 303)


@pages.post("/account/users/{user_id}/role")
def change_role(
    request: Request,
    user_id: int,
    user: UsersManager,
    session: SessionDep,
    role: Annotated[str, Form()],
) -> Response:
    """Give a user another role."""
    return _change(
        request,
        user,
        session,
        lambda target: service.set_role(session, target, role, actor=user, ip=client_ip(request)),
        user_id,
    )


@pages.post("/account/users/{user_id}/active")
def change_active(
    request: Request,
    user_id: int,
    user: UsersManager,
    session: SessionDep,
    active: Annotated[bool, Form()],
) -> Response:
    """Deactivate or reactivate a user."""
    return _change(
        request,
        user,
        session,
        lambda target: service.set_active(
            session, target, active, actor=user, ip=client_ip(request)
        ),
        user_id,
    )


def _change(
    request: Request, user: Principal, session: Session, change: Any, user_id: int
) -> Response:
    try:
        change(service.find_user(session, user_id))
    except KundepulsError as error:
        session.rollback()
        return _users(request, user, session, error.status_code, str(error))
    return RedirectResponse("/account/users?done=user_changed", 303)


@pages.get("/account/tokens")
def tokens_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """My API tokens."""
    return _tokens(request, user, session)


def _tokens(
    request: Request, user: Principal, session: Session, status: int = 200, **extra: Any
) -> HTMLResponse:
    context = {
        "user": user,
        "tokens": tokens.list_tokens(session, user.id),
        "scopes": [s.value for s in scopes_for(user.role)]
        if user.can(Permission.MANAGE_TOKENS)
        else [],
        **extra,
    }
    return _render(request, "tokens.html", user.language, status, **context)


@pages.post("/account/tokens")
def create_token(
    request: Request,
    user: TokensManager,
    session: SessionDep,
    name: Annotated[str, Form(max_length=100)],
    scope: Annotated[str, Form()],
    expires_days: Annotated[str, Form()] = "",
) -> Response:
    """Create a token and show it this once (the page is not cached)."""
    try:
        days = int(expires_days) if expires_days.strip() else None
        owner = service.find_user(session, user.id)
        _, raw = tokens.create_token(
            session, owner, name, scope, expires_days=days, actor=user, ip=client_ip(request)
        )
    except (KundepulsError, ValueError) as error:
        session.rollback()
        status = getattr(error, "status_code", 422)
        return _tokens(request, user, session, status, error=str(error))
    response = _tokens(request, user, session, 201, created=raw)
    response.headers["Cache-Control"] = "no-store"
    return response


@pages.post("/account/tokens/{token_id}/revoke")
def revoke_token_page(
    request: Request, token_id: int, user: TokensManager, session: SessionDep
) -> Response:
    """Revoke one of my tokens."""
    try:
        tokens.revoke_token(session, token_id, actor=user, ip=client_ip(request))
    except KundepulsError as error:
        session.rollback()
        return _tokens(request, user, session, error.status_code, error=str(error))
    return RedirectResponse("/account/tokens", 303)


@api.get("/me")
def me(user: CurrentUser) -> Principal:
    """The signed-in user or the token's owner, with the token's scope."""
    return user


@api.get("/tokens")
def list_my_tokens(user: ApiReader, session: SessionDep) -> list[TokenOut]:
    """My API tokens (never their secret)."""
    return [TokenOut.model_validate(t) for t in tokens.list_tokens(session, user.id)]


@api.delete("/tokens/{token_id}", status_code=204)
def revoke_token(
    request: Request, token_id: int, user: TokensManager, session: SessionDep
) -> Response:
    """Revoke a token."""
    tokens.revoke_token(session, token_id, actor=user, ip=client_ip(request))
    return Response(status_code=204)


@api.get("/users")
def list_users(user: UsersReader, session: SessionDep) -> list[UserOut]:
    """Every user."""
    return [UserOut.model_validate(u) for u in service.list_users(session)]


@api.get("/audit")
def audit_log(
    user: AuditReader, session: SessionDep, limit: int = 100, action: str | None = None
) -> list[AuditOut]:
    """The newest audit entries, optionally of one action."""
    if not 1 <= limit <= 1000:
        raise HTTPException(422, "limit: give 1 to 1000")
    return [AuditOut.model_validate(e) for e in audit.recent(session, limit, action)]


router = APIRouter()
router.include_router(pages)
router.include_router(api)
