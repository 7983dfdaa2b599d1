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
