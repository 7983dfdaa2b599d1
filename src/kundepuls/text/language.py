"""Language of a comment: ``nb`` (Bokmål), ``nn`` (Nynorsk), ``en`` (English) or ``other``.

Function words settle most comments at once ("ikkje", "eg", "kva" against "ikke", "jeg",
"hva"; "-leg" against "-lig"). What they leave open goes to lingua, restricted to a set of
candidates; lingua calls short Bokmål Danish, so Danish counts as Bokmål unless the text has
Danish-only words, and the customer's known language breaks ties.
"""

from functools import cache
from typing import Any, Literal

from kundepuls.text.tokens import words

Language = Literal["nb", "nn", "en", "other"]
LANGUAGES: tuple[Language, ...] = ("nb", "nn", "en", "other")

_NB = frozenset(
    "ikke jeg hva hvordan hvorfor hvor hvilken noe noen mye hun fra dere deres bare også "
    "ble blitt mer meg deg seg selv fikk gikk helt hjelp etter mens uten nå enn kun "
    "hadde ingenting tjeneste tjenesten svært vært leveringen kommer".split()
)
_NN = frozenset(
    "ikkje eg ein eit me dei kva korleis kvifor kvar kven noko nokon mykje ho frå dykk "
    "berre òg vart vorte meir meg sjølv fekk gjekk heilt hjelp etter medan utan no enn "
    "berre hjå nøgd nøgde tenesta tenester dykkar mitt sidan fordi kjem seier kome "
    "vore hugse gong gongen mogleg ventetida".split()
)
_EN = frozenset(
    "the and is was you it of not very my with but they this that have had were "
    "are be been an in on we our your too just what when why how would could "
    "should will can did does don't didn't it's i'm never great good delivery staff "
    "thanks thank".split()
)
_DANISH = frozenset("meget hvad nogle nogen mig efter købt blev sådan tak køb".split())
_SWEDISH = frozenset("inte jag och är mycket också hade att för inga någon köpte".split())
_SHARED_NB_NN = frozenset({"meg", "hjelp", "etter", "enn"})
_CODES: dict[str, Language] = {"BOKMAL": "nb", "NYNORSK": "nn", "ENGLISH": "en"}
_CANDIDATES = (
    "BOKMAL NYNORSK ENGLISH DANISH SWEDISH GERMAN FRENCH SPANISH ITALIAN DUTCH "
    "POLISH FINNISH PORTUGUESE RUSSIAN ARABIC SOMALI TURKISH UKRAINIAN LITHUANIAN"
).split()


@cache
def _lexical() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Sentiment words that only Norwegian (or only English, or only Nynorsk) uses."""
    from kundepuls.text.lexicon import default_lexicon

    tables = default_lexicon().tables
    nb, nn, en = (set(tables[k].words) for k in ("nb", "nn", "en"))
    return frozenset((nb | nn) - en), frozenset(en - nb - nn), frozenset(nn - nb)


def _votes(tokens: list[str]) -> dict[str, float]:
    """Function-word (and sentiment-word) evidence per language."""
    votes = {"nb": 0.0, "nn": 0.0, "en": 0.0, "da": 0.0, "sv": 0.0}
    norwegian, english, nynorsk = _lexical()
    for token in tokens:
        if token in norwegian:
            votes["nn" if token in nynorsk else "nb"] += 0.5
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
            if token.endswith(("leg", "lege", "legt")):
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
    if detector is None:
        return prior or "other"
    values = detector.compute_language_confidence_values(text)
    if not values:
        return prior or "other"
    confidence = {v.language.name: v.value for v in values}
    best = values[0].language.name
    if values[0].value < 0.5:
        # Lingua is unsure (short text): Scandinavian mass or the prior decides.
        nordic_mass = sum(confidence.get(k, 0.0) for k in ("BOKMAL", "NYNORSK", "DANISH"))
        if prior is not None and prior != "other":
            return prior
        if nordic_mass >= 0.3:
            return "nn" if confidence.get("NYNORSK", 0) > confidence.get("BOKMAL", 0) else "nb"
        return "other"
    if prior in ("nb", "nn", "en"):
        name = {"nb": "BOKMAL", "nn": "NYNORSK", "en": "ENGLISH"}[prior]
        nordic = prior in ("nb", "nn") and best in ("DANISH", "SWEDISH", "BOKMAL", "NYNORSK")
        nordic = nordic and votes["sv"] == 0 and not any(ch in text for ch in "äöÄÖ")
        if confidence.get(name, 0.0) >= 0.1 or nordic:
            return prior
    if best == "DANISH":
        return "other" if votes["da"] > votes["nb"] else "nb"
    if best == "SWEDISH":
        # A one-word "Bra" is as Norwegian as it is Swedish; Swedish needs its own evidence.
        swedish = votes["sv"] > 0 or any(ch in text for ch in "äöÄÖ")
        return "other" if swedish else "nb"
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
    if top in ("da", "sv") and best >= 2 and best - second >= 1:
        return "other"
    if prior in ("nb", "nn") and top in ("nb", "nn") and votes["nb"] != votes["nn"]:
        return top  # type: ignore[return-value]
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
