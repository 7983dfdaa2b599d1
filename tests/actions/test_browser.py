"""The actions pages in a real browser on the demo store: Debian's chromium against
``kundepuls serve`` on loopback. Screenshots go to ``test-artifacts/screenshots/``."""

from pathlib import Path

import pytest

from kundepuls.accounts import service
from kundepuls.db import make_engine, session_scope
from tests.actions.conftest import Demo
from tests.browser import SHOTS, chromium, log_in, serve

pytestmark = pytest.mark.browser

PASSWORD = "fjord-og-fjell-2026"
EMAIL = "eva@butikk.no"


def _shot(page: object, name: str) -> None:
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("demo_store", ["sqlite"], indirect=True)  # once, on the embedded store
def test_open_actions_create_one_and_see_its_effect_chart(demo_store: Demo, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    engine = make_engine(demo_store.url)
    with session_scope(engine) as session:
        service.create_user(session, EMAIL, "analyst", PASSWORD, display_name="Eva Hansen")
    engine.dispose()
    planted = demo_store.planted
    with serve(demo_store.url, tmp_path) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        log_in(page, base, EMAIL, PASSWORD)
        page.goto(f"{base}/kpis")
        page.get_by_role("link", name="Tiltak", exact=True).click()
        expect(page.get_by_role("heading", name="Tiltak", exact=True)).to_be_visible()
        row = page.locator("#actions-table tbody tr").filter(has_text=planted.improvement_name)
        expect(row).to_contain_text("Virket")
        _shot(page, "actions")

        page.get_by_role("link", name="Nytt tiltak").click()
        page.get_by_label("Navn på tiltaket").fill("Chat på kveldstid")
        page.get_by_label("Nøkkeltall", exact=True).select_option("csat")
        page.get_by_label("Segment", exact=True).fill(f"region {planted.falling_region}")
        page.get_by_label("Startdato").fill("2026-10-01")
        page.get_by_label("Forventet endring (valgfritt)").fill("5")
        page.get_by_role("button", name="Lagre tiltaket").click()
        expect(page.locator("#e-segment")).to_contain_text("DIMENSJON=VERDI")
        _shot(page, "actions-form-error")
        page.get_by_label("Segment", exact=True).fill(f"region={planted.falling_region}")
        page.get_by_role("button", name="Lagre tiltaket").click()
        expect(page.get_by_role("status")).to_contain_text("Tiltaket er lagret.")
        expect(page.get_by_role("heading", name="Chat på kveldstid")).to_be_visible()
        expect(page.locator("#effect-chart .main-svg").first).to_be_visible()
        expect(page.locator("#periods-table")).to_contain_text(f"Region: {planted.falling_region}")
        _shot(page, "actions-new-detail")

        page.get_by_role("link", name="Alle tiltak").click()
        page.get_by_role("link", name=planted.improvement_name).click()
        expect(page.locator("#effect-chart .main-svg").first).to_be_visible()
        expect(page.locator("#effect-chart .shapelayer path")).to_have_count(3)
        expect(page.locator("#outcome")).to_have_text("Virket")
        expect(page.locator("#weekly-table")).to_be_visible()
        _shot(page, "actions-detail")

        page.get_by_role("button", name="Bytt språk til engelsk").click()
        expect(page.locator("#outcome")).to_have_text("Worked")
        expect(page.locator("#method-help")).to_contain_text("comparison group")
        _shot(page, "actions-detail-en")
