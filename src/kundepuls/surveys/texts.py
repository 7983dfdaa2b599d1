"""Standard wording in Bokmål (nb), Nynorsk (nn) and English (en).

The questions follow the usual published forms: NPS's "how likely … recommend … to a friend
or colleague" on 0–10, CSAT's "how satisfied" on 1–5 and CES's "how easy" on 1–7, with the
follow-ups most programmes ask detractors, passives and promoters.
"""

from typing import Final

LANGUAGES: Final = ("nb", "nn", "en")
DEFAULT_LANGUAGE: Final = "nb"

# Codes a customer record may carry, mapped to the three languages the pages speak.
_ALIASES = {
    "nb": "nb",
    "nob": "nb",
    "no": "nb",
    "nor": "nb",
    "norsk": "nb",
    "bokmål": "nb",
    "nn": "nn",
    "nno": "nn",
    "nynorsk": "nn",
    "en": "en",
    "eng": "en",
    "english": "en",
}


def pick_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The page language for a customer's language code (``nb-NO`` → ``nb``, unknown → default).

    >>> pick_language("nn-NO"), pick_language("EN"), pick_language("sv")
    ('nn', 'en', 'nb')
    """
    if not code:
        return default
    code = code.strip().lower().replace("_", "-")
    return _ALIASES.get(code, _ALIASES.get(code.split("-")[0], default))


Texts = dict[str, str]

WE = {"nb": "oss", "nn": "oss", "en": "us"}

QUESTIONS: dict[str, Texts] = {
    "nps": {
        "nb": "Hvor sannsynlig er det at du vil anbefale {company} til en venn eller kollega?",
        "nn": "Kor sannsynleg er det at du vil tilrå {company} til ein ven eller kollega?",
        "en": "How likely is it that you would recommend {company} to a friend or colleague?",
    },
    "csat": {
        "nb": "Hvor fornøyd er du med opplevelsen din?",
        "nn": "Kor nøgd er du med opplevinga di?",
        "en": "How satisfied are you with your experience?",
    },
    "ces": {
        "nb": "Hvor enkelt var det å få hjelp med det du trengte?",
        "nn": "Kor enkelt var det å få hjelp med det du trong?",
        "en": "How easy was it to get help with what you needed?",
    },
}

SCALE_ENDS: dict[str, tuple[Texts, Texts]] = {
    "nps": (
        {"nb": "Svært lite sannsynlig", "nn": "Svært lite sannsynleg", "en": "Not at all likely"},
        {"nb": "Svært sannsynlig", "nn": "Svært sannsynleg", "en": "Extremely likely"},
    ),
    "csat": (
        {"nb": "Svært misfornøyd", "nn": "Svært misnøgd", "en": "Very dissatisfied"},
        {"nb": "Svært fornøyd", "nn": "Svært nøgd", "en": "Very satisfied"},
    ),
    "ces": (
        {"nb": "Svært vanskelig", "nn": "Svært vanskeleg", "en": "Very difficult"},
        {"nb": "Svært enkelt", "nn": "Svært enkelt", "en": "Very easy"},
    ),
    "rating": (
        {"nb": "Svært dårlig", "nn": "Svært dårleg", "en": "Very poor"},
        {"nb": "Svært bra", "nn": "Svært bra", "en": "Very good"},
    ),
}

_BETTER = {
    "nb": "Hva kan vi gjøre bedre?",
    "nn": "Kva kan vi gjere betre?",
    "en": "What could we do better?",
}
_HIGHER = {
    "nb": "Hva skal til for at du gir oss en høyere score?",
    "nn": "Kva skal til for at du gir oss ein høgare score?",
    "en": "What would it take for you to give us a higher score?",
}
_BEST = {"nb": "Hva likte du best?", "nn": "Kva likte du best?", "en": "What did you like most?"}
_HARD = {
    "nb": "Hva gjorde det vanskelig?",
    "nn": "Kva gjorde det vanskeleg?",
    "en": "What made it difficult?",
}
_MORE = {
    "nb": "Vil du fortelle oss mer?",
    "nn": "Vil du fortelje oss meir?",
    "en": "Would you like to tell us more?",
}

# (lowest, highest, question) bands for the score-dependent follow-up.
FOLLOW_UPS: dict[str, list[tuple[int, int, Texts]]] = {
    "nps": [(0, 6, _BETTER), (7, 8, _HIGHER), (9, 10, _BEST)],
    "csat": [(1, 3, _BETTER), (4, 5, _BEST)],
    "ces": [(1, 4, _HARD), (5, 7, _BEST)],
    "rating": [(-1000, 1000, _MORE)],
}

UI: dict[str, Texts] = {
    "next": {"nb": "Neste", "nn": "Neste", "en": "Next"},
    "submit": {"nb": "Send svar", "nn": "Send svar", "en": "Send answer"},
    "optional": {"nb": "valgfritt", "nn": "valfritt", "en": "optional"},
    "thanks": {
        "nb": "Takk for svaret ditt!",
        "nn": "Takk for svaret ditt!",
        "en": "Thank you for your answer!",
    },
    "thanks_more": {
        "nb": "Svaret er lagret. Du kan lukke denne siden.",
        "nn": "Svaret er lagra. Du kan lukke denne sida.",
        "en": "Your answer has been saved. You can close this page.",
    },
    "saved_score": {
        "nb": "Takk! Vi har lagret poengsummen din.",
        "nn": "Takk! Vi har lagra poengsummen din.",
        "en": "Thank you! We have saved your score.",
    },
    "invalid": {
        "nb": "Denne lenken er ikke gyldig.",
        "nn": "Denne lenkja er ikkje gyldig.",
        "en": "This link is not valid.",
    },
    "expired": {
        "nb": "Denne undersøkelsen er avsluttet.",
        "nn": "Denne undersøkinga er avslutta.",
        "en": "This survey has closed.",
    },
    "subject": {
        "nb": "Hva synes du? Ett kort spørsmål",
        "nn": "Kva synest du? Eitt kort spørsmål",
        "en": "What do you think? One short question",
    },
    "reminder_subject": {
        "nb": "Påminnelse: ett kort spørsmål",
        "nn": "Påminning: eitt kort spørsmål",
        "en": "Reminder: one short question",
    },
    "email_intro": {
        "nb": "Klikk på tallet som passer best. Det tar bare et øyeblikk.",
        "nn": "Klikk på talet som passar best. Det tek berre eit augeblink.",
        "en": "Click the number that fits best. It only takes a moment.",
    },
    "open_survey": {
        "nb": "Svar på undersøkelsen",
        "nn": "Svar på undersøkinga",
        "en": "Answer the survey",
    },
    "unsubscribe": {
        "nb": "Ikke send meg flere undersøkelser",
        "nn": "Ikkje send meg fleire undersøkingar",
        "en": "Do not send me more surveys",
    },
    "unsubscribed": {
        "nb": "Du får ikke flere undersøkelser fra oss.",
        "nn": "Du får ikkje fleire undersøkingar frå oss.",
        "en": "You will not receive more surveys from us.",
    },
    "error_range": {
        "nb": "Velg et tall fra {low} til {high}.",
        "nn": "Vel eit tal frå {low} til {high}.",
        "en": "Choose a number from {low} to {high}.",
    },
    "error_choice": {
        "nb": "Velg et av alternativene.",
        "nn": "Vel eitt av alternativa.",
        "en": "Choose one of the options.",
    },
    "error_required": {
        "nb": "Dette spørsmålet må besvares.",
        "nn": "Dette spørsmålet må svarast på.",
        "en": "This question needs an answer.",
    },
    "error_csrf": {
        "nb": "Skjemaet er utløpt. Last inn siden på nytt og prøv igjen.",
        "nn": "Skjemaet er gått ut. Last inn sida på nytt og prøv igjen.",
        "en": "The form has expired. Reload the page and try again.",
    },
    "too_many": {
        "nb": "For mange forespørsler. Vent litt og prøv igjen.",
        "nn": "For mange førespurnader. Vent litt og prøv igjen.",
        "en": "Too many requests. Wait a moment and try again.",
    },
}


def ui(key: str, language: str) -> str:
    """A piece of page or email wording in ``language``."""
    return UI[key].get(language) or UI[key]["en"]
