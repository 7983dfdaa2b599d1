"""What data-quality findings say, in Bokmål (nb) and English (en)."""

from __future__ import annotations

from kundepuls.alerts.texts import num, p_text

TEXTS: dict[str, tuple[str, str]] = {
    "gap_stopped": (
        "{what} fra {segment} har stoppet opp: ingen de siste {days} dagene ({start} til "
        "{end}), mot ventet {expected} ut fra de {weeks} ukene før.",
        "{what} from {segment} stopped: none in the last {days} days ({start} to {end}), "
        "against {expected} expected from the {weeks} weeks before.",
    ),
    "gap_dropped": (
        "{what} fra {segment} har falt kraftig: {observed} de siste {days} dagene ({start} "
        "til {end}), mot ventet {expected} ut fra de {weeks} ukene før.",
        "{what} from {segment} dropped sharply: {observed} in the last {days} days ({start} "
        "to {end}), against {expected} expected from the {weeks} weeks before.",
    ),
    "stale": (
        "Ingen nye {what_lower} siden {last}: {days} dager uten data, mot {rate} per dag før.",
        "No new {what_lower} since {last}: {days} days without data, against {rate} a day before.",
    ),
    "response_rate": (
        "Svarprosenten{for_survey} har falt fra {before} % til {now} % (differanse {diff} "
        "poeng, {p}; {n_now} invitasjoner de siste 4 ukene mot {n_before} de 8 ukene før).",
        "The response rate{for_survey} fell from {before} % to {now} % ({diff} points, "
        "{p}; {n_now} invitations in the last 4 weeks against {n_before} in the 8 weeks "
        "before).",
    ),
    "low_sample": (
        "For få svar med {score} {where}de siste {days} dagene: n = {n} (minst {min} trengs); "
        "tallene er usikre og varsler aldri.",
        "Too few answers with {score} {where}in the last {days} days: n = {n} (at least "
        "{min} needed); the numbers are uncertain and never alert.",
    ),
    "duplicates": (
        "{count} svar ({share} %) gjentar et svar fra samme kunde i samme undersøkelse med "
        "samme score og kommentar innen {minutes} minutter; de teller dobbelt.",
        "{count} answers ({share} %) repeat an answer of the same customer in the same "
        "survey with the same scores and comment within {minutes} minutes; they count twice.",
    ),
    "straight_lining": (
        "{segment}: {share} % av svarene med NPS, CSAT og CES gir samme ytterpunkt på alle "
        "tre (alt best eller alt dårligst), mot {rest} % i resten av svarene ({p}); "
        "svarene kan være gitt uten å lese spørsmålene.",
        "{segment}: {share} % of the answers with NPS, CSAT and CES give the same extreme on "
        "all three (all best or all worst), against {rest} % in the other answers ({p}); "
        "they may have been given without reading the questions.",
    ),
    "times_negative": (
        "{count} {what} har {end} før {start}; de forstyrrer {kpis}.",
        "{count} {what} have {end} before {start}; they distort {kpis}.",
    ),
    "times_absurd": (
        "{count} {what} har mer enn {days} dager fra {start} til {end}; sjekk eksporten.",
        "{count} {what} have more than {days} days from {start} to {end}; check the export.",
    ),
    "missing": (
        "{share} % av {what_lower} mangler {field} ({lacking} av {total}); de faller utenfor "
        "inndelinger etter {field}.",
        "{share} % of {what_lower} lack {field} ({lacking} of {total}); they fall outside "
        "breakdowns by {field}.",
    ),
}

WHAT = {
    "responses": ("Svar", "Responses"),
    "tickets": ("Saker", "Tickets"),
    "complaints": ("Klager", "Complaints"),
    "orders": ("Ordrer", "Orders"),
    "customers": ("Kunder", "Customers"),
}


def both(key: str, **values: object) -> tuple[str, str]:
    """The text ``key`` in nb and in en; values given as (nb, en) pairs are split."""
    nb_values = {k: v[0] if isinstance(v, tuple) else v for k, v in values.items()}
    en_values = {k: v[1] if isinstance(v, tuple) else v for k, v in values.items()}
    nb, en = TEXTS[key]
    return nb.format(**nb_values), en.format(**en_values)


def what(table: str) -> tuple[str, str]:
    return WHAT[table]


def what_lower(table: str) -> tuple[str, str]:
    nb, en = WHAT[table]
    return nb.lower(), en.lower()


def number(value: float, digits: int = 1) -> tuple[str, str]:
    return num(value, "nb", digits), num(value, "en", digits)


def pvalue(value: float) -> tuple[str, str]:
    return p_text(value, "nb"), p_text(value, "en")
