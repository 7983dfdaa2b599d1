"""Open comments composed from many fragments, so that no template repeats.

A comment has a language (``nb``, ``nn``, ``en``), a main theme and a polarity
(``pos``, ``neg`` or ``mixed``). Mixed comments contrast two themes with "men"/"but". Some
comments carry a typo, some are very short, and a few carry an email address or a phone
number (for the masking of personal data to find).
"""

from types import ModuleType

import numpy as np

from kundepuls.demo import phrases_en, phrases_nb, phrases_nn

PHRASES: dict[str, ModuleType] = {"nb": phrases_nb, "nn": phrases_nn, "en": phrases_en}
THEMES: tuple[str, ...] = tuple(phrases_nb.POSITIVE)
TYPO_SHARE = 0.12
SHORT_SHARE = 0.015
CONTACT_SHARE = 0.03


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _clause(rng: np.random.Generator, lang: ModuleType, theme: str, positive: bool) -> str:
    pool = lang.POSITIVE if positive else lang.NEGATIVE
    text = _pick(rng, pool[theme])
    adverb = _pick(rng, lang.ADVERBS) if rng.random() < 0.6 else ""
    text = text.replace("{item}", _pick(rng, lang.ITEMS)).replace("{n}", _pick(rng, lang.NUMBERS))
    return " ".join(text.replace("{adv}", adverb).split())


def _other_theme(rng: np.random.Generator, theme: str) -> str:
    others = tuple(t for t in THEMES if t != theme)
    return _pick(rng, others)


def _sentence(clause: str, end: str, lower: bool = False) -> str:
    first = clause[0] if lower else clause[0].upper()
    return first + clause[1:] + end


def compose(
    rng: np.random.Generator,
    language: str,
    theme: str,
    polarity: str,
    contact: tuple[str, str] | None = None,
) -> str:
    """One comment in ``language`` about ``theme`` with ``polarity`` (pos, neg or mixed).

    ``contact`` is an (email, phone) pair of which one may be written into the comment.

    >>> compose(np.random.default_rng(1), "nb", "levering", "pos") != ""
    True
    """
    lang = PHRASES[language]
    if rng.random() < SHORT_SHARE:
        return _pick(rng, lang.SHORT)
    positive = polarity == "pos"
    end = "!" if rng.random() < 0.15 else "."
    if polarity == "mixed":
        good = _clause(rng, lang, _other_theme(rng, theme), True)
        bad = _clause(rng, lang, theme, False)
        first, second = (good, bad) if rng.random() < 0.6 else (bad, good)
        body = _sentence(f"{first}, {_pick(rng, lang.BUT)} {second}", end)
        parts = [body]
    else:
        opener = _pick(rng, lang.OPENERS_POS if positive else lang.OPENERS_NEG)
        main = _clause(rng, lang, theme, positive)
        if rng.random() < 0.35:
            extra = _clause(rng, lang, _other_theme(rng, theme), positive)
            joint = _pick(rng, lang.AND)
            main = main + joint + (_sentence(extra, "") if joint == ". " else extra)
        parts = [opener, _sentence(main, end, lower=opener.endswith((",", " men", " but")))]
        parts.append(_pick(rng, lang.CLOSERS_POS if positive else lang.CLOSERS_NEG))
    if contact is not None and rng.random() < CONTACT_SHARE:
        email, phone = contact
        parts.append(_pick(rng, lang.CONTACT).format(email=email, phone=phone))
    text = " ".join(part for part in parts if part)
    return typo(rng, text) if rng.random() < TYPO_SHARE else text


def typo(rng: np.random.Generator, text: str) -> str:
    """``text`` with one slip a hurried writer makes (swapped or lost letter, no æøå, ...).

    >>> typo(np.random.default_rng(0), "Pakken kom raskt.") != "Pakken kom raskt."
    True
    """
    kind = int(rng.integers(5))
    if kind == 0:
        return text.replace("ø", "o").replace("å", "a").replace("æ", "ae").lower()
    if kind == 1:
        return text.rstrip(".!")
    words = text.split(" ")
    long = [i for i, word in enumerate(words) if len(word) > 4 and word.isalpha()]
    if not long:
        return text.lower()
    i = long[int(rng.integers(len(long)))]
    word = words[i]
    j = int(rng.integers(1, len(word) - 1))
    if kind == 2:  # two letters swapped
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    elif kind == 3:  # a letter lost
        word = word[:j] + word[j + 1 :]
    else:  # a letter doubled
        word = word[:j] + word[j] + word[j:]
    words[i] = word
    return " ".join(words)
