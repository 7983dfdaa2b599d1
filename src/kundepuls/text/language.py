"""Language of a comment: ``nb`` (Bokmål), ``nn`` (Nynorsk), ``en`` (English) or ``other``.

Function words settle most comments at once ("ikkje", "eg", "kva" against "ikke", "jeg",
"hva"; "-leg" against "-lig"). What they leave open goes to lingua, restricted to a set of
candidates; lingua calls short Bokmål Danish, so Danish counts as Bokmål unless the text has
Danish-only words, and the customer's known language breaks ties.
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
_SHARED_NB_NN = frozenset({"meg", "hjelp", "etter", "enn"})
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


def _votes(tokens: list[str]) -> dict[str, float]:
    """Function-word (and sentiment-word) evidence per language."""
    votes = {"nb": 0.0, "nn": 0.0, "en": 0.0, "da": 0.0, "sv": 0.0}
    norwegian, english, nynorsk = _lexical()
    for token in tokens:
        if token in nynorsk:
            votes["nn"] += 0.5
        elif token in norwegian:
            votes["nb"] += 0.25  # shared by both written standards: evidence of Norwegian
            votes["nn"] += 0.25
        elif token in english:
            votes["en"] += 0.5
        if token in _SHARED_NB_NN:
            continue
        votes["nb"] += token in _NB
        votes["nn"] += token in _NN
        votes["en"] += token in _EN
        votes["da"] += token in _DANISH
        votes["sv"] += token in _SWEDISH
        if len(token) > 4:
            # Nynorsk adjectives end in -leg, Bokmål ones in -lig ("venleg" / "vennlig").
            if token.endswith(("leg", "lege", "legt", "ane", "are")):
                votes["nn"] += 0.5
            elif token.endswith(("lig", "lige", "ligt")):
                votes["nb"] += 0.5
    return votes


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
    if best in nordic or (top_value < 0.5 and prior in ("nb", "nn")):
        # Norwegian: the function words pick the written standard, then the prior, then lingua.
        if votes["nb"] != votes["nn"]:
            return "nb" if votes["nb"] > votes["nn"] else "nn"
        if prior in ("nb", "nn"):
            return prior
        bokmal = confidence.get("BOKMAL", 0.0) + confidence.get("DANISH", 0.0)
        return "nn" if confidence.get("NYNORSK", 0.0) > bokmal else "nb"
    if top_value < 0.5:
        # Lingua is unsure (short text): the prior or Scandinavian mass decides.
        if prior is not None:
            return prior
        if votes["nb"] + votes["nn"] > 0 and votes["en"] == 0:
            return "nn" if votes["nn"] > votes["nb"] else "nb"
        mass = sum(confidence.get(k, 0.0) for k in ("BOKMAL", "NYNORSK", "DANISH"))
        return "nb" if mass >= 0.3 else "other"
    if prior == "en" and confidence.get("ENGLISH", 0.0) >= 0.1:
        return "en"
    return _CODES.get(best, "other")


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
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    (top, best), (_, second) = ranked[0], ranked[1]
    if top in ("nb", "nn", "en") and best >= 1 and best - second >= 1:
        return top  # type: ignore[return-value]
    if top in ("nb", "nn", "en") and best >= 0.5 and second == 0 and len(tokens) <= 3:
        return top  # type: ignore[return-value]
    if top in ("nb", "nn") and best >= 1 and votes["en"] < 0.5 and votes["nb"] != votes["nn"]:
        return top  # type: ignore[return-value]
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
