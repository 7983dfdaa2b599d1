"""Language of a comment: ``nb`` (Bokmål), ``nn`` (Nynorsk), ``en`` (English) or ``other``.

Two steps. First the family: function words, sentiment words and Scandinavian words decide
most comments at once; what they leave open goes to lingua, restricted to a set of
candidates. Lingua calls short Bokmål Danish (Danish counts as Bokmål unless the text has
Danish-only words) and short Norwegian English ("Kundeservice er en vits"), which the
Scandinavian words without any English one overrule. Then the written standard: forms that
only one standard writes ("ikkje", "eg", "kva" against "ikke", "jeg", "hva"), endings
("-leg", "-ar", "-ane", "-heit" against "-lig", "-het") and compound heads ("kundetenesta");
the customer's known language breaks ties, and without it lingua, leaning to Bokmål.
"""

from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from kundepuls.text.tokens import words

Language = Literal["nb", "nn", "en", "other"]


def _function_words() -> dict[str, frozenset[str]]:
    text = resources.files("kundepuls.text").joinpath("data", "function_words.yaml")
    data = yaml.safe_load(text.read_text("utf-8"))
    return {key: frozenset(str(value).split()) for key, value in data.items()}


LANGUAGES: tuple[Language, ...] = ("nb", "nn", "en", "other")

_WORDS = _function_words()
_NB, _NN, _EN, _DANISH, _SWEDISH = (_WORDS[k] for k in ("nb", "nn", "en", "da", "sv"))
_NB_WEAK, _NN_WEAK = _WORDS["nb_weak"], _WORDS["nn_weak"]
_NORWEGIAN, _SCANDINAVIAN = _WORDS["norwegian"], _WORDS["scandinavian"]
# Markers of a written standard that are also words of English or another language ("open",
# French "en", "et"): they pick Bokmål or Nynorsk once the text is Norwegian, but are no
# evidence that it is.
_LOOKALIKES = frozenset(
    {"open", "sit", "held", "vet", "gang", "mens", "ho", "tek", "same", "en", "et"}
)
# Endings of one written standard, and words that end so without being of it: Nynorsk
# "-leg" adjectives, "-ar"/"-ane" plurals, "-are"/"-ast" comparison, "-heit" nouns against
# Bokmål "-lig", "-het".
_NN_ENDINGS = (
    *("leg", "lege", "legt", "legare", "legast", "ane", "are", "ast"),
    *("heit", "heita", "heiter", "nøgd", "nøgde"),
    # heads of compounds ("kundetenesta", "forsikringssaka", "verkstaden")
    *("saka", "tenesta", "teneste", "tenester", "dagar", "staden", "stader", "veka", "veker"),
    *("tilbod", "tilbodet"),
)
_NB_ENDINGS = (
    *("lig", "lige", "ligt", "ligere", "ligst", "ligste"),
    *("het", "heten", "heter", "fornøyd", "fornøyde"),
    *("tjeneste", "tjenesten", "tjenester", "dager", "uker", "uken", "stedet", "steder"),
    *("tilbud", "tilbudet", "utvalg", "utvalget"),
)
_AR_ENDINGS = ("ar", "aren", "arar", "arane")  # "seljar", "seljaren", "seljarar", "seljarane"
_NOT_NN = (
    *("tannlege", "fastlege", "dyrlege", "barnelege", "overlege"),
    *("vane", "fane", "bane", "plane", "vare", "svare", "klare", "spare", "fare"),
    *("fast", "kast", "rast", "mast"),
    *("bar", "klar", "svar", "par", "far", "kar", "uar", "dollar", "seminar", "radar"),
    # loans and compounds of "tar" ("deltar"); "kostar", "ventar" are Nynorsk verbs
    *("kommentar", "vegetar", "gitar", "inventar", "nektar", "hektar", "deltar", "mottar"),
    *("antar", "foretar", "inntar", "opptar", "avtar", "overtar", "påtar"),
)
_NOT_NN_UNLESS = ("ppar",)  # "-par" is a pair, "-ppar" a plural ("prislappar")
# Sentiment words of the Nynorsk lexicon that the Bokmål one lacks: many are Bokmål too
# ("fort"), so they weigh a quarter of a form only Nynorsk writes.
_LEXICAL_NN = 0.25
# Lingua (low accuracy) leans to Nynorsk on plain Norwegian; it must be this much surer of
# Nynorsk than of Bokmål (and Danish) to break a tie, as most Norwegians write Bokmål.
_NYNORSK_MARGIN = 0.3
# Scandinavian evidence (shared words, Norwegian words, words with æ, ø or å) that outweighs
# lingua's English when the text has no English word.
_SCANDINAVIAN_MIN = 2
_NORDIC_LETTERS = frozenset("æøå")
_CODES: dict[str, Language] = {"BOKMAL": "nb", "NYNORSK": "nn", "ENGLISH": "en"}
_CANDIDATES = [
    "BOKMAL",
    "NYNORSK",
    "ENGLISH",
    "DANISH",
    "SWEDISH",
    "GERMAN",
    "FRENCH",
    "SPANISH",
    "ITALIAN",
    "DUTCH",
    "POLISH",
    "FINNISH",
    "PORTUGUESE",
    "RUSSIAN",
    "ARABIC",
    "SOMALI",
    "TURKISH",
    "UKRAINIAN",
    "LITHUANIAN",
]


