"""The follow-up inbox in a real browser: Debian's chromium against ``kundepuls serve`` on
loopback, over a small demo store with its cases opened as ``make demo`` opens them.
Screenshots go to ``test-artifacts/screenshots/``."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kundepuls.accounts import service as accounts
from kundepuls.cases.demo import open_demo_cases
from kundepuls.db import make_engine, session_scope
from kundepuls.demo.service import build_demo
from tests.browser import SHOTS, chromium, log_in, serve

pytestmark = pytest.mark.browser

EMAIL = "eva@butikk.no"
PASSWORD = "fjord-og-fjell-2026"
ZONE = ZoneInfo("Europe/Oslo")


def _shot(page: object, name: str) -> None:
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_work_an_overdue_case_in_a_real_browser(database_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    today = datetime.now(ZONE).date()  # the demo's data ends yesterday, as `make demo`'s
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        build_demo(session, today=today, customers=1500)
        accounts.create_user(session, EMAIL, "owner", PASSWORD, display_name="Eva Hansen")
    engine.dispose()
    assert open_demo_cases(database_url, today, ZONE, EMAIL) > 0
    with serve(database_url, tmp_path) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        log_in(page, base, EMAIL, PASSWORD)
        page.goto(f"{base}/cases")
        expect(page.get_by_role("heading", name="Oppfølging", exact=True)).to_be_visible()
        expect(page.locator("#rate-followup_rate")).to_contain_text("%")
        _shot(page, "cases-inbox")

        page.get_by_label("Bare forfalte").check()
        page.get_by_label("Grunn").select_option("nps")
        page.get_by_role("button", name="Vis saker").click()
        expect(page).to_have_url(f"{base}/cases?status=open&assignee=anyone&reason=nps&overdue=1")
        rows = page.locator("#cases-table tbody tr")
        expect(rows.first).to_be_visible()
        count = rows.count()
        assert count == rows.filter(has_text="⚠ Forfalt").filter(has_text="NPS").count()
        _shot(page, "cases-overdue")

        first = rows.first.locator("th a")
        case_id = first.inner_text()
        first.click()
        expect(page.get_by_role("heading", name=f"Sak {case_id}:")).to_be_visible()
        page.get_by_role("button", name="Ta saken selv").click()
        expect(page.get_by_role("status")).to_contain_text("Saken er tildelt.")
        expect(page.locator("#case-assignee")).to_have_text("Eva Hansen")
        page.get_by_label("Notat", exact=True).fill("Ringte kunden <b>kl. 10</b>, lovet ny vare.")
        page.get_by_role("button", name="Legg til notat").click()
        expect(page.get_by_role("status")).to_contain_text("Notatet er lagret.")
        expect(page.locator("#timeline")).to_contain_text("Ringte kunden <b>kl. 10</b>")
        _shot(page, "cases-case-open")
        page.get_by_label("Utfall", exact=True).select_option("resolved")
        page.get_by_label("Hva kom ut av det (valgfritt)").fill("Ny vare sendt.")
        page.get_by_role("button", name="Lukk saken").click()
        expect(page.get_by_role("status")).to_contain_text("Saken er lukket.")
        expect(page.locator("#case-status")).to_have_text("Løst")
        expect(page.locator("#timeline li").last).to_contain_text("Lukket: løst")
        expect(page.locator("#timeline li").last).to_contain_text("Ny vare sendt.")
        _shot(page, "cases-case-closed")

        page.get_by_role("link", name="Tilbake til innboksen").click()
        expect(page.locator(f"#case-{case_id}")).to_have_count(0)  # closed: out of "open"
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/cases/{case_id}")
        _shot(page, "cases-case-phone")
