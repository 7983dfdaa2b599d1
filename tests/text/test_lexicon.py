"""The CX lexicon: negation, intensifiers, dampeners, contrast, emoji and exclamation marks."""

import pytest

from kundepuls.text.lexicon import default_lexicon, squash, to_label


def label(text: str, language: str | None = None) -> str:
    return default_lexicon().analyze(text, language).label


def score(text: str, language: str | None = None) -> float:
    return default_lexicon().analyze(text, language).score


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bra", "positive"),
        ("Ikke bra", "negative"),
        ("Ikkje bra", "negative"),
        ("Ikkje dårleg", "positive"),
        ("ikke dårlig i det hele tatt", "positive"),
        ("not bad", "positive"),
        ("not good at all", "negative"),
        ("Never again", "negative"),
        ("Aldri igjen", "negative"),
        ("aldri att", "negative"),
        ("Ingenting å klage på", "positive"),
        ("Fungerer ikke", "negative"),
        ("Har ikke fått svar", "negative"),
        ("ikkje svar frå dei", "negative"),
        ("Pakken kom i går", "neutral"),
        ("The parcel arrived on Tuesday", "neutral"),
    ],
)
def test_negation_and_phrases(text: str, expected: str) -> None:
    assert label(text) == expected


def test_negation_has_a_scope() -> None:
    # "ikke" reaches the next few words only; a later sentence is not negated.
    assert label("Jeg har ikke tid. Men servicen var bra") == "positive"
    assert label("Ikke rask, men veldig hyggelig") == "positive"


def test_intensifiers_and_dampeners() -> None:
    assert score("veldig bra") > score("bra") > score("litt bra") > 0
    assert score("kjempefornøyd") > score("fornøyd")
    assert score("very good") > score("good") > score("slightly good")
    assert score("altfor dyrt") < score("dyrt") < 0


def test_compound_prefixes_and_misspellings() -> None:
    assert label("kjempefornøgd") == "positive"
    assert label("superrask levering") == "positive"
    assert label("dritdårlig") == "negative"
    assert label("dårli service") == "negative"
    assert label("treig") == "negative"


def test_contrast_makes_the_later_clause_weigh_more() -> None:
    assert label("Bra produkt, men altfor dyrt") == "negative"
    assert label("Litt dyrt, men kvaliteten er verdt det") == "positive"
    assert label("Great food but the service was terrible") == "negative"
    assert label("Selv om det var dyrt, er jeg veldig fornøyd") == "positive"


def test_emoji_and_exclamation_marks() -> None:
    assert label("😡") == "negative"
    assert label("👍") == "positive"
    assert label("Levering i dag :)") == "positive"
    assert score("Bra!!!") > score("Bra") > 0
    assert score("Elendig!!!") < score("Elendig") < 0


def test_scores_stay_in_range() -> None:
    text = "elendig " * 500 + "!" * 50
    assert -1.0 <= score(text) < -0.99
    assert 0.99 < score("fantastisk " * 500) <= 1.0


def test_squash_and_labels() -> None:
    assert squash(0.0) == 0.0
    assert squash(2.0) == pytest.approx(2.0 / (4.0 + 6.0) ** 0.5)
    assert to_label(0.5) == "positive"
    assert to_label(-0.5) == "negative"
    assert to_label(0.1) == "neutral"


def test_language_specific_tables() -> None:
    # "sent" is late in Norwegian, but only a verb in English.
    assert label("Pakken kom sent", "nb") == "negative"
    assert label("They sent the parcel yesterday", "en") == "neutral"
    # A Norwegian word in an English comment still counts.
    assert label("The staff were kjempehyggelige", "en") == "positive"