@cache
def _lexical() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Sentiment words of Norwegian, of English only, and of Nynorsk only.

    The Nynorsk word list holds only forms that differ from Bokmål, so Bokmål-only words
    cannot be told from shared ones: those count for both standards.
    """
    from kundepuls.text.lexicon import _inflect, _read_tsv, default_lexicon

    nb = set(_inflect(_read_tsv("lexicon_nb.tsv"), ("e", "t")))
    nn = set(_inflect(_read_tsv("lexicon_nn.tsv"), ("e", "t")))
    en = set(default_lexicon().tables["en"].words)
    return frozenset((nb | nn) - en), frozenset(en - nb - nn), frozenset(nn - nb)


def _ending(token: str) -> str | None:
    """ "nb" or "nn" when the ending of ``token`` belongs to one written standard only."""
    if token.endswith(_NB_ENDINGS):
        return "nb"
    if token.endswith(_AR_ENDINGS):
        stem = token[: token.rindex("ar") + 2]  # "seljarane" -> "seljar"
        if len(stem) < 6 or (stem.endswith(_NOT_NN) and not stem.endswith(_NOT_NN_UNLESS)):
            return None
        return "nn"
    if token.endswith(_NN_ENDINGS) and not token.endswith(_NOT_NN):
        return "nn"
    return None


def _votes(tokens: list[str]) -> dict[str, float]:
    """Evidence per language family (no, en, da, sv), and per Norwegian standard (nb, nn).

    ``sc`` counts words shared by the Scandinavian languages and foreign to English.
    """
    votes = dict.fromkeys(("no", "en", "da", "sv", "sc", "nb", "nn"), 0.0)
    norwegian, english, nynorsk = _lexical()
    for token in tokens:
        if token in nynorsk:
            votes["no"] += 0.5
            votes["nn"] += _LEXICAL_NN
        elif token in norwegian:
            votes["no"] += 0.5
        elif token in english:
            votes["en"] += 0.5
        if token in _NB or token in _NN:
            votes["nb" if token in _NB else "nn"] += 1
            votes["no"] += token not in _LOOKALIKES
        elif token in _NN_WEAK or token in _NB_WEAK:
            votes["nn" if token in _NN_WEAK else "nb"] += 0.5
            votes["no"] += 0.5
        elif token in _NORWEGIAN:
            votes["no"] += 1
        elif len(token) > 4 and (standard := _ending(token)):
            votes[standard] += 0.5
            # Only "-lig"/"-leg" are rare enough in English to tell Norwegian from it.
            votes["no"] += 0.5 * token.endswith(("lig", "lige", "leg", "lege", "legt"))
        if token in _SCANDINAVIAN:
            votes["sc"] += 1
        elif not token.isascii():
            votes["sc"] += 0.5 * any(ch in _NORDIC_LETTERS for ch in token)  # "år", "kø"
        votes["en"] += token in _EN
        votes["da"] += token in _DANISH
        votes["sv"] += token in _SWEDISH
    return votes


def _standard(
    votes: dict[str, float],
    prior: Language | None,
    text: str,
    confidence: dict[str, float] | None = None,
) -> Language:
    """Bokmål or Nynorsk for a Norwegian text: its forms, then the prior, then lingua."""
    if votes["nb"] != votes["nn"]:
        return "nb" if votes["nb"] > votes["nn"] else "nn"
    if prior in ("nb", "nn"):
        return prior
    if confidence is None:
        detector = _detector()
        values = detector.compute_language_confidence_values(text) if detector else []
        confidence = {v.language.name: v.value for v in values}
    bokmal = confidence.get("BOKMAL", 0.0) + confidence.get("DANISH", 0.0)
    return "nn" if confidence.get("NYNORSK", 0.0) > bokmal + _NYNORSK_MARGIN else "nb"


@cache
def _detector() -> Any | None:
    """Lingua's detector over the candidate languages, or None when it is not installed."""
    try:
        from lingua import Language as Lingua
        from lingua import LanguageDetectorBuilder
    except ImportError:  # pragma: no cover - lingua is a dependency; degrade if it is missing
        return None
    languages = [getattr(Lingua, name) for name in _CANDIDATES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _from_lingua(text: str, votes: dict[str, float], prior: Language | None) -> Language:
    detector = _detector()
    values = detector.compute_language_confidence_values(text) if detector else []
    if not values:
        return prior or "other"
    confidence = {v.language.name: v.value for v in values}
    best, top_value = values[0].language.name, values[0].value
    swedish = votes["sv"] > 0 or any(ch in text for ch in "äöÄÖ")
    danish = votes["da"] > votes["nb"]
    nordic = {"BOKMAL", "NYNORSK"} | ({"DANISH"} if not danish else set())
    nordic |= {"SWEDISH"} if not swedish else set()
    # Scandinavian words and no English ones: lingua reads short Norwegian as English
    # ("Kundeservice er en vits"); Danish and Swedish would have shown their own words.
    scandinavian = (
        votes["sc"] + votes["no"] >= _SCANDINAVIAN_MIN
        and votes["en"] == 0
        and not swedish
        and votes["da"] == 0
    )
    if scandinavian:
        nordic.add("ENGLISH")
        if any(ch in _NORDIC_LETTERS for ch in text.lower()):
            nordic.add(best)  # æ, ø, å: not Finnish or Dutch, whatever lingua says
    if best in nordic or (top_value < 0.5 and prior in ("nb", "nn")):
        return _standard(votes, prior, text, confidence)
    if top_value < 0.5:
        # Lingua is unsure (short text): Scandinavian words, the prior or mass decide.
        if scandinavian:
            return _standard(votes, prior, text, confidence)
        if prior is not None:
            return prior
        if votes["no"] > 0 and votes["en"] == 0 and not swedish:
            return _standard(votes, prior, text, confidence)
        mass = sum(confidence.get(k, 0.0) for k in ("BOKMAL", "NYNORSK", "DANISH"))
        return _standard(votes, prior, text, confidence) if mass >= 0.3 else "other"
    if prior == "en" and confidence.get("ENGLISH", 0.0) >= 0.1:
        return "en"
    code = _CODES.get(best, "other")
    return _standard(votes, prior, text, confidence) if code in ("nb", "nn") else code


def detect_language(text: str, known_language: str | None = None) -> Language:
    """The language of ``text``: nb, nn, en or other.

    ``known_language`` (the customer's language, e.g. "nb", "no", "nn", "en") is the prior
    used when the text alone does not decide, and the answer for texts without words.

    Examples
    --------
    >>> detect_language("Eg er svært nøgd med tenesta")
    'nn'
    >>> detect_language("Jeg er veldig fornøyd")
    'nb'
    >>> detect_language("Great service, thank you")
    'en'
    """
    prior = _normalise(known_language)
    tokens = words(text)
    if not tokens:
        return prior or "other"
    votes = _votes(tokens)
    ranked = sorted(((k, votes[k]) for k in ("no", "en", "da", "sv")), key=lambda kv: -kv[1])
    (top, best), (_, second) = ranked[0], ranked[1]
    if top in ("no", "en") and (
        (best >= 1 and best - second >= 1) or (best >= 0.5 and second == 0 and len(tokens) <= 3)
    ):
        return "en" if top == "en" else _standard(votes, prior, text)
    if top == "no" and best >= 1 and votes["en"] < 0.5 and votes["da"] == votes["sv"] == 0:
        return _standard(votes, prior, text)
    if top in ("da", "sv") and best >= 2 and best - second >= 1:
        return "other"
    return _from_lingua(text[:2000], votes, prior)


def _normalise(code: str | None) -> Language | None:
    """A customer language code as nb, nn or en ("no", "nob", "nno", "en-GB" …)."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    if code in ("nb", "no", "nob", "nor", "bokmål", "bokmal", "norsk"):
        return "nb"
    if code in ("nn", "nno", "nynorsk"):
        return "nn"
    if code in ("en", "eng", "english"):
        return "en"
    return "other"
