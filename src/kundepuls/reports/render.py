"""From report content to HTML (Jinja2) and PDF (WeasyPrint), formatted with Babel.

WeasyPrint gets a URL fetcher that refuses everything but ``data:`` URLs, so a report is
made without the network: charts are inline SVG and the fonts are the machine's own.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kundepuls.kit.errors import KundepulsError
from kundepuls.kit.i18n import LOCALES, Formats
from kundepuls.reports.texts import text

TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"
MINUS = "\u2212"
_DECIMALS = {"score": 2, "%": 1, "hours": 1, "currency": 0, "count": 0, "per 100 orders": 2}
_SUFFIX: dict[str, dict[str, str]] = {
    "%": {"nb": "\u00a0%", "en": "\u00a0%"},
    "hours": {"nb": "\u00a0t", "en": "\u00a0h"},
}


class OfflineFetchError(KundepulsError):
    """A report asked for a resource outside the document."""


def offline_fetcher() -> Any:
    """A WeasyPrint URL fetcher for reports: ``data:`` URLs only, never the network.

    WeasyPrint leaves out (with a logged warning) whatever its fetcher refuses.
    """
    return _offline_class()()


@cache
def _offline_class() -> type:
    from weasyprint.urls import URLFetcher  # imported on first use: it loads pango

    class OfflineFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise OfflineFetchError(
                    f"the report may not load {url[:80]!r} (no network in reports)"
                )
            return super().fetch(url, headers)

    return OfflineFetcher


def decimals(key: str, unit: str) -> int:
    """Decimals shown for a KPI: NPS in whole points, scores with two, most with one."""
    if key == "nps":
        return 0
    return _DECIMALS.get(unit, 1)


def fmt_number(value: float | None, digits: int = 1, lang: str = "nb") -> str:
    """``value`` with ``digits`` decimals in the language's style (nb: ``1 234,5``)."""
    if value is None:
        return "–"
    # kit.i18n formats for every page and email; the minus sign is made typographic here.
    body = Formats(lang).number(abs(value), digits)
    return MINUS + body if value < 0 and round(value, digits) != 0 else body


def fmt_signed(value: float | None, digits: int = 1, lang: str = "nb") -> str:
    """A change with its sign: ``+3,2`` or ``−1,5``."""
    if value is None:
        return "–"
    body = fmt_number(abs(value), digits, lang)
    if round(value, digits) == 0:
        return "±" + body
    return ("+" if value > 0 else MINUS) + body


def fmt_value(value: float | None, key: str, unit: str, lang: str = "nb") -> str:
    """A KPI value with its unit (``42,5 %``, ``3,2 t``)."""
    if value is None:
        return "–"
    return fmt_number(value, decimals(key, unit), lang) + _suffix(unit, lang)


def _suffix(unit: str, lang: str) -> str:
    return _SUFFIX.get(unit, {}).get(lang, "")


def fmt_interval(low: float | None, high: float | None, key: str, unit: str, lang: str) -> str:
    if low is None or high is None:
        return "–"
    digits = decimals(key, unit)
    first, last = fmt_number(low, digits, lang), fmt_number(high, digits, lang)
    if first.startswith(MINUS) or last.startswith(MINUS):  # "−4–28" would read as a range of dashes
        return f"{first} {'to' if lang == 'en' else 'til'} {last}"
    return f"{first}–{last}"


def fmt_date(day: date, lang: str = "nb") -> str:
    """A date in the language's medium form: ``3. sep. 2026`` / ``3 Sept 2026``."""
    return Formats(lang).day(day)


def fmt_month(day: date, lang: str = "nb") -> str:
    return str(format_date(day, format="LLLL y", locale=LOCALES.get(lang, "nb_NO")))


def period_name(kind: str, start: date, lang: str) -> str:
    """A period as a reader says it: ``3. kvartal 2026``, ``september 2026``, ``uke 36 2026``."""
    if kind == "quarter":
        return text("quarter", lang, q=(start.month - 1) // 3 + 1, year=start.year)
    if kind == "month":
        return fmt_month(start, lang)
    if kind == "week":
        iso = start.isocalendar()
        return text("week", lang, week=iso.week, year=iso.year)
    return text("year", lang, year=start.year)


@cache
def environment() -> Environment:
    """The Jinja2 environment of the report templates (autoescaped)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render_template(template: str, /, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of ``html`` and its number of pages (nothing is fetched from outside)."""
    import weasyprint

    document = weasyprint.HTML(string=html, url_fetcher=offline_fetcher()).render()
    buffer = io.BytesIO()
    document.write_pdf(buffer)
    return buffer.getvalue(), len(document.pages)
