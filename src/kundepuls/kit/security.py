"""Security helpers with no domain knowledge: secret tokens, CSRF tokens, rate limiting.

- ``new_token``/``hash_token``: an unguessable token is handed out once (in a link or to an
  API client) and only its SHA-256 is stored, so a leaked table grants nothing.
- ``csrf_token``/``check_csrf``: a form token signed with the secret key and bound to a
  subject (a session, an invitation) and a time, so a form cannot be posted from elsewhere.
- ``RateLimiter``: a per-key token bucket in memory (per process), enough to blunt
  guessing and flooding of public pages.
"""

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random token with ``nbytes`` of entropy (32 bytes → 43 characters)."""
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """The hex SHA-256 of ``token``; tokens are random, so no salt or slow hash is needed.

    >>> len(hash_token("abc"))
    64
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(secret: str, subject: str, now: float | None = None) -> str:
    """A form token for ``subject``, valid for ``max_age`` seconds in ``check_csrf``.

    >>> token = csrf_token("s3cret", "invitation-1", now=1000.0)
    >>> check_csrf("s3cret", "invitation-1", token, now=1060.0)
    True
    >>> check_csrf("s3cret", "invitation-2", token, now=1060.0)
    False
    """
    stamp = str(int(now if now is not None else time.time()))
    return f"{stamp}.{_sign(secret, subject, stamp)}"


def check_csrf(
    secret: str, subject: str, token: str | None, max_age: float = 86400, now: float | None = None
) -> bool:
    """Whether ``token`` was made by ``csrf_token`` for ``subject`` within ``max_age``."""
    if not token or "." not in token:
        return False
    stamp, signature = token.split(".", 1)
    if not stamp.isdigit():
        return False
    age = (now if now is not None else time.time()) - int(stamp)
    if not 0 <= age <= max_age:
        return False
    return hmac.compare_digest(signature, _sign(secret, subject, stamp))


def _sign(secret: str, subject: str, stamp: str) -> str:
    message = f"csrf\x00{subject}\x00{stamp}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class RateLimiter:
    """A token bucket per key: ``rate`` requests per ``per`` seconds, bursts up to ``burst``.

    Thread-safe; keeps at most ``max_keys`` buckets (least recently used are dropped).

    >>> limiter = RateLimiter(rate=2, per=60, burst=2)
    >>> [limiter.allow("10.0.0.1", now=0.0) for _ in range(3)]
    [True, True, False]
    >>> limiter.allow("10.0.0.1", now=30.0)
    True
    """

    def __init__(
        self, rate: float, per: float = 60.0, burst: float | None = None, max_keys: int = 100_000
    ) -> None:
        self.rate = rate / per
        self.burst = float(burst if burst is not None else rate)
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take one token for ``key``; False when its bucket is empty."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1
            self._buckets[key] = (tokens - 1 if allowed else tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return allowed
