"""Real-browser tests: ``kundepuls serve`` on loopback and Debian's chromium via Playwright.

Without chromium a browser test is skipped, unless KUNDEPULS_REQUIRE_BROWSER=1 (as in CI),
where it fails instead. Screenshots go to ``test-artifacts/screenshots/``.

    with serve(url) as base, chromium() as browser:
        page = browser.new_page(locale="nb-NO")
        page.goto(f"{base}/login")
        ...
        page.screenshot(path=SHOTS / "overview.png", full_page=True)
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.support import SRC

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


def need_browser() -> None:
    """Skip (or fail, in CI) when chromium or Playwright is missing."""
    problem = None if CHROMIUM.exists() else f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "playwright is not installed"
    if problem:
        if os.environ.get("KUNDEPULS_REQUIRE_BROWSER") == "1":
            pytest.fail(problem)
        pytest.skip(problem)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(database_url: str, cwd: Path, **env_extra: str) -> Iterator[str]:
    """``kundepuls serve`` in a subprocess over ``database_url``; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": SRC, "KUNDEPULS_DATABASE_URL": database_url}
    env.update(KUNDEPULS_BASE_URL=base, **env_extra)
    command = [sys.executable, "-m", "kundepuls", "serve", "--port", str(port), "--no-worker"]
    process = subprocess.Popen(command, env=env, cwd=cwd, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {process.stderr.read()!r}")  # type: ignore[union-attr]
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stderr.close()  # type: ignore[union-attr]


@contextmanager
def chromium() -> Iterator["Browser"]:
    """Headless chromium (skipped or failed by :func:`need_browser` when missing)."""
    need_browser()
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def log_in(page: "object", base: str, email: str, password: str, lang: str = "nb") -> None:
    """Sign in through the sign-in form (Bokmål or English labels)."""
    labels = {"nb": ("E-post", "Passord", "Logg inn"), "en": ("Email", "Password", "Sign in")}
    email_label, password_label, button = labels[lang]
    page.goto(f"{base}/login?lang={lang}")  # type: ignore[attr-defined]
    page.get_by_label(email_label).fill(email)  # type: ignore[attr-defined]
    page.get_by_label(password_label).fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name=button).click()  # type: ignore[attr-defined]
