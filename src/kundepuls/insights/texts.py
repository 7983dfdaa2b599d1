"""Findings and drivers as one plain sentence each, in Bokmål (nb) or English (en).

Every sentence carries its evidence: the size, its 95 % interval, n and the q-value.
Numbers follow the language: ``−12,5`` and ``1 234`` in Bokmål, ``-12.5`` and ``1,234`` in
English.
"""

from __future__ import annotations

from datetime import date

from kundepuls.insights.drivers import Driver
from kundepuls.insights.schemas import Finding
from kundepuls.kit.errors import UsageError

LANGS = ("nb", "en")
NBSP = "\u00a0"

_DIMS = {
    "nb": {
        "region": "region",
        "channel": "kanal",
        "team": "team",
        "product_line": "produktlinje",
        "touchpoint": "kontaktpunkt",
        "segment": "segment",
        "theme": "tema",
    },
    "en": {
        "region": "region",
        "channel": "channel",
        "team": "team",
        "product_line": "product line",
        "touchpoint": "touchpoint",
        "segment": "segment",
        "theme": "theme",
    },
}
_DRIVERS = {
    "nb": {
        "csat": "CSAT (fornøydhet)",
        "ces": "CES (kundeinnsats)",
        "first_response_hours": "førstesvartid",
        "resolution_hours": "løsningstid",
        "complaint": "klager",
        "theme": "tema «{}» i kommentarene",
    },
    "en": {
        "csat": "CSAT (satisfaction)",
        "ces": "CES (customer effort)",
        "first_response_hours": "first response time",
        "resolution_hours": "resolution time",
        "complaint": "complaints",
        "theme": "the theme “{}” in comments",
    },
}


def check_lang(lang: str) -> str:
    """``lang`` when it is nb or en, else a usage error naming the option."""
    if lang not in LANGS:
        raise UsageError(f"--lang {lang!r}: use nb (Bokmål) or en (English)")
    return lang


def number(x: float, lang: str, digits: int | None = None) -> str:
    """``x`` rounded to a sensible precision and written the way ``lang`` writes numbers.

    >>> number(-1234.6, "nb"), number(-1234.6, "en"), number(2.149, "nb")
    ('−1\\xa0235', '-1,235', '2,1')
    """
    if digits is None:
        digits = 0 if abs(x) >= 10 else 1 if abs(x) >= 1 else 2
    text = f"{x:,.{digits}f}"
    if lang == "nb":
        text = text.replace(",", NBSP).replace(".", ",").replace("-", "−")
    return text


def count(n: int, lang: str) -> str:
    return number(float(n), lang, 0)


def q_text(q: float, lang: str) -> str:
    """``q = 0,012`` or ``q < 0,001``."""
    if q < 0.001:
        return f"q < {number(0.001, lang, 3)}"
    return f"q = {number(q, lang, 3)}"


def _when(day: date | None, lang: str, grain: str) -> str:
    if day is None:
        return ""
    if grain == "week":
        week = day.isocalendar()
        return f"uke {week.week} {week.year}" if lang == "nb" else f"week {week.week} {week.year}"
    return day.isoformat()


def segment(finding: Finding, lang: str) -> str:
    """ " i region Vestfold", " at weekends", or "" for the whole business."""
    if finding.dim is None or finding.value is None:
        return ""
    if finding.dim == "weekend":
        weekend = finding.value == "true"
        if lang == "nb":
            return " i helgene" if weekend else " på hverdager"
        return " at weekends" if weekend else " on weekdays"
    label = _DIMS[lang].get(finding.dim, finding.dim)
    return f" i {label} {finding.value}" if lang == "nb" else f" in {label} {finding.value}"


def digits_for(*values: float) -> int:
    """One precision for a value and its interval: that of the largest of them."""
    top = max((abs(v) for v in values if v == v), default=0.0)
    return 0 if top >= 10 else 1 if top >= 1 else 2


def _interval(low: float, high: float, lang: str, n: int, digits: int) -> str:
    lo, hi = number(low, lang, digits), number(high, lang, digits)
    if lang == "nb":
        return f"95{NBSP}% KI {lo} til {hi}; n = {count(n, lang)}"
    return f"95% CI {lo} to {hi}; n = {count(n, lang)}"


def signed(x: float, lang: str, digits: int | None = None) -> str:
    text = number(x, lang, digits)
    return text if x < 0 else f"+{text}"


