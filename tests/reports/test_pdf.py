"""The PDF report of a demo store, read back as text and as a picture."""

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from kundepuls.accounts import service as accounts
from kundepuls.db import make_engine, session_scope
from kundepuls.reports import service
from kundepuls.reports.render import html_to_pdf
from tests.reports import helpers
from tests.reports.conftest import DemoStore
from tests.support import PASSWORD, sign_in

Q3 = (date(2026, 7, 1), date(2026, 9, 30))


def build(store: DemoStore, period: str, lang: str) -> service.Report:
    engine = make_engine(store.url)
    try:
        with session_scope(engine) as session:
            return service.build_report(session, store.settings, period, lang)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def q3_nb(demo_store: DemoStore) -> tuple[service.Report, str, bytes, int]:
    report = build(demo_store, "2026-Q3", "nb")
    html = service.report_html(report)
    data, pages = html_to_pdf(html)
    return report, html, data, pages


def test_the_report_has_at_most_two_pages_with_every_section(
    q3_nb: tuple[service.Report, str, bytes, int],
) -> None:
    _report, html, data, pages = q3_nb
    assert data.startswith(b"%PDF-")
    text, laid_out_pages = helpers.document_text(html)
    assert pages == laid_out_pages <= 2
    for heading in ("Nøkkeltall", "Utvikling", "Viktigste funn", "Hva kundene skriver om",
                    "Hva bør fikses først"):  # fmt: skip
        assert heading in text
    for label in ("NPS", "CSAT", "CES", "Første svartid (timer)", "Løsningstid (timer)",
                  "Løst ved første kontakt", "Gjennomsnittlig ordreverdi", "Gjenkjøpsrate",
                  "Klagerate", "Frafallsrate"):  # fmt: skip
        assert label in text
    assert "3. kvartal 2026" in text
    assert "1. juli 2026 – 30. sep. 2026" in text
    assert all(letter in text for letter in "æøå")


@pytest.mark.skipif(not helpers.has_pdftotext(), reason="pdftotext (poppler-utils) not installed")
def test_the_pdf_shows_the_numbers_of_an_independent_computation_in_bokmal(
    q3_nb: tuple[service.Report, str, bytes, int], demo_store: DemoStore, tmp_path: Path
) -> None:
    report, _html, data, _pages = q3_nb
    text = helpers.pdf_text(data, tmp_path)
    value, low, high, n = helpers.nps_reference(demo_store.url, *Q3)
    row = rf"NPS\s+{helpers.nb(value, 0)}\s+{helpers.nb(low, 0)}–{helpers.nb(high, 0)}\s+{n:,}"
    assert re.search(row.replace(",", " "), text), text[:1500]
    csat = helpers.csat_reference(demo_store.url, *Q3)
    assert re.search(rf"CSAT\s+{helpers.nb(csat, 1)} %", text)
    ratio, r_low, r_high = helpers.weekend_reference(demo_store.url, *Q3)
    assert report.weekend is not None
    found = (report.weekend.value, report.weekend.low, report.weekend.high)
    assert found == pytest.approx((ratio, r_low, r_high), rel=1e-9)
    flowing = " ".join(text.split())
    sentence = re.search(r"Første svar (?:tar|i helgen)[^()]*\([^)]*\)", flowing)
    assert sentence, "the weekend finding is missing"
    assert helpers.nb(ratio, 1) in sentence.group(0)
    assert f"{helpers.nb(r_low, 2)}–{helpers.nb(r_high, 2)}" in sentence.group(0)
    assert "Mål" in text  # targets were set for four KPIs
    assert re.search(r"i rute|usikkert", text)


def test_the_html_marks_low_samples_and_targets(
    q3_nb: tuple[service.Report, str, bytes, int],
) -> None:
    report, html, _data, _pages = q3_nb
    by_key = {line.key: line for line in report.lines}
    assert by_key["nps"].target == 20.0
    assert by_key["nps"].status in ("on_track", "off_track", "uncertain")
    assert len(by_key["nps"].trend) == 12
    assert "<svg" in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    low = [line for line in report.lines if line.low_sample]
    assert ('class="low"' in html) == bool(low)


