"""Themes of a comment from an editable taxonomy, with the sentiment of each mention.

The taxonomy is ``data/themes.yaml`` unless ``KUNDEPULS_THEMES_FILE`` names another file.
A mention's sentiment is that of its clause; a clause without sentiment words takes that of
its stretch between contrast words, and failing that the comment's. Comments that match no
theme can be clustered (:func:`discover`) so that new themes can be named and added.
"""

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kundepuls.kit.errors import KundepulsError
from kundepuls.text.lexicon import Label, LexiconResult, plain_spellings, squash, to_label

# A "word*" term of at least HEAD letters also ends Norwegian compounds whose first part has
# at least MODIFIER letters, followed only by an inflection ending ("straumrekninga" →
# "rekning*", "selvbetjeningen" → "betjening*"). Whole-word terms do not, since many are
# verbs that end unrelated words ("ringer" in "oppdateringer").
HEAD = 5
MODIFIER = 4
ENDINGS = ("", "e", "en", "et", "a", "er", "ar", "ene", "ane", "erne", "arne", "ne", "s")

# How many distinct tokens a taxonomy remembers the matches of.
SEEN_TOKENS = 50_000


@dataclass(frozen=True)
class Theme:
    """One theme: its key, labels per language and the terms that signal it."""

    key: str
    labels: dict[str, str]
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Durations:
    """A wait told only by its length ("stod i 45 min", "on hold for an hour").

    A unit of time names ``theme`` unless one of the three words before it is in
    ``not_after`` (how long something took to get done: "løste det på fem minutter",
    "within an hour", "hvert andre minutt") or the word after it is in ``not_before``
    ("ringte 10 min før", "ten minutes away"). Numbers are not tokens, so a unit that is
    also another word (``ambiguous``: "en time", "min") counts only right after one of its
    listed words and before no word but one of ``followed_by`` ("i 45 min." but not
    "i min størrelse"). A long unit (``long_units``: days, weeks) counts only when one of
    ``long_after`` is among the three words before it ("det tok tre veker å få refusjon",
    "it's been 2 days") and no theme of ``long_unless`` is named (a delivery that took three
    weeks is about the delivery time).
    """

    theme: str
    units: frozenset[str]
    ambiguous: dict[str, frozenset[str]]
    followed_by: frozenset[str]
    not_after: frozenset[str]
    not_before: frozenset[str]
    long_units: frozenset[str] = frozenset()
    long_after: frozenset[str] = frozenset()
    long_unless: frozenset[str] = frozenset()

    def find(self, words: list[str], named: Iterable[str] = ()) -> list[int]:
        """Indices of the units that tell how long someone waited, given the themes named."""
        out = []
        long_ok = self.long_unless.isdisjoint(named)
        for i, word in enumerate(words):
            if word in self.long_units:
                if not long_ok or not self.long_after.intersection(words[max(0, i - 3) : i]):
                    continue
            elif word not in self.units and word not in self.ambiguous:
                continue
            before = words[max(0, i - 3) : i]
            after = words[i + 1] if i + 1 < len(words) else ""
            if (
                word in self.ambiguous
                and word not in self.units
                and not (
                    before
                    and before[-1] in self.ambiguous[word]
                    and (not after[:1].isalpha() or after in self.followed_by)
                )
            ):
                continue
            if not self.not_after.intersection(before) and after not in self.not_before:
                out.append(i)
        return out


@dataclass
class ThemeMention:
    """A theme found in a comment and the sentiment around it."""

    theme: str
    sentiment: Label
    score: float
    terms: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "sentiment": self.sentiment,
            "score": round(self.score, 3),
            "terms": self.terms,
        }


