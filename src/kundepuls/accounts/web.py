"""The web side of accounts: who a request is, what it may do, and CSRF on every change.

- ``current_user``: the principal of a session cookie (pages and API) or of an
  ``Authorization: Bearer kp_…`` token (``/api/…`` only). Pages without one are redirected
  to the sign-in page, the API answers 401.
- Every state-changing request made with a session cookie must carry the session's CSRF
  token (form field ``csrf_token`` or header ``X-CSRF-Token``), or it gets 403. Token
  requests need none: a browser never sends them by itself.
- ``require(permission)``: the same, and 403 unless the role (and token scope) allows it.
"""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from kundepuls.accounts import service, tokens
from kundepuls.accounts.permissions import Permission
from kundepuls.accounts.schemas import Principal
from kundepuls.accounts.texts import texts
from kundepuls.config import Settings
from kundepuls.db import session_scope
from kundepuls.kit.security import check_csrf, csrf_token

COOKIE = "kundepuls_session"
LOGIN_PATH = "/login"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """A page needs a signed-in user; the handler sends the browser to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Forbidden(HTTPException):
    """403: pages show it as a page in the user's language, the API as JSON."""

    def __init__(self, detail: str) -> None:
        super().__init__(403, detail)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _authenticate(request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    with session_scope(request.app.state.engine) as session:
        if header and is_api(request):
            if scheme.lower() != "bearer":
                return None
            return tokens.authenticate_token(session, credential.strip())
        raw = request.cookies.get(COOKIE)
        return service.resolve_session(session, raw) if raw else None


async def _csrf_sent(request: Request) -> str | None:
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        # Starlette keeps the parsed form, so the route's Form() parameters read it again.
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return sent


async def current_user(request: Request) -> Principal:
    """The signed-in principal; pages redirect to sign-in, the API answers 401."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        principal = await run_in_threadpool(_authenticate, request)
    if principal is None:
        if is_api(request):
            raise HTTPException(
                401, "sign in or send a valid API token", {"WWW-Authenticate": "Bearer"}
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    if request.method not in SAFE_METHODS and principal.session_id is not None:
        sent = await _csrf_sent(request)
        if not check_csrf(_settings(request).secret_key, principal.session_id, sent):
            raise Forbidden("missing or invalid CSRF token; reload the page and retry")
    request.state.principal = principal
    return principal


def require(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the signed-in principal, or 403 when it may not do ``permission``."""

    async def dependency(user: Annotated[Principal, Depends(current_user)]) -> Principal:
        if not user.can(permission):
            raise Forbidden(f"your role may not do this ({permission.value})")
        return user

    dependency.__name__ = f"require_{permission.name.lower()}"
    return dependency


def csrf_value(request: Request) -> str:
    """The CSRF token of the request's session ('' when nobody is signed in)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None or principal.session_id is None:
        return ""
    return csrf_token(_settings(request).secret_key, principal.session_id)


@pass_context
def _csrf_input(context: Any) -> Markup:
    value = csrf_value(context["request"])
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(value))


@pass_context
def _csrf_token(context: Any) -> str:
    return csrf_value(context["request"])


def add_template_globals(templates: Jinja2Templates) -> None:
    """``{{ csrf_input() }}`` in a form, ``{{ csrf_token() }}`` for scripts (X-CSRF-Token)."""
    templates.env.globals["csrf_input"] = _csrf_input
    templates.env.globals["csrf_token"] = _csrf_token


templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "web" / "templates")
add_template_globals(templates)


def set_session_cookie(response: Response, settings: Settings, raw: str) -> None:
    response.set_cookie(
        COOKIE,
        raw,
        max_age=int(service.SESSION_MAX.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.base_url.startswith("https://"),
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.base_url.startswith("https"),
    )


def wants_page(request: Request) -> bool:
    """A signed-in browser asking for a page (not the API, not a public survey page)."""
    return (
        not is_api(request)
        and getattr(request.state, "principal", None) is not None
        and "text/html" in request.headers.get("accept", "")
    )


def problem_page(request: Request, status: int, why: str) -> Response:
    """A page in the user's language saying what went wrong (403, 404, a bad request …)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    language = principal.language if principal else "nb"
    tx = texts(language)
    heading = {403: tx["forbidden"], 404: tx["not_found"]}.get(status, tx["problem"])
    context = {"user": principal, "lang": language, "tx": tx, "why": why, "heading": heading}
    return templates.TemplateResponse(request, "accounts/forbidden.html", context, status)


def install(app: FastAPI, shared: Jinja2Templates | None = None) -> None:
    """Send pages that need sign-in to the sign-in page; give templates the CSRF globals."""

    async def login_required(_request: Request, error: Exception) -> Response:
        assert isinstance(error, LoginRequired)
        return RedirectResponse(f"{LOGIN_PATH}?next={quote(error.next_path, safe='/')}", 303)

    async def forbidden(request: Request, error: Exception) -> Response:
        assert isinstance(error, Forbidden)
        if is_api(request):
            return JSONResponse({"detail": error.detail}, 403)
        return problem_page(request, 403, str(error.detail))

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(Forbidden, forbidden)
    if shared is not None:
        add_template_globals(shared)
