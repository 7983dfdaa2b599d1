"""Formatting per locale, the offline rule for WeasyPrint, and a report of an empty store."""

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.kpis import backends
from kundepuls.reports import render, service
from kundepuls.reports.render import OfflineFetchError, offline_fetcher
from tests.reports import helpers


@pytest.mark.parametrize(
    ("value", "key", "unit", "lang", "shown"),
    [
        (42.456, "csat", "%", "nb", "42,5\u00a0%"),
        (42.456, "csat", "%", "en", "42.5\u00a0%"),
        (1646.4, "aov", "currency", "nb", "1\u00a0646"),
        (1646.4, "aov", "currency", "en", "1,646"),
        (-12.4, "nps", "score", "nb", "\u221212"),
        (3.14159, "first_response_hours", "hours", "nb", "3,1\u00a0t"),
        (3.14159, "first_response_hours", "hours", "en", "3.1\u00a0h"),
        (4.5678, "ces", "score", "nb", "4,57"),
        (None, "nps", "score", "nb", "–"),
    ],
)
def test_values_are_written_the_way_each_language_writes_them(
    value: float | None, key: str, unit: str, lang: str, shown: str
) -> None:
    assert render.fmt_value(value, key, unit, lang) == shown


def test_dates_changes_and_intervals_per_language() -> None:
    assert render.fmt_date(date(2026, 9, 3), "nb") == "3. sep. 2026"
    assert render.fmt_date(date(2026, 9, 3), "en") == "3 Sept 2026"
    assert render.fmt_signed(2.25, 1, "nb") == "+2,2"
    assert render.fmt_signed(-0.04, 1, "nb") == "±0,0"
    assert render.fmt_signed(-3.5, 0, "en") == "\u22124"
    assert render.fmt_interval(-4.2, 28.0, "nps", "score", "nb") == "\u22124 til 28"
    assert render.fmt_interval(9.0, 23.4, "nps", "score", "en") == "9–23"
    assert render.period_name("quarter", date(2026, 7, 1), "nb") == "3. kvartal 2026"
    assert render.period_name("month", date(2026, 9, 1), "nb") == "september 2026"
    assert render.period_name("week", date(2026, 8, 31), "en") == "week 36, 2026"


def test_weasyprint_may_not_fetch_anything_but_data_urls() -> None:
    fetcher = offline_fetcher()
    with pytest.raises(OfflineFetchError, match="no network"):
        fetcher("https://fonts.example.com/font.woff2")
    with pytest.raises(OfflineFetchError):
        fetcher("file:///etc/passwd")
    pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
    assert fetcher(pixel).read().startswith(b"GIF8")


def test_an_outside_image_is_left_out_not_fetched() -> None:
    html = '<p>æøå</p><img src="http://127.0.0.1:9/never.png"><p>slutt</p>'
    text, pages = helpers.document_text(html)
    assert pages == 1
    assert "æøå" in text


def test_an_empty_store_still_gets_a_report(session: Session, database_url: str) -> None:
    settings = Settings(database_url=database_url)
    try:
        report = service.build_report(session, settings, "2026-09", "nb")
        html = service.report_html(report)
    finally:
        backends.forget()
    text, pages = helpers.document_text(html)
    assert pages <= 2
    assert all(line.n == 0 and line.value is None for line in report.lines)
    assert "ingen sammenligning" in text
    assert "Ingen analyserte kommentarer i perioden." in text
    assert "†" not in text  # no data is not a small sample
