"""Personal data masked out of a comment before it is shown, stored as text or exported.

Masked: email addresses, phone numbers (Norwegian 8-digit with or without +47/0047 and
spaces, and international numbers with a + or 00 prefix), Norwegian national identity
numbers (fødselsnummer/D-nummer with both mod-11 check digits), payment card numbers (13–19
digits passing Luhn) and the customer's own name where it is known.
"""

import re

EMAIL = "[e-post]"
PHONE = "[telefon]"
NATIONAL_ID = "[fødselsnummer]"
CARD = "[kortnummer]"
NAME = "[navn]"

_EMAIL = re.compile(r"(?<![\w.+%-])[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_DIGIT_RUN = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ .\-]?\d){7,22}(?!\w)")
# Norwegian numbers start with 2–9 and are written in groups split by spaces; dates and
# order numbers with dots or hyphens are left alone.
_NO_PHONE = re.compile(
    r"(?<![\w+.\-])(?<!\d )(?:(?:\+|00)\s?47\s?)?[2-9](?: ?\d){7}(?! ?\d)(?![\w.\-]\d|\w)"
)
_INTL_PHONE = re.compile(r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[ \-]?\(?\d{1,5}\)?){2,6}(?!\w)")
_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def valid_national_id(number: str) -> bool:
    """Whether ``number`` is an 11-digit fødselsnummer (or D-number) with both check digits.

    Examples
    --------
    >>> valid_national_id("01010112345")
    False
    >>> valid_national_id("15076500565")
    True
    """
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 11:
        return False
    k1 = 11 - sum(w * d for w, d in zip(_W1, digits[:9], strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10 or k1 != digits[9]:
        return False
    k2 = 11 - sum(w * d for w, d in zip(_W2, digits[:10], strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    day, month = digits[0] * 10 + digits[1], digits[2] * 10 + digits[3]
    day -= 40 if day > 40 else 0  # D-numbers add 40 to the day
    return k2 != 10 and k2 == digits[10] and 1 <= day <= 31 and 1 <= month % 40 <= 12


def luhn_valid(number: str) -> bool:
    """Whether the digits of ``number`` pass the Luhn check (payment cards).

    Examples
    --------
    >>> luhn_valid("4111 1111 1111 1111"), luhn_valid("4111 1111 1111 1112")
    (True, False)
    """
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 2:
        return False
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def _digit_runs(match: re.Match[str]) -> str:
    text = match.group()
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and valid_national_id(digits) and not text.startswith(("+", "00")):
        return NATIONAL_ID
    if 13 <= len(digits) <= 19 and luhn_valid(digits) and not text.startswith("+"):
        return CARD
    return text


def _name_pattern(name: str) -> re.Pattern[str] | None:
    parts = [p for p in re.split(r"\s+", name.strip()) if len(p) >= 2]
    if not parts:
        return None
    alternatives = sorted({re.escape(name.strip()), *map(re.escape, parts)}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def mask(text: str, customer_name: str | None = None) -> str:
    """``text`` with personal data replaced by placeholders such as ``[e-post]``.

    Examples
    --------
    >>> mask("Ring meg på +47 912 34 567 eller skriv til kari@example.no", "Kari Nordmann")
    'Ring meg på [telefon] eller skriv til [e-post]'
    """
    text = _EMAIL.sub(EMAIL, text)
    text = _DIGIT_RUN.sub(_digit_runs, text)
    text = _INTL_PHONE.sub(PHONE, text)
    text = _NO_PHONE.sub(PHONE, text)
    if customer_name:
        pattern = _name_pattern(customer_name)
        if pattern is not None:
            text = pattern.sub(NAME, text)
    return text
