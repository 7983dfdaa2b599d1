"""Language detection: Bokmål, Nynorsk, English and everything else."""

import pytest

from kundepuls.text.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Leveringen var ikke rask, men kundeservice var kjempehyggelig", "nb"),
        ("Jeg har ikke fått svar på henvendelsen min", "nb"),
        ("Eg er svært nøgd med tenesta dykkar", "nn"),
        ("Det var ikkje noko svar frå dei i det heile", "nn"),
        ("Great service and fast delivery, thank you", "en"),
        ("The parcel never arrived", "en"),
        ("Sehr gute Lieferung, vielen Dank", "other"),
        ("Très bon service, merci beaucoup", "other"),
        ("Tack för snabb leverans, jag är mycket nöjd", "other"),
    ],
)
def test_detects_the_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_short_bokmal_is_not_danish() -> None:
    for text in ["Bra", "Veldig bra", "Pakken kom for sent", "Super", "Kjempebra"]:
        assert detect_language(text) == "nb", text


def test_the_known_language_is_a_prior() -> None:
    assert detect_language("Veldig bra", "nn") == "nn"
    assert detect_language("Hyggelig betjening", "nn") == "nb"  # "-lig" is Bokmål
    assert detect_language("", "en") == "en"
    assert detect_language("👍👍", "no") == "nb"
    assert detect_language("👍👍") == "other"
    assert detect_language("Great, thanks", "nb") == "en"


def test_other_languages_degrade_gracefully() -> None:
    for text in ["Отличный сервис", "خدمة ممتازة", "1234 5678", "?!?!", "\x00\x01"]:
        assert detect_language(text) in {"nb", "nn", "en", "other"}


@pytest.mark.parametrize(
    "text", ["Frakten er en vits.", "Appen er en katastrofe", "Returen er en spøk"]
)
def test_short_norwegian_with_scandinavian_words_is_not_english(text: str) -> None:
    assert detect_language(text) == "nb"
    assert detect_language(text, "en") == "nb"  # the words outweigh an English customer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prisane har gått opp sidan i fjor", "nn"),  # "-ane" plural
        ("Fleire kassar burde ha vore opne", "nn"),  # "-ar" plural
        ("Seljaren kunne lite om produkta", "nn"),  # "-aren" agent noun
        ("Billegast i byen", "nn"),  # "-ast" superlative
        ("Stor openheit om prisane", "nn"),  # "-heit"
        ("Sikkerheten på siden er god", "nb"),  # "-het"
        ("Kundetenesta svarte fort", "nn"),  # compound head
        ("Kundetjenesten svarte fort", "nb"),
        ("Verkstaden var rein og ryddig", "nn"),
        ("Verkstedet var rent", "nb"),
        ("Supernøgd med kjøpet", "nn"),
        ("Superfornøyd med kjøpet", "nb"),
        ("Billetten kostar litt", "nn"),  # "-tar" verb, not "deltar" or "gitar"
    ],
)
def test_endings_and_compound_heads_pick_the_written_standard(text: str, expected: str) -> None:
    assert detect_language(text) == expected
    assert detect_language(text, "nb" if expected == "nn" else "nn") == expected


@pytest.mark.parametrize(
    "text",
    ["Kommentar: leveransen tok tid", "Vi fikk svare på en undersøkelse", "Bilene sto i kø"],
)
def test_words_that_only_look_nynorsk_do_not_count(text: str) -> None:
    # "-tar" loans, "svare", "vare", "klare" end like Nynorsk forms without being any
    assert detect_language(text) == "nb"


def test_articles_and_neuter_forms_pick_the_written_standard() -> None:
    assert detect_language("Kjøpte en sofa") == "nb"
    assert detect_language("Kjøpte ein sofa") == "nn"
    assert detect_language("Greit nok") == "nb"
    assert detect_language("Greitt nok") == "nn"


def test_forms_both_standards_allow_do_not_make_bokmal() -> None:
    assert detect_language("Eg kjem igjen neste år") == "nn"
    assert detect_language("Dei svarte også raskt") == "nn"
    assert detect_language("Bilane stod i kø") == "nn"


def test_plain_norwegian_leans_to_bokmal_unless_the_customer_writes_nynorsk() -> None:
    for text in ["Maten var god og prisen grei", "Enkel betaling, svarte raskt", "Nei"]:
        assert detect_language(text) == "nb", text
        assert detect_language(text, "nn") == "nn", text


def test_norwegian_only_words_and_letters_count_as_norwegian() -> None:
    assert detect_language("Veldig kjapt") == "nb"
    assert detect_language("Fint vær på turen i år") == "nb"
    # lingua reads these as Finnish and Dutch; æ, ø and å with Scandinavian words say otherwise
    assert detect_language("Bra pris på dekkhotellet i år") == "nb"
    assert detect_language("Er kantina open på søndagar om vinteren?") == "nn"


@pytest.mark.parametrize(
    "text",
    [
        "Open on Sundays would be nice",
        "Same problem as last time",
        "Similar prices elsewhere, popular place",
    ],
)
def test_english_words_that_look_norwegian_stay_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "Jag kommer aldrig att handla här igen",  # Swedish with a Bokmål verb
        "Le colis est arrivé en retard et abîmé",  # French "en", "et"
        "Het pakket is nooit aangekomen",
    ],
)
def test_other_languages_with_scandinavian_looking_words_stay_other(text: str) -> None:
    assert detect_language(text) == "other"
