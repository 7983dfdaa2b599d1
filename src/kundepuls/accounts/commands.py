"""``kundepuls user …`` and ``kundepuls token …``: manage users and API tokens from a shell.

Commands act with full rights as ``cli`` in the audit log: whoever can run them can read
the store anyway.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kundepuls.config import get_settings
from kundepuls.kit.errors import UsageError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy.orm import Session

user_app = typer.Typer(help="Manage the users who sign in to the dashboard.", no_args_is_help=True)
token_app = typer.Typer(
    help="Manage API tokens (Authorization: Bearer kp_…).", no_args_is_help=True
)


def _session() -> AbstractContextManager[Session]:
    """A session on the store that commits when the command's block ends cleanly."""
    from kundepuls.db import engine_for, session_scope

    return session_scope(engine_for(get_settings().database_url))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("password: nothing was read from standard input")
        return password
    if not sys.stdin.isatty():
        raise UsageError("password: no terminal to ask on; pipe it in with --password-stdin")
    # Typer asks twice and never echoes.
    prompted: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return prompted


@user_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The user's email; they sign in with it.")],
    role: Annotated[str, typer.Option(help="owner, admin, analyst or viewer.")] = "viewer",
    name: Annotated[
        str | None, typer.Option(help="Display name (default: from the email).")
    ] = None,
    language: Annotated[str, typer.Option(help="nb or en.")] = "nb",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a user (the first one should be an owner)."""
    from kundepuls.accounts import service

    password = _read_password(password_stdin)
    with _session() as session:
        user = service.create_user(
            session, email, role, password, display_name=name, language=language
        )
        typer.echo(f"user {user.email} added as {user.role}")


@user_app.command("list")
def list_users() -> None:
    """Every user with role, status and last sign-in."""
    from kundepuls.accounts import service

    with _session() as session:
        for user in service.list_users(session):
            seen = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
            state = "active" if user.active else "deactivated"
            typer.echo(f"{user.email}\t{user.role}\t{state}\t{user.display_name}\t{seen}")


@user_app.command("set-role")
def set_role(
    email: Annotated[str, typer.Argument(help="The user's email.")],
    role: Annotated[str, typer.Argument(help="owner, admin, analyst or viewer.")],
) -> None:
    """Give a user another role."""
    from kundepuls.accounts import service

    with _session() as session:
        user = service.set_role(session, service.find_user(session, email), role)
        typer.echo(f"user {user.email} is now {user.role}")


@user_app.command("deactivate")
def deactivate(email: Annotated[str, typer.Argument(help="The user's email.")]) -> None:
    """Stop a user from signing in; their sessions end and their tokens stop working."""
    from kundepuls.accounts import service

    with _session() as session:
        user = service.set_active(session, service.find_user(session, email), False)
        typer.echo(f"user {user.email} deactivated")


@user_app.command("activate")
def activate(email: Annotated[str, typer.Argument(help="The user's email.")]) -> None:
    """Let a deactivated user sign in again."""
    from kundepuls.accounts import service

    with _session() as session:
        user = service.set_active(session, service.find_user(session, email), True)
        typer.echo(f"user {user.email} activated")


@token_app.command("create")
def create(
    email: Annotated[str, typer.Option("--user", help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")],
    scope: Annotated[str, typer.Option(help="read, write or admin.")] = "read",
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", help="Days until it expires (default: never).")
    ] = None,
) -> None:
    """Create an API token and print it once; only its hash is stored."""
    from kundepuls.accounts import service, tokens

    with _session() as session:
        owner = service.find_user(session, email)
        token, raw = tokens.create_token(session, owner, name, scope, expires_days=expires_days)
        typer.echo(
            f"token {token.id} ({token.scope}) for {owner.email}; keep it, it is not shown again:",
            err=True,
        )
    typer.echo(raw)


@token_app.command("list")
def list_tokens(
    email: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
) -> None:
    """Tokens with owner, scope and state (never the token itself)."""
    from kundepuls.accounts import service, tokens

    with _session() as session:
        user_id = service.find_user(session, email).id if email else None
        for token in tokens.list_tokens(session, user_id):
            state = "revoked" if token.revoked_at else "active"
            used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never"
            expires = token.expires_at.strftime("%Y-%m-%d") if token.expires_at else "never"
            typer.echo(
                f"{token.id}\t{token.user.email}\t{token.name}\t{token.scope}\t{token.prefix}…"
                f"\t{state}\tused {used}\texpires {expires}"
            )


@token_app.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (see token list).")],
) -> None:
    """Revoke a token; requests with it are refused from now on."""
    from kundepuls.accounts import tokens

    with _session() as session:
        token = tokens.revoke_token(session, token_id)
        typer.echo(f"token {token.id} ({token.name}) revoked")
