"""Numbers, dates and intervals written the way a reader of each language expects.

Bokmål writes ``12 345,7`` and ``3. sep. 2026``; English ``12,345.7`` and ``3 Sept 2026``.
Pages, reports and emails format through one :class:`Formats` so they never disagree.

>>> f = Formats("nb")
>>> f.number(12345.678, 1)
'12\\xa0345,7'
>>> Formats("en").interval(1.234, 5.6, 1)
'1.2–5.6'
"""

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

LANGUAGES = ("nb", "en")
LOCALES = {"nb": "nb_NO", "en": "en_GB"}
DASH = "–"


def language_or_default(value: str | None) -> str:
    """One of :data:`LANGUAGES`; Bokmål for anything else (Nynorsk readers read Bokmål)."""
    return value if value in LANGUAGES else "nb"


def plain_number(text: str, lang: str) -> str:
    """A number as a reader of ``lang`` types it, written for a machine.

    Other text is left for the caller's validation to refuse.

    >>> plain_number("1 234,5", "nb"), plain_number("1,234.5", "en"), plain_number("\u22122", "en")
    ('1234.5', '1234.5', '-2')
    """
    cleaned = text.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if language_or_default(lang) == "nb":
        return cleaned.replace(",", ".")
    return cleaned.replace(",", "")


@dataclass(frozen=True)
class Formats:
    """Formatting for one language in one timezone."""

    lang: str
    tz: tzinfo = field(default_factory=lambda: ZoneInfo("Europe/Oslo"))

    @property
    def locale(self) -> str:
        return LOCALES[language_or_default(self.lang)]

    def number(self, value: float | int | None, digits: int = 0) -> str:
        """``value`` with ``digits`` decimals and the locale's separators; a dash for none."""
        if value is None or value != value:  # NaN is "no value" too
            return DASH
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return str(format_decimal(value, format=pattern, locale=self.locale))

    def signed(self, value: float | None, digits: int = 0) -> str:
        """A change, always with its sign (−1,5 / +2,0)."""
        if value is None or value != value:
            return DASH
        text = self.number(abs(value), digits)
        return ("+" if value >= 0 else "\u2212") + text

    def interval(self, low: float | None, high: float | None, digits: int = 0) -> str:
        """A 95 % interval as ``low–high``; a dash when either end is missing."""
        if low is None or high is None or low != low or high != high:
            return DASH
        return f"{self.number(low, digits)}{DASH}{self.number(high, digits)}"

    def day(self, value: date | datetime | None) -> str:
        """A date in the locale's medium form (``3. sep. 2026``)."""
        if value is None:
            return DASH
        if isinstance(value, datetime):
            value = value.astimezone(self.tz).date()
        return str(format_date(value, "medium", locale=self.locale))

    def moment(self, value: datetime | None) -> str:
        """A point in time, in the configured timezone."""
        if value is None:
            return DASH
        return str(format_datetime(value, "medium", tzinfo=self.tz, locale=self.locale))