def finding_text(finding: Finding, label: str, lang: str, grain: str = "week") -> str:
    """One sentence for a finding (``label``: the KPI's name in ``lang``)."""
    where = segment(finding, lang)
    digits = digits_for(finding.size, finding.ci_low, finding.ci_high)
    evidence = _interval(finding.ci_low, finding.ci_high, lang, finding.n, digits)
    q = q_text(finding.q_value, lang)
    size = signed(finding.size, lang, digits)
    when = _when(finding.since, lang, grain)
    up = finding.size > 0
    if finding.kind == "weekend":
        return _weekend(finding, label, lang)
    if finding.kind == "level_shift":
        verb = (
            ("har steget" if up else "har falt")
            if lang == "nb"
            else ("has risen" if up else "has fallen")
        )
        since = "siden" if lang == "nb" else "since"
        return f"{label}{where} {verb} {since} {when}: {size} ({evidence}), {q}"
    if finding.kind == "trend":
        if lang == "nb":
            verb = "stiger jevnt" if up else "synker jevnt"
            return f"{label}{where} {verb} fra {when}: {size} over perioden ({evidence}), {q}"
        verb = "is rising steadily" if up else "is falling steadily"
        return f"{label}{where} {verb} from {when}: {size} over the period ({evidence}), {q}"
    if lang == "nb":
        how = "uvanlig høy" if up else "uvanlig lav"
        return (f"{label}{where} var {how} i {when}: {number(finding.current, lang)} mot normalt "
                f"{number(finding.baseline, lang)} ({size}; {evidence}), {q}")  # fmt: skip
    how = "unusually high" if up else "unusually low"
    return (f"{label}{where} was {how} in {when}: {number(finding.current, lang)} against a usual "
            f"{number(finding.baseline, lang)} ({size}; {evidence}), {q}")  # fmt: skip


def _weekend(finding: Finding, label: str, lang: str) -> str:
    ratio = number(finding.ratio or float("nan"), lang, 1)
    low = number(finding.ratio_low or float("nan"), lang, 1)
    high = number(finding.ratio_high or float("nan"), lang, 1)
    n = count(finding.n + finding.n_baseline, lang)
    q = q_text(finding.q_value, lang)
    if lang == "nb":
        return (f"{label} i helgene er {ratio} × hverdagene "
                f"(95{NBSP}% KI {low}–{high}; n = {n}), {q}")  # fmt: skip
    return f"{label} at weekends is {ratio} × weekdays (95% CI {low}–{high}; n = {n}), {q}"


def theme_label(key: str, lang: str) -> str:
    """A comment theme's label in ``lang`` from the text domain's taxonomy (else its key)."""
    from kundepuls.text.themes import default_taxonomy

    theme = default_taxonomy().themes.get(key)
    return theme.labels.get(lang, key).lower() if theme is not None else key


def driver_label(name: str, lang: str) -> str:
    """The driver's name in ``lang``."""
    if name.startswith("theme:"):
        return _DRIVERS[lang]["theme"].format(theme_label(name.split(":", 1)[1], lang))
    return _DRIVERS[lang].get(name, name)


def driver_text(driver: Driver, lang: str, first: bool | None = None) -> str:
    """One line for a driver: its share of R², interval, n and how well it performs.

    ``first`` marks a line of the priority list: the first one (fix this first) or one
    after it; None is a line of the plain driver list.
    """
    label = driver_label(driver.name, lang)
    share = number(100 * driver.share, lang, 0)
    low, high = number(100 * driver.ci_low, lang, 1), number(100 * driver.ci_high, lang, 1)
    good = number(driver.performance, lang, 0)
    if lang == "nb":
        head = {None: "", True: "Fiks dette først: ", False: "Deretter: "}[first]
        return (f"{head}{label} — {share}{NBSP}% av forklart variasjon "
                f"(R² {number(100 * driver.importance, lang, 1)} poeng, 95{NBSP}% KI {low}–{high}; "
                f"n = {count(driver.n, lang)}), {good}{NBSP}% gode opplevelser")  # fmt: skip
    head = {None: "", True: "Fix this first: ", False: "Then: "}[first]
    return (f"{head}{label} — {share}% of the explained variation "
            f"(R² {number(100 * driver.importance, lang, 1)} points, 95% CI {low}–{high}; "
            f"n = {count(driver.n, lang)}), {good}% good experiences")  # fmt: skip
