"""What alerts say, in Bokmål (nb, the default) and English (en)."""

from __future__ import annotations

import math

LANGS = ("nb", "en")

TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "below": "under",
        "above": "over",
        "fired_subject": "[kundepuls] Varsel: {name}",
        "resolved_subject": "[kundepuls] Løst: {name}",
        "threshold_fired": "{label} er {side} {threshold}: {value} ({ci}; n = {n}), {span}.",
        "threshold_resolved": "Løst: {label} er ikke lenger {side} {threshold}: {value} "
        "({ci}; n = {n}), {span}.",
        "change_fired": "{label} har {moved} med {amount} fra forrige periode ({dci}; "
        "{p}): nå {value} (n = {n}), før {before} (n = {n0}), {span}.",
        "change_resolved": "Løst: {label} er ikke lenger signifikant endret fra forrige "
        "periode: nå {value} (n = {n}), før {before} (n = {n0}), {span}.",
        "anomaly_fired": "{label} er uvanlig {side_adj}: {value} (forventet {expected}; "
        "{ci}; n = {n}), {span}.",
        "anomaly_resolved": "Løst: {label} er tilbake i vanlig leie: {value} (n = {n}), {span}.",
        "risen": "steget",
        "fallen": "falt",
        "high": "høy",
        "low": "lav",
        "ci": "95 % KI {low} til {high}",
        "span": "{start} til {end}",
        "evidence": "Se grunnlaget: {link}",
        "test": "[test] ",
        "low_sample": "for få svar (n = {n} < {min}): varsler aldri på så lite grunnlag",
        "no_data": "ingen data i perioden",
        "hold": "usikkert: intervallet dekker grensen; tilstanden står som før ({state})",
        "would_fire": "ville varslet",
        "would_resolve": "ville meldt løst",
        "still": "uendret ({state}): ingenting sendes",
    },
    "en": {
        "below": "below",
        "above": "above",
        "fired_subject": "[kundepuls] Alert: {name}",
        "resolved_subject": "[kundepuls] Resolved: {name}",
        "threshold_fired": "{label} is {side} {threshold}: {value} ({ci}; n = {n}), {span}.",
        "threshold_resolved": "Resolved: {label} is no longer {side} {threshold}: {value} "
        "({ci}; n = {n}), {span}.",
        "change_fired": "{label} has {moved} by {amount} from the previous period ({dci}; "
        "{p}): now {value} (n = {n}), before {before} (n = {n0}), {span}.",
        "change_resolved": "Resolved: {label} no longer differs significantly from the "
        "previous period: now {value} (n = {n}), before {before} (n = {n0}), {span}.",
        "anomaly_fired": "{label} is unusually {side_adj}: {value} (expected {expected}; "
        "{ci}; n = {n}), {span}.",
        "anomaly_resolved": "Resolved: {label} is back to normal: {value} (n = {n}), {span}.",
        "risen": "risen",
        "fallen": "fallen",
        "high": "high",
        "low": "low",
        "ci": "95 % CI {low} to {high}",
        "span": "{start} to {end}",
        "evidence": "See the evidence: {link}",
        "test": "[test] ",
        "low_sample": "too few answers (n = {n} < {min}): never alerts on so little",
        "no_data": "no data in the period",
        "hold": "uncertain: the interval covers the limit; the state stays as it was ({state})",
        "would_fire": "would alert",
        "would_resolve": "would announce recovery",
        "still": "unchanged ({state}): nothing is sent",
    },
}


def lang_of(lang: str | None) -> str:
    """``lang`` when kundepuls speaks it, else Bokmål."""
    return lang if lang in LANGS else "nb"


def t(lang: str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in."""
    return TEXTS[lang_of(lang)][key].format(**values)


def num(value: float | None, lang: str, digits: int = 1) -> str:
    """A number as a reader of ``lang`` writes it (decimal comma and a real minus in nb)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    if lang_of(lang) == "nb":
        text = text.replace(",", " ").replace(".", ",").replace("-", "−")
    return text


def p_text(p: float | None, lang: str) -> str:
    """A p-value as written in a sentence: ``p = 0.042``, or ``p < 0.001`` for tiny ones."""
    if p is None or math.isnan(p):
        return "–"
    text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    return text.replace(".", ",") if lang_of(lang) == "nb" else text
