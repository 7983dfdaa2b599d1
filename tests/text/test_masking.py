"""Personal data is masked: email, phone numbers, fødselsnummer, card numbers, names."""

import pytest

from kundepuls.text.masking import CARD, EMAIL, NAME, NATIONAL_ID, PHONE, luhn_valid, mask
from kundepuls.text.masking import valid_national_id as valid_fnr


def fnr_checks(first9: str) -> str | None:
    """Both check digits, computed independently of kundepuls (the published weights)."""
    digits = list(map(int, first9))
    k1 = (11 - sum(w * d for w, d in zip([3, 7, 6, 1, 8, 9, 4, 5, 2], digits, strict=True))) % 11
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = (11 - sum(w * d for w, d in zip([5, 4, 3, 2, 7, 6, 5, 4, 3, 2], digits, strict=True))) % 11
    if k2 == 10:
        return None
    return first9 + f"{k1}{k2}"


@pytest.mark.parametrize(
    "first9", ["150765005", "311299499", "010203457", "290280111", "410190123"]
)
def test_valid_fodselsnummer_is_masked(first9: str) -> None:
    number = fnr_checks(first9)
    if number is None:
        pytest.fail("no valid check digit for this stem")
    assert valid_fnr(number)
    assert mask(f"Mitt fnr er {number}.") == f"Mitt fnr er {NATIONAL_ID}."


def test_invalid_fodselsnummer_is_kept() -> None:
    number = fnr_checks("150765005")
    assert number is not None
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not valid_fnr(wrong)
    assert mask(f"Ordre {wrong}") == f"Ordre {wrong}"
    assert not valid_fnr("12345")


def test_luhn() -> None:
    assert luhn_valid("4111 1111 1111 1111")
    assert luhn_valid("5555555555554444")
    assert not luhn_valid("4111 1111 1111 1112")
    assert mask("kort 4111 1111 1111 1111 ok") == f"kort {CARD} ok"
    assert mask("kort 4111-1111-1111-1111") == f"kort {CARD}"
    assert "4111 1111 1111 1112" in mask("kort 4111 1111 1111 1112")


@pytest.mark.parametrize(
    "phone",
    [
        "91234567",
        "912 34 567",
        "22 33 44 55",
        "+47 912 34 567",
        "+4791234567",
        "0047 91234567",
        "+44 20 7946 0958",
        "+1 (555) 123-4567",
        "0046 8 123 456 78",
    ],
)
def test_phone_numbers_are_masked(phone: str) -> None:
    assert mask(f"Ring meg på {phone} i dag") == f"Ring meg på {PHONE} i dag"


def test_emails_are_masked() -> None:
    text = "Skriv til kari.nordmann+butikk@example.co.uk eller ola@firma.no."
    assert mask(text) == f"Skriv til {EMAIL} eller {EMAIL}."


def test_numbers_that_are_not_personal_stay() -> None:
    text = "Betalte 1 299 kr den 12.03.2024 for ordre 2024-1234, 3 stk, postnummer 0150."
    assert mask(text) == text


def test_the_customers_own_name_is_masked() -> None:
    text = "Hei, dette er Kari Nordmann. Kari trenger hjelp. Karin er en annen."
    assert (
        mask(text, "Kari Nordmann")
        == f"Hei, dette er {NAME}. {NAME} trenger hjelp. Karin er en annen."
    )
    assert mask("Takk fra ola", "Ola") == f"Takk fra {NAME}"
    assert mask("Hei", "  ") == "Hei"
    assert mask("Hei (a+b)", "a+b") == f"Hei ({NAME})"
