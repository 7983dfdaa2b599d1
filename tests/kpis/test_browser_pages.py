"""The KPI pages in Debian's chromium over ``kundepuls serve`` on the demo store.

Log in, open a KPI from the list, break it down by region, drill into the rows of one
region, download them as CSV and read the file back. Screenshots of the list, the detail
page (trend, breakdown, heat map) and the rows page go to ``test-artifacts/screenshots/``.
"""

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from kundepuls.accounts import service
from kundepuls.db import make_engine, session_scope
from kundepuls.facts.models import Response
from tests.browser import SHOTS, chromium, log_in, serve
from tests.demo.conftest import build_store

pytestmark = pytest.mark.browser

PASSWORD = "fjord-og-fjell-2026"
EMAIL = "analytiker@butikk.no"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo store (seed 42, data up to 2026-11-30) with one viewer."""
    built = build_store(tmp_path_factory.mktemp("kpi-pages") / "kundepuls-demo.db")
    engine = make_engine(built.url)
    with session_scope(engine) as session:
        service.create_user(session, EMAIL, "viewer", PASSWORD, display_name="Ola Analytiker")
    engine.dispose()
    return built.url


@pytest.fixture
def server(demo_url: str, tmp_path: Path) -> Iterator[str]:
    with serve(demo_url, tmp_path) as base:
        yield base


def test_explore_a_kpi_down_to_its_rows_and_download_them(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        log_in(page, server, EMAIL, PASSWORD)
        page.goto(f"{server}/kpis")
        expect(page.get_by_role("heading", name="Nøkkeltall", exact=True)).to_be_visible()
        expect(page.locator('[data-kpi="nps"] .kp-card-value')).not_to_have_text("–")
        page.screenshot(path=SHOTS / "kpis-list.png", full_page=True)

        page.locator('[data-kpi="nps"] a').click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("NPS")
        page.get_by_role("link", name="12 måneder").click()
        expect(page).to_have_url(re.compile(r"from=2025-12-01"))
        page.get_by_label("Fordel etter").select_option("region")
        page.get_by_role("button", name="Vis").click()
        expect(page).to_have_url(re.compile(r"by=region"))
        expect(page.locator("#breakdown-heading")).to_contain_text("Region")
        for chart in ("trend", "breakdown", "heatmap"):
            expect(page.locator(f"#{chart}-chart")).to_have_attribute("data-drawn", "true")
        segments = page.locator("#breakdown-table tbody tr")
        assert segments.count() >= 3
        page.screenshot(path=SHOTS / "kpis-detail.png", full_page=True)

        first = segments.first
        region = first.get_attribute("data-segment")
        segment_n = int(first.get_attribute("data-n") or "-1")
        first.get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Radene bak")
        expect(page.locator(".chip")).to_contain_text(f"Region = {region}")
        total = int(page.locator("[data-total]").get_attribute("data-total") or "0")
        assert total == segment_n
        page.locator(".kp-rows thead a", has_text="NPS-score").click()
        expect(page.locator(".kp-rows thead [aria-sort]")).to_contain_text("NPS-score")
        page.screenshot(path=SHOTS / "kpis-rows.png", full_page=True)

        with page.expect_download() as info:
            page.get_by_role("link", name="Last ned CSV").first.click()
        download = info.value
        assert download.suggested_filename.startswith("nps-rows-")
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        raw = saved.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        frame = pd.read_csv(io.BytesIO(raw), sep=";", encoding="utf-8-sig")
        assert len(frame) == total
        assert set(frame["Region"]) == {region}
        assert frame["NPS-score"].between(0, 10).all()
        assert (
            frame["NPS-score"].is_monotonic_increasing or frame["NPS-score"].is_monotonic_decreasing
        )

        # In English on a phone: the same page, one column, charts as wide as the screen.
        page.get_by_role("button", name="Bytt språk til engelsk").click()
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{server}/kpis/first_response_hours?from=2025-12-01&to=2026-11-30&by=weekend")
        expect(page.get_by_label("Break down by")).to_have_value("weekend")
        expect(page.locator("#heatmap-chart")).to_have_attribute("data-drawn", "true")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page scrolls sideways on a phone"
        page.screenshot(path=SHOTS / "kpis-detail-mobile-en.png", full_page=True)


def test_the_detail_page_refreshes_when_answers_arrive(server: str, demo_url: str) -> None:
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        log_in(page, server, EMAIL, PASSWORD)
        page.goto(f"{server}/kpis/nps?from=2026-11-01&to=2026-11-30&by=region")
        headline = page.locator(".kp-headline")
        before = int(headline.get_attribute("data-n") or "0")
        expect(page.locator("#trend-chart")).to_have_attribute("data-drawn", "true")
        page.wait_for_timeout(500)  # the EventSource connects after the charts are drawn
        engine = make_engine(demo_url)
        with session_scope(engine) as session:
            moment = datetime(2026, 11, 15, 12, tzinfo=UTC)
            session.add_all(
                Response(response_id=f"live-{i}", submitted_at=moment, nps=10) for i in range(3)
            )
        engine.dispose()
        expect(headline).to_have_attribute("data-n", str(before + 3), timeout=20_000)
        expect(page.locator("#trend-chart")).to_have_attribute("data-drawn", "true")
        # (the first test may have switched this user to English)
        status = re.compile(r"Nye data: tallene er oppdatert\.|New data: the numbers are updated\.")
        expect(page.locator("#kp-live-status")).to_have_text(status)

        # A click on a bar opens the rows of that segment.
        page.reload()
        expect(page.locator("#breakdown-chart")).to_have_attribute("data-drawn", "true")
        # (the top bar is now the new answers without a customer: "(missing)", no region)
        bars = page.locator("#breakdown-chart .bars .point path")
        top_bar = bars.nth(bars.count() - 2)
        top_bar.scroll_into_view_if_needed()
        bar = top_bar.bounding_box()
        assert bar is not None
        x, y = bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2
        page.mouse.move(x, y)  # Plotly finds the bar under the pointer on hover
        expect(page.locator("#breakdown-chart .hoverlayer .hovertext")).to_be_visible()
        page.mouse.click(x, y)
        expect(page).to_have_url(re.compile(r"/kpis/nps/rows\?.*where=region%3D"))
        expect(page.locator(".chip")).to_contain_text("Region = ")
