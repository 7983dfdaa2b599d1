"""What benchmark comparisons say, in Bokmål (nb, the default) and English (en)."""

from __future__ import annotations

from kundepuls.alerts.texts import lang_of, num, p_text

TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "industry": "bransjen",
        "above": "over {who}",
        "below": "under {who}",
        "level": "på nivå med {who}",
        "significant": "signifikant {side}",
        "not_significant": "{side}, men ikke signifikant",
        "low_sample": "for få svar til å sammenligne med {who} (n = {n} < {min})",
        "no_data": "ingen egne data i perioden å sammenligne med {who}",
        "sentence": "{label} {start} til {end}: {value} (95 % KI {low} til {high}; n = {n}) "
        "mot {who} {bench}{source}. Differanse {diff} (95 % KI {dlow} til {dhigh}; "
        "{p}): {verdict}.",
    },
    "en": {
        "industry": "the industry",
        "above": "above {who}",
        "below": "below {who}",
        "level": "level with {who}",
        "significant": "significantly {side}",
        "not_significant": "{side}, but not significantly",
        "low_sample": "too few answers to compare with {who} (n = {n} < {min})",
        "no_data": "no data of ours in the period to compare with {who}",
        "sentence": "{label} {start} to {end}: {value} (95 % CI {low} to {high}; n = {n}) "
        "vs {who} {bench}{source}. Difference {diff} (95 % CI {dlow} to {dhigh}; "
        "{p}): {verdict}.",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    return TEXTS[lang_of(lang)][key].format(**values)


def signed(value: float | None, lang: str) -> str:
    """A difference with its sign (+4,0 / −3,5)."""
    text = num(value, lang)
    return text if value is None or value < 0 or text == "–" else f"+{text}"


__all__ = ["TEXTS", "lang_of", "num", "p_text", "signed", "t"]
