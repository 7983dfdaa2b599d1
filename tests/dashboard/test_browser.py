"""The overview and the settings in Debian's chromium against `kundepuls serve` on loopback.

Log in, read the overview in Bokmål, watch a tile update live when an answer arrives,
switch to English, and set a target as an admin. Screenshots go to
``test-artifacts/screenshots/dashboard-*.png`` (desktop and a 390-px phone, light and dark).
"""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kundepuls.accounts import service
from kundepuls.db import make_engine, migrate, session_scope
from kundepuls.demo.service import build_demo
from tests.browser import SHOTS, chromium, log_in, serve
from tests.dashboard.test_live import add_answer

pytestmark = pytest.mark.browser

PASSWORD = "fjord-og-fjell-2026"
TIMEOUT = 120_000  # the first overview of a fresh server computes every KPI


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A demo store with data up to today, an admin, and the server over it."""
    url = f"sqlite:///{tmp_path / 'kundepuls.db'}"
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        build_demo(session, today=date.today(), customers=2000)
        service.create_user(session, "eva@butikk.no", "admin", PASSWORD, display_name="Eva")
    engine.dispose()
    with serve(url, tmp_path) as base:
        yield url, base


def test_overview_live_language_and_settings(demo: tuple[str, str]) -> None:
    from playwright.sync_api import expect

    url, base = demo
    expect.set_options(timeout=TIMEOUT)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        page.set_default_timeout(TIMEOUT)
        log_in(page, base, "eva@butikk.no", PASSWORD)
        page.goto(f"{base}/")
        expect(page.get_by_role("heading", name="Oversikt", level=1)).to_be_visible()
        nps = page.locator('li[data-kpi="nps"]')
        expect(nps.get_by_role("link", name="NPS")).to_be_visible()
        expect(page.locator("#findings ol.findings, #findings p")).to_have_count(1)
        expect(page.locator("#findings")).not_to_have_attribute("aria-busy", "true")
        page.screenshot(path=SHOTS / "dashboard-overview-nb.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=SHOTS / "dashboard-overview-nb-phone.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

        # Live: an answer arrives; the tile's n changes without a reload.
        page.evaluate("window.__notReloaded = true")
        n = int(nps.get_attribute("data-n") or "0")
        add_answer(url, nps=10)
        expect(page.locator('li[data-kpi="nps"]')).to_have_attribute("data-n", str(n + 1))
        expect(page.get_by_role("status")).to_contain_text("Oppdatert")
        assert page.evaluate("window.__notReloaded") is True

        # English: texts and number formats.
        page.get_by_role("button", name="Bytt språk til engelsk").click()
        expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
        expect(page.get_by_role("link", name="Last 30 days")).to_be_visible()
        csat = page.locator('li[data-kpi="csat"] [data-value]').inner_text()
        assert re.fullmatch(r"\d+\.\d", csat), csat
        aov = page.locator('li[data-kpi="aov"] [data-value]').inner_text()
        assert re.fullmatch(r"\d{1,3}(,\d{3})*", aov), aov
        expect(page.locator("#findings")).not_to_have_attribute("aria-busy", "true")
        page.screenshot(path=SHOTS / "dashboard-overview-en.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=SHOTS / "dashboard-overview-en-phone.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

        # Settings: an admin sets the NPS target; the tile shows it.
        page.get_by_role("link", name="Settings").click()
        expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
        page.get_by_label("NPS", exact=True).fill("30")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status").first).to_have_text("The settings are saved.")
        expect(page.get_by_label("NPS", exact=True)).to_have_value("30")
        page.screenshot(path=SHOTS / "dashboard-settings-en.png", full_page=True)
        page.get_by_role("link", name="Overview").click()
        expect(page.locator('li[data-kpi="nps"] .tile-target')).to_contain_text("Target 30")

        dark = browser.new_page(
            viewport={"width": 1280, "height": 900}, color_scheme="dark", locale="nb-NO"
        )
        dark.set_default_timeout(TIMEOUT)
        log_in(dark, base, "eva@butikk.no", PASSWORD)
        dark.goto(f"{base}/")
        expect(dark.locator("#findings")).not_to_have_attribute("aria-busy", "true")
        dark.screenshot(path=SHOTS / "dashboard-overview-dark.png", full_page=True)
        dark.goto(f"{base}/settings")
        dark.screenshot(path=SHOTS / "dashboard-settings-dark.png", full_page=True)