def test_a_week_report_marks_small_samples(demo_store: DemoStore) -> None:
    report = build(demo_store, "2026-W36", "nb")
    html = service.report_html(report)
    text, pages = helpers.document_text(html)
    assert pages <= 2
    assert any(line.low_sample for line in report.lines)
    assert "† Lite utvalg" in text
    assert "uke 36 2026" in text


def test_the_english_report_uses_english_words_and_numbers(demo_store: DemoStore) -> None:
    if demo_store.backend != "sqlite":
        pytest.skip("the language does not depend on the store")
    report = build(demo_store, "2026-Q3", "en")
    text, pages = helpers.document_text(service.report_html(report))
    assert pages <= 2
    assert "First response time (hours)" in text
    assert "Top findings" in text
    csat = helpers.csat_reference(demo_store.url, *Q3)
    assert f"{helpers.en(csat, 1)} %" in text
    assert "1 Jul 2026 – 30 Sept 2026" in text or "1 Jul 2026 – 30 Sep 2026" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_the_pages_render_as_pictures(
    q3_nb: tuple[service.Report, str, bytes, int], demo_store: DemoStore, tmp_path: Path
) -> None:
    _report, _html, data, pages = q3_nb
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    helpers.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = helpers.SCREENSHOTS / f"report-2026-Q3-nb-{demo_store.backend}"
    subprocess.run(["pdftoppm", "-r", "110", "-png", str(source), str(prefix)], check=True)
    pictures = sorted(helpers.SCREENSHOTS.glob(f"{prefix.name}-*.png"))
    assert len(pictures) == pages
    assert all(p.stat().st_size > 20_000 for p in pictures)


def test_the_report_pages_serve_html_and_a_pdf_download(demo_store: DemoStore) -> None:
    with helpers.served(demo_store.url) as client:
        anonymous = client.get("/reports/2026-09.pdf", follow_redirects=False)
        assert anonymous.status_code in (303, 307)
        assert "/login" in anonymous.headers["location"]
        sign_in(client, demo_store.url, "viewer")
        pdf = client.get("/reports/2026-09.pdf")
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert 'filename="kundepuls-2026-09.pdf"' in pdf.headers["content-disposition"]
        assert pdf.content.startswith(b"%PDF-")
        page = client.get("/reports/2026-09", params={"lang": "en"})
        assert page.status_code == 200
        assert "Key figures" in page.text
        assert "September 2026" in page.text
        assert 'href="/reports/2026-09.pdf"' in page.text  # inside the signed-in layout
        assert 'aria-current="page"' in page.text or "<nav" in page.text
        start = client.get("/reports", params={"period": "2026-q3"}, follow_redirects=False)
        assert start.headers["location"] == "/reports/2026-Q3"
        bad = client.get("/reports/2026-13.pdf")
        assert bad.status_code == 422
        assert "the month must be 01–12" in bad.json()["detail"]


@pytest.mark.browser
def test_a_viewer_reads_the_report_page_in_chromium(demo_store: DemoStore, tmp_path: Path) -> None:
    if demo_store.backend != "sqlite":
        pytest.skip("the page is the same on both stores; the PDF route is tested on both")
    from tests.browser import SHOTS, chromium, log_in, serve

    email = "leser@butikk.no"
    engine = make_engine(demo_store.url)
    with session_scope(engine) as session:
        accounts.create_user(session, email, "viewer", PASSWORD)
    engine.dispose()
    with serve(demo_store.url, tmp_path) as base, chromium() as browser:
        page = browser.new_page(locale="nb-NO", viewport={"width": 1280, "height": 900})
        log_in(page, base, email, PASSWORD)
        page.goto(f"{base}/reports/2026-Q3")
        assert page.get_by_role("heading", name="Nøkkeltall").is_visible()
        assert page.locator(".kp-report svg").count() == 10
        page.get_by_label("Periode").fill("2026-09")
        page.get_by_role("button", name="Vis rapport").click()
        page.wait_for_url(f"{base}/reports/2026-09")
        assert page.get_by_role("heading", name="september 2026").is_visible()
        page.screenshot(path=SHOTS / "report-page-2026-09-nb.png", full_page=True)
        with page.expect_download() as download:
            page.get_by_role("link", name="Last ned PDF").click()
        assert download.value.suggested_filename == "kundepuls-2026-09.pdf"
