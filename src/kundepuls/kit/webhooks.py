"""A small, generic webhook sender: JSON POST, HMAC signature, timeout, retries with back-off.

The body always carries a ``text`` field, so the same call posts to a Slack (or
Mattermost, Teams-compatible) incoming webhook and to any receiver that reads JSON.
The receiver checks authenticity by recomputing
``sha256=HMAC_SHA256(secret, raw body)`` and comparing it with the
``X-Kundepuls-Signature`` header.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

SIGNATURE_HEADER = "X-Kundepuls-Signature"
EVENT_HEADER = "X-Kundepuls-Event"
# Worth another try: the receiver was busy or briefly broken, not told us "no".
_RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Delivery:
    """How one webhook call went: ``ok``, the last HTTP status, attempts made, last error."""

    url: str
    ok: bool
    status: int | None
    attempts: int
    error: str | None = None


def sign(body: bytes, secret: str) -> str:
    """The signature header value for ``body``.

    Examples
    --------
    >>> sign(b'{"text": "hi"}', "s3cret")[:15]
    'sha256=f3725fee'
    """
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(body: bytes, secret: str, signature: str) -> bool:
    """Whether ``signature`` is the signature of ``body`` under ``secret`` (constant time)."""
    return hmac.compare_digest(sign(body, secret), signature)


def payload(event: str, text: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body: ``event``, a human ``text`` (Slack shows it) and the event's ``data``."""
    return {"event": event, "text": text, "data": data or {}}


def send(
    url: str,
    body: dict[str, Any],
    *,
    secret: str | None = None,
    timeout: float = 5.0,
    retries: int = 3,
    backoff: float = 0.5,
) -> Delivery:
    """POST ``body`` as JSON to ``url``; retry on network errors and 5xx/429 with back-off.

    Waits ``backoff * 2**k`` seconds before retry ``k + 1``. Never raises for a failed
    delivery: the caller decides (e.g. keep the event and try again later).

    Examples
    --------
    >>> send("http://127.0.0.1:9/hook", payload("ping", "hello"), retries=0).ok
    False
    """
    raw = json.dumps(body, default=str, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "kundepuls-webhook"}
    if "event" in body:
        headers[EVENT_HEADER] = str(body["event"])
    if secret:
        headers[SIGNATURE_HEADER] = sign(raw, secret)
    status: int | None = None
    error: str | None = None
    attempts = 0
    with httpx.Client(timeout=timeout) as client:
        for attempt in range(retries + 1):
            if attempt:
                time.sleep(backoff * 2 ** (attempt - 1))
            attempts += 1
            try:
                response = client.post(url, content=raw, headers=headers)
            except httpx.HTTPError as problem:
                status, error = None, f"{type(problem).__name__}: {problem}"
                continue
            status = response.status_code
            if response.is_success:
                return Delivery(url, True, status, attempts)
            error = f"HTTP {status}"
            if status not in _RETRY_STATUSES:
                break
    return Delivery(url, False, status, attempts, error)
