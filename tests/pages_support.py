"""Helpers for tests of signed-in pages: sign in with a language, read a page's CSRF token."""

import html
import json
import re
import uuid
from typing import Any

import httpx

from tests.support import PASSWORD


def sign_in_as(client: httpx.Client, database_url: str, role: str, language: str = "nb") -> str:
    """Create a user with ``role`` and ``language``, sign ``client`` in; return the email."""
    from kundepuls.accounts import service
    from kundepuls.db import make_engine, session_scope

    email = f"{role}-{uuid.uuid4().hex[:8]}@test.no"
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        service.create_user(session, email, role, PASSWORD, language=language)
    engine.dispose()
    answer = client.post("/login", data={"email": email, "password": PASSWORD})
    assert answer.status_code in (200, 303), answer.text
    return email


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def text_of(page: str) -> str:
    """The page's text with tags removed and entities decoded (for phrase checks)."""
    return norm(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def norm(text: str) -> str:
    """Every run of white space (no-break spaces too) as one space."""
    return re.sub(r"\s+", " ", text)


def chart_json(page: str, element_id: str = "chart-data") -> Any:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page,
                      re.S)  # fmt: skip
    assert found, f"no {element_id} on the page"
    return json.loads(found.group(1))
