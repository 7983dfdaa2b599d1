"""A real sign-in in Debian's chromium against uvicorn on loopback: log in, see the page, log out.

Screenshots go to ``test-artifacts/screenshots/``. Without chromium the test is skipped,
unless KUNDEPULS_REQUIRE_BROWSER=1 (as in CI), where it fails instead.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from kundepuls.accounts import service
from kundepuls.db import make_engine, migrate, session_scope
from tests.browser import SHOTS, chromium, serve

pytestmark = pytest.mark.browser

PASSWORD = "fjord-og-fjell-2026"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``kundepuls serve`` (uvicorn) on loopback over a store with one owner."""
    url = f"sqlite:///{tmp_path / 'kundepuls.db'}"
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        service.create_user(session, "eva@butikk.no", "owner", PASSWORD, display_name="Eva Hansen")
    engine.dispose()
    with serve(url, tmp_path) as base:
        yield base


def test_sign_in_and_out_in_a_real_browser(server: str) -> None:
    from playwright.sync_api import expect

    with chromium() as browser:
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