class Taxonomy:
    """A set of themes compiled for fast matching of tokens.

    Examples
    --------
    >>> from kundepuls.text.lexicon import default_lexicon
    >>> reading = default_lexicon().analyze("Leveringen var ikke rask, men kundeservice var topp")
    >>> [(m.theme, m.sentiment) for m in default_taxonomy().mentions(reading)]
    [('delivery', 'negative'), ('customer_service', 'positive')]
    """

    def __init__(self, themes: list[Theme], durations: Durations | None = None) -> None:
        self.themes = {t.key: t for t in themes}
        self.order = {t.key: n for n, t in enumerate(themes)}
        self.durations = durations if durations and durations.theme in self.themes else None
        self.exact: dict[str, set[str]] = {}
        self.prefix: dict[str, set[str]] = {}
        self.suffix: dict[str, set[str]] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        # Weak terms ("~varen") count only when nothing else in the comment names a theme.
        self.weak: set[tuple[str, str]] = set()
        # Object terms ("^jakke*") name a theme only in a clause that voices an opinion.
        self.objects: set[tuple[str, str]] = set()
        # Exceptions ("!lett å finne fram") keep the words they cover from naming the theme.
        self.exceptions: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for theme in themes:
            for written in theme.terms:
                written = written.strip().lower()
                if written.startswith("!"):
                    parts = tuple(written[1:].split())
                    if parts:
                        self.exceptions.setdefault(parts[0], []).append((parts, theme.key))
                    continue
                bare = written.lstrip("~^")
                marks = written[: len(written) - len(bare)]
                for term in _spellings(bare):
                    if "~" in marks:
                        self.weak.add((theme.key, term.strip("*")))
                    if "^" in marks:
                        self.objects.add((theme.key, term.strip("*")))
                    self._add(term, theme.key)
        self.lengths = sorted({len(p) for p in self.prefix}, reverse=True)
        self.suffix_lengths = sorted({len(s) for s in self.suffix}, reverse=True)
        weak_terms = {term for _, term in self.weak | self.objects}
        self.head_stems = {
            t: k
            for t, k in self.prefix.items()
            if len(t) >= HEAD and t.isalpha() and t not in weak_terms
        }
        self._seen: dict[str, frozenset[tuple[str, str]]] = {}
        self.head_lengths = sorted({len(t) for t in self.head_stems}, reverse=True)

    def _add(self, term: str, key: str) -> None:
        if " " in term:
            parts = tuple(term.split())
            self.phrases.setdefault(parts[0], []).append((parts, key))
        elif term.startswith("*") and len(term) > 3:
            self.suffix.setdefault(term.strip("*"), set()).add(key)
            if term.endswith("*"):
                self.prefix.setdefault(term.strip("*"), set()).add(key)
        elif term.endswith("*") and len(term) > 2:
            self.prefix.setdefault(term[:-1], set()).add(key)
        elif term:
            self.exact.setdefault(term, set()).add(key)

    def match_token(self, token: str) -> frozenset[tuple[str, str]]:
        """The (theme, term) pairs one token signals (remembered for the most recent tokens)."""
        found = self._seen.get(token)
        if found is None:
            if len(self._seen) >= SEEN_TOKENS:
                self._seen.clear()
            found = self._seen[token] = frozenset(self._match_token(token))
        return found

    def _match_token(self, token: str) -> set[tuple[str, str]]:
        size = len(token)
        found = {(key, token) for key in self.exact.get(token, ())}
        for length in self.lengths:
            if length <= size and (keys := self.prefix.get(token[:length])):
                found |= {(key, token[:length]) for key in keys}
        for length in self.suffix_lengths:
            if length < size and (keys := self.suffix.get(token[-length:])):
                found |= {(key, token[-length:]) for key in keys}
        if not found and size >= MODIFIER + HEAD:
            found = self._compound_heads(token)
        return found

    def _compound_heads(self, token: str) -> set[tuple[str, str]]:
        """The (theme, term) pairs of a term that ends ``token`` as a compound's head."""
        best: tuple[int, str] = (0, "")
        for ending in ENDINGS:
            if not token.endswith(ending):
                continue
            body = token[: len(token) - len(ending)]
            for length in self.head_lengths:
                stem = body[-length:]
                if len(body) - length >= MODIFIER and stem in self.head_stems:
                    best = max(best, (length + len(ending), stem))
                    break
        return {(key, best[1]) for key in self.head_stems.get(best[1], ())}

    def matches(
        self, tokens: list[str], voiced: Callable[[int], bool] | None = None
    ) -> dict[str, list[tuple[int, str]]]:
        """Per theme key, the (token index, term) of each mention.

        ``voiced(i)`` tells whether the clause of token ``i`` voices an opinion; object terms
        count only there (all do when it is not given).
        """
        strong: dict[str, list[tuple[int, str]]] = {}
        weak: dict[str, list[tuple[int, str]]] = {}
        excepted = self._excepted(tokens)

        def note(i: int, key: str, term: str, shown: str) -> None:
            if (i, key) in excepted:
                return
            if voiced is not None and (key, term) in self.objects and not voiced(i):
                return
            target = weak if (key, term) in self.weak else strong
            target.setdefault(key, []).append((i, shown))

        for i, token in enumerate(tokens):
            for parts, key in self.phrases.get(token, ()):
                if tuple(tokens[i : i + len(parts)]) == parts:
                    term = " ".join(parts)
                    note(i, key, term, term)
            if token[:1].isalpha() or token[:1] == "[":
                for key, term in self.match_token(token):
                    note(i, key, term, token)
        if self.durations is not None:
            key = self.durations.theme
            # A weakly named delivery ("where is my order? it's been ten days") still tells
            # that the long wait is its delivery time.
            for i in self.durations.find(tokens, strong.keys() | weak.keys()):
                if (i, key) not in excepted:
                    strong.setdefault(key, []).append((i, tokens[i]))
        return strong or weak

    def _excepted(self, tokens: list[str]) -> set[tuple[int, str]]:
        """The (token index, theme) pairs that an exception phrase covers."""
        out: set[tuple[int, str]] = set()
        for i, token in enumerate(tokens):
            for parts, key in self.exceptions.get(token, ()):
                if tuple(tokens[i : i + len(parts)]) == parts:
                    out |= {(j, key) for j in range(i, i + len(parts))}
        return out

    def mentions(self, reading: LexiconResult, overall: float | None = None) -> list[ThemeMention]:
        """The themes of a comment read by the lexicon, each with its own sentiment.

        A theme whose clauses hold no sentiment takes the comment's: ``overall`` when given
        (the score after blending), else the lexicon's.
        """
        out = []
        matches = self.matches(reading.tokens, lambda i: _voiced(reading, i))
        for key, hits in matches.items():
            raw = _theme_raw(reading, [index for index, _ in hits])
            score = squash(raw) if raw else reading.score if overall is None else overall
            terms = sorted({term for _, term in hits})
            out.append(ThemeMention(key, to_label(score), score, terms))
        # By first mention; themes first named by one word in taxonomy order, so that the
        # order does not depend on how a set of matches happens to iterate.
        out.sort(key=lambda m: (min(i for i, _ in matches[m.theme]), self.order[m.theme]))
        return out


