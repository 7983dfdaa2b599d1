"""The customers pages in a real browser: Debian's chromium against ``kundepuls serve`` on a
small demo store without predictions, computed from the page. Screenshots go to
``test-artifacts/screenshots/``."""

from pathlib import Path

import pandas as pd
import pytest

from kundepuls.accounts import service
from kundepuls.db import make_engine, migrate, session_scope
from tests.browser import SHOTS, chromium, log_in, serve
from tests.predict.pages_store import EMAIL, PHONE, build_store

pytestmark = pytest.mark.browser

PASSWORD = "fjord-og-fjell-2026"
OWNER = "eva@butikk.no"


def _shot(page: object, name: str) -> None:
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)  # type: ignore[attr-defined]


def test_customers_customer_and_a_download_in_a_real_browser(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url = f"sqlite:///{tmp_path / 'kundepuls.db'}"
    migrate(url)
    store = build_store(url, predictions=False)
    engine = make_engine(url)
    with session_scope(engine) as session:
        service.create_user(session, OWNER, "owner", PASSWORD, display_name="Eva Hansen")
    engine.dispose()
    with serve(url, tmp_path) as base, chromium() as browser:
        page = browser.new_page(
            viewport={"width": 1280, "height": 900}, locale="nb-NO", accept_downloads=True
        )
        log_in(page, base, OWNER, PASSWORD)
        page.goto(f"{base}/comments")
        page.get_by_role("link", name="Kunder", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kunder")
        expect(page.get_by_role("heading", name="Ingen spådommer ennå")).to_be_visible()
        _shot(page, "customers-empty")
        page.get_by_role("button", name="Beregn spådommene nå").click()
        expect(page.get_by_role("status")).to_contain_text("Spådommene er beregnet på nytt.")
        expect(page.get_by_role("heading", name="RFM-segmenter")).to_be_visible()
        expect(page.locator("#segments-chart .main-svg").first).to_be_visible()
        expect(page.locator("#summary .card")).to_have_count(6)
        expect(page.get_by_role("button", name="Beregn spådommene nå")).to_be_visible()
        _shot(page, "customers")

        page.get_by_role("link", name="I ferd med å falle fra").click()
        leaving = page.locator("#list-leaving tbody tr")
        expect(leaving.first).to_be_visible()
        expect(leaving.first.locator("td.reasons li").first).to_be_visible()
        _shot(page, "customers-leaving")

        with page.expect_download() as info:
            page.locator("#lists .downloads").get_by_role("link", name="CSV").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        frame = pd.read_csv(saved, sep=";", encoding="utf-8-sig", dtype={"Kunde-ID": str})
        shown = page.locator("#list-leaving tbody tr").count()
        assert len(frame) >= shown > 0
        first_id = leaving.first.get_attribute("data-customer")
        assert frame["Kunde-ID"].iloc[0] == first_id
        assert frame["Hvorfor"].notna().all()

        page.goto(f"{base}/customers/{store.customer_id}")
        expect(page.get_by_role("heading", name=store.name)).to_be_visible()
        expect(page.get_by_role("heading", name="Historikk")).to_be_visible()
        comment = page.locator("#responses td.comment").filter(has_text="[e-post]")
        expect(comment).to_contain_text("[telefon]")
        content = page.content()
        assert EMAIL not in content
        assert PHONE not in content
        _shot(page, "customer")

        page.get_by_role("button", name="Bytt språk til engelsk").click()
        page.goto(f"{base}/customers?tab=ambassadors")
        expect(page.get_by_role("heading", name="Customer lists")).to_be_visible()
        expect(page.locator("#list-ambassadors tbody tr").first).to_be_visible()
        _shot(page, "customers-en")
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(f"{base}/customers")
        expect(page.locator("#segments-chart .main-svg").first).to_be_visible()
        _shot(page, "customers-phone")
