"""A real sign-in in Debian's chromium against uvicorn on loopback: log in, see the page, log out.

Screenshots go to ``test-artifacts/screenshots/``. Without chromium the test is skipped,
unless KUNDEPULS_REQUIRE_BROWSER=1 (as in CI), where it fails instead.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kundepuls.accounts import service
from kundepuls.db import make_engine, migrate, session_scope
from tests.support import SRC

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "fjord-og-fjell-2026"


def _need_browser() -> None:
    problem = None if CHROMIUM.exists() else f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "playwright is not installed"
    if problem:
        if os.environ.get("KUNDEPULS_REQUIRE_BROWSER") == "1":
            pytest.fail(problem)
        pytest.skip(problem)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``kundepuls serve`` (uvicorn) on loopback over a store with one owner."""
    url = f"sqlite:///{tmp_path / 'kundepuls.db'}"
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        service.create_user(session, "eva@butikk.no", "owner", PASSWORD, display_name="Eva Hansen")
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": SRC, "KUNDEPULS_DATABASE_URL": url}
    env["KUNDEPULS_BASE_URL"] = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "kundepuls", "serve", "--port", str(port), "--no-worker"]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
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


def test_sign_in_and_out_in_a_real_browser(server: str) -> None:
    _need_browser()
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 700}, locale="nb-NO")
            page.goto(f"{server}/account/tokens")
            expect(page).to_have_url(f"{server}/login?next=/account/tokens")
            expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
            page.get_by_label("E-post").fill("eva@butikk.no")
            page.get_by_label("Passord").fill("feil-passord")
            page.get_by_role("button", name="Logg inn").click()
            expect(page.get_by_role("alert")).to_have_text("Feil e-post eller passord.")
            page.get_by_label("Passord").fill(PASSWORD)
            page.screenshot(path=SHOTS / "accounts-login.png", full_page=True)
            page.get_by_role("button", name="Logg inn").click()

            expect(page).to_have_url(f"{server}/account/tokens")
            expect(page.get_by_role("heading", name="Mine API-nøkler")).to_be_visible()
            cookie = next(c for c in page.context.cookies() if c["name"] == "kundepuls_session")
            assert cookie["httpOnly"]
            assert cookie["sameSite"] == "Lax"
            page.get_by_label("Navn").fill("Rapport")
            page.get_by_role("button", name="Lag ny nøkkel").click()
            expect(page.locator("#new-token")).to_contain_text("kp_")
            page.screenshot(path=SHOTS / "accounts-tokens.png", full_page=True)

            page.get_by_role("link", name="Brukere").first.click()
            expect(page.get_by_role("cell", name="Eva Hansen")).to_be_visible()
            page.screenshot(path=SHOTS / "accounts-users.png", full_page=True)

            page.get_by_role("button", name="Logg ut").click()
            expect(page.get_by_role("status")).to_have_text("Du er logget ut.")
            page.screenshot(path=SHOTS / "accounts-logged-out.png", full_page=True)
            page.goto(f"{server}/account")
            expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
        finally:
            browser.close()