def _spellings(term: str) -> list[str]:
    """``term`` and the other ways it is written.

    Every term is also known as typed without æ, ø and å ("apningstider", "sjaafor*"),
    unless that leaves a word of three letters or fewer. A "word*" term whose stem of five
    letters or more ends in "e" also takes the feminine definite "-a" ("nettside*" →
    "nettsida", "heimeside*" → "heimesida").

    Examples
    --------
    >>> _spellings("heimeside*")
    ['heimeside*', 'heimesida*']
    """
    forms = [term, *plain_spellings(term)]
    stem = term.removesuffix("*")
    if term.endswith("*") and not term.startswith("*") and len(stem) >= 5 and stem[-1] == "e":
        forms += [form[:-2] + "a*" for form in forms]
    return forms


def _voiced(reading: LexiconResult, index: int) -> bool:
    """Whether the clause of token ``index`` holds a sentiment word."""
    clause = reading.clause_at(index)
    return clause is not None and clause.hits > 0


def _theme_raw(reading: LexiconResult, indices: list[int]) -> float:
    """The sentiment around a theme's mentions, the later side of a contrast weighing more.

    Each mention takes its clause's sentiment, else that of its stretch between contrast
    words; the clauses are weighted as in the comment and rescaled so that the heaviest
    keeps its full weight.
    """
    parts: dict[int, tuple[float, float]] = {}
    for index in indices:
        clause = reading.clause_at(index)
        if clause is None:
            continue
        if clause.hits:
            parts[clause.start] = (clause.raw, clause.weight)
            continue
        for other in reading.clauses:
            if other.segment == clause.segment and other.hits:
                parts[other.start] = (other.raw, other.weight)
    if not parts:
        return 0.0
    heaviest = max(weight for _, weight in parts.values())
    return sum(raw * weight for raw, weight in parts.values()) / heaviest


def load_taxonomy(text: str, source: str = "themes file") -> Taxonomy:
    """A taxonomy from YAML text (see ``data/themes.yaml`` for the format)."""
    try:
        data = yaml.safe_load(text) or {}
        themes = [
            Theme(
                str(key),
                {str(k): str(v) for k, v in (spec.get("label") or {}).items()},
                tuple(str(t) for t in spec.get("terms") or ()),
            )
            for key, spec in (data.get("themes") or {}).items()
        ]
        durations = _durations(data.get("durations"))
    except (yaml.YAMLError, AttributeError, TypeError, KeyError) as error:
        raise KundepulsError(f"{source}: not a valid theme file ({error})") from None
    if not themes:
        raise KundepulsError(f"{source}: no themes under the key 'themes'")
    return Taxonomy(themes, durations)


def _durations(spec: dict[str, Any] | None) -> Durations | None:
    """The wait-by-length rule of a theme file's ``durations`` block, if it has one."""
    if not spec:
        return None

    def words(name: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in spec.get(name) or ())

    return Durations(
        str(spec["theme"]),
        words("units"),
        {
            str(unit).lower(): frozenset(str(w).lower() for w in after or ())
            for unit, after in (spec.get("ambiguous") or {}).items()
        },
        words("followed_by"),
        words("not_after"),
        words("not_before"),
        words("long_units"),
        words("long_after"),
        words("long_unless"),
    )


@cache
def _taxonomy_from(path: str | None) -> Taxonomy:
    if path is None:
        text = resources.files("kundepuls.text").joinpath("data", "themes.yaml").read_text("utf-8")
        return load_taxonomy(text, "built-in themes")
    try:
        text = Path(path).read_text("utf-8")
    except OSError as error:
        raise KundepulsError(f"KUNDEPULS_THEMES_FILE {path}: {error.strerror}") from None
    return load_taxonomy(text, path)


def default_taxonomy() -> Taxonomy:
    """The taxonomy in use: KUNDEPULS_THEMES_FILE if set, else the built-in one."""
    return _taxonomy_from(os.environ.get("KUNDEPULS_THEMES_FILE") or None)
