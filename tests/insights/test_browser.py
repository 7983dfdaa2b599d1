"""Insights, benchmarks and alerts in a real browser on the demo store: Debian's chromium
against ``kundepuls serve`` on loopback. Screenshots go to ``test-artifacts/screenshots/``."""

import re
from pathlib import Path

import pytest

from kundepuls.accounts import service
from kundepuls.db import make_engine, session_scope
from tests.browser import SHOTS, chromium, log_in, serve
from tests.insights.conftest import Demo

pytestmark = pytest.mark.browser

PASSWORD = "fjord-og-fjell-2026"
EMAIL = "eva@butikk.no"


def _owner(demo: Demo) -> None:
    engine = make_engine(demo.url)
    with session_scope(engine) as session:
        service.create_user(session, EMAIL, "owner", PASSWORD, display_name="Eva Hansen")
    engine.dispose()


def _shot(page: object, name: str) -> None:
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)  # type: ignore[attr-defined]


def test_insights_benchmarks_and_alerts_in_a_real_browser(demo: Demo, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    if not demo.url.startswith("sqlite"):
        pytest.skip("the browser test runs once, on the embedded store")
    _owner(demo)
    with serve(demo.url, tmp_path) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        log_in(page, base, EMAIL, PASSWORD)
        page.goto(f"{base}/insights")
        findings = page.locator(".finding")
        expect(findings.filter(has_text="Første svartid (timer) i helgene").first).to_be_visible()
        expect(
            findings.filter(has_text=f"region {demo.planted.falling_region} har falt")
        ).to_be_visible()
        expect(page.get_by_role("heading", name="Fiks dette først")).to_be_visible()
        _shot(page, "insights")

        page.get_by_role("link", name="Drivere og prioritering").click()
        expect(page.get_by_role("heading", name="Hva driver NPS?")).to_be_visible()
        expect(page.locator("#drivers-chart .main-svg").first).to_be_visible()
        expect(page.locator("#drivers-chart .errorbar").first).to_be_attached()
        expect(page.locator("#priorities-chart .main-svg").first).to_be_visible()
        _shot(page, "insights-drivers")
        page.get_by_role("link", name="Hva drev endringen").click()
        expect(page.locator("#change-chart .main-svg").first).to_be_visible()
        _shot(page, "insights-change")
        page.get_by_role("link", name="Ukedag × time").click()
        expect(page.locator("#heatmap-chart .main-svg").first).to_be_visible()
        _shot(page, "insights-heatmap")

        page.goto(f"{base}/benchmarks")
        page.get_by_label("Nøkkeltall", exact=True).select_option("nps")
        page.get_by_label("Type", exact=True).select_option("industry")
        page.get_by_label("Kilde", exact=True).fill("Norsk Kundebarometer")
        page.get_by_label("Verdi", exact=True).fill("45")
        page.get_by_label("Periode fra", exact=True).fill("2026-09-01")
        page.get_by_label("Periode til", exact=True).fill("2026-11-30")
        page.get_by_label("Utvalg n (valgfritt)").fill("1500")
        page.get_by_role("button", name="Lagre").click()
        expect(page.get_by_role("status")).to_contain_text("Sammenligningen er lagret.")
        row = page.locator("#benchmarks-table tbody tr").filter(has_text="Norsk Kundebarometer")
        expect(row).to_contain_text("signifikant under bransjen")
        _shot(page, "benchmarks")

        page.goto(f"{base}/alerts")
        page.get_by_label("Type", exact=True).select_option("threshold")
        page.get_by_label("Nøkkeltall", exact=True).select_option("nps")
        page.get_by_label("Segment", exact=True).fill(f"region={demo.planted.falling_region}")
        page.get_by_label("Retning", exact=True).select_option("below")
        page.get_by_label("Grense", exact=True).fill("20")
        page.get_by_label("Vindu (dager)").fill("90")
        page.get_by_label("E-post", exact=True).fill("leder@butikk.no")
        page.get_by_label("Navn", exact=True).fill("NPS i Vestfold")
        page.get_by_role("button", name="Lagre regelen").click()
        expect(page.get_by_role("status")).to_contain_text("Regelen er lagret.")
        page.get_by_role("button", name=re.compile("Test regelen NPS i Vestfold")).click()
        result = page.locator("#test-result")
        expect(result).to_contain_text("Ingenting er sendt")
        expect(result).to_contain_text("NPS i Vestfold")
        _shot(page, "alerts")

        page.get_by_role("button", name="Bytt språk til engelsk").click()
        page.goto(f"{base}/insights")
        expect(page.get_by_role("heading", name="Fix these first")).to_be_visible()
        expect(page.locator(".finding").filter(has_text="at weekends").first).to_be_visible()
        _shot(page, "insights-en")
