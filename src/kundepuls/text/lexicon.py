"""The kundepuls CX sentiment lexicon for Bokmål, Nynorsk and English.

A comment is split into clauses (at punctuation, commas and contrast words). Each sentiment
word or phrase adds its weight to its clause, multiplied by the intensifiers or dampeners in
front of it and flipped by a negator up to ``negation_scope`` words before it (one word
only, except "verken … eller"; a negated negative word, litotes, counts less). Right after a
sentiment verb a negator flips the verb (Norwegian word order: "løste ikke problemet").
After a contrast word ("men", "but") the earlier clauses weigh ``contrast_before`` and the
later ones ``contrast_after``; after a concessive ("selv om", "even though") the rest of the
clause weighs less; exclamation marks strengthen the whole.

Customers often complain by telling what happened, without a sentiment word, so two rules
read events: an expected event that did not happen ("svarte aldri", "ingen svar", "never
arrived") and a long wait ("tok tre veker", "venta i over ein time", "took ages"). In a wish
or a condition ("would be great", "hadde vore fint om") positive words are not praise. An
eye-roll emoji (🙄, 🙃) makes praise irony: it counts as blame, and so does stock praise
("Takk for det.", "Great job, guys.", "Gratulerer 👏") in a comment that blames something and
praises nothing else. A phrase of weight 0 is a lukewarm verdict the lexicon knows ("veit
ikkje", "not sure"); a balanced one ("varierer", "depends", "evens out") nearly cancels the
comment's praise and blame. Without a contrast word, a last sentence that turns against the
ones before weighs as after "men" ("Great product. Terrible delivery."). A praise adverb
right before a blame word intensifies it ("imponerende dårlig"), and a counterfactual clause
("ellers hadde jeg glemt den") counts for nothing.

Sarcasm has more marks: a lone praise word that opens a sentence of blame ("Flott, nå er pakken
borte igjen"), praise that trails off on an ellipsis after blame ("Kjempebra system..."), a
trailing "... not", and a last word of disbelief (", seriøst"). A comment that opens with a
plain enquiry ("Hvordan reklamerer jeg på en defekt lader?") keeps little of its blame. How
many days something took is mostly a fact; weeks, hours or "ventet i fire dager" are a wait.
A sentence opened by "selv om", "although" ends on its main clause, weighed as after "men";
a wish starts at its marker, so praise before it in the clause still counts.

Nynorsk forms are made from the Bokmål entries ("-lig" → "-leg", "ikke" → "ikkje" in
phrases), and every Norwegian entry is also known as typed without æ, ø and å.

The weighted sum ``raw`` becomes a score in [−1, 1] as ``raw / sqrt(raw² + alpha)`` (the
normalisation of VADER: Hutto and Gilbert, ICWSM 2014, eq. in section 3.3), and the score a
label by two thresholds.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from kundepuls.text.tokens import is_break, tokenize

Label = Literal["negative", "neutral", "positive"]
LABELS: tuple[Label, ...] = ("negative", "neutral", "positive")
NORWEGIAN_SUFFIXES = ("e", "t", "a", "en", "et", "ene", "er", "ere", "est", "este")
ENGLISH_SUFFIXES = ("s", "ly")
ALPHA = 6.0
POSITIVE_THRESHOLD = 0.2
NEGATIVE_THRESHOLD = -0.2
MAX_PHRASE = 6
QUESTION_MARKS = frozenset("?")
_LIG = re.compile(r"lig(e|t|ere|st|ste|este)?$")
_LEG = {"": "leg", "e": "lege", "t": "legt", "ere": "legare", "st": "legast", "ste": "legaste"}
_LEG["este"] = "legaste"
_SPECIAL = re.compile("[æøå]")
# "4/5", "10/10", "1 stjerne", "5 stars": a rating the customer gives in the comment.
_FRACTION = re.compile(r"(?<![\d/])(\d{1,2}(?:[.,]5)?)\s*/\s*(5|6|10)(?![\d/])")
_STARS = re.compile(r"(?<!\d)([0-6])\s*(?:stjerner?|stjerna|stars?)\b", re.IGNORECASE)
_PLAIN = (
    str.maketrans({"æ": "ae", "ø": "o", "å": "a"}),
    str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}),
)


@dataclass(slots=True)
class Clause:
    """A stretch of tokens ``[start, end)`` with the weighted sentiment found in it."""

    start: int
    end: int
    segment: int
    raw: float = 0.0
    weight: float = 1.0
    hits: int = 0
    positive: float = 0.0  # the positive part of ``raw``, discounted in irrealis clauses
    irrealis: bool = False  # a wish or condition ("would be great", "hadde vore fint om")
    question: bool = False  # asked, not stated: "Kor lang tid tek det?"
    enquiry: bool = False  # a comment that opens by asking: "Korleis klagar eg på ei skadd vare?"
    lukewarm: bool = False  # "ikkje så mykje meir å seie", "nothing special": a shrug
    balanced: bool = False  # "varierer", "depends", "evens out": good and bad cancel
    counterfactual: bool = False  # "ellers hadde jeg glemt den": nothing happened
    stock: float = 0.0  # the part of ``positive`` from stock praise ("takk for det", "👏")


@dataclass(slots=True)
class LexiconResult:
    """The lexicon's reading of one comment."""

    score: float
    label: Label
    raw: float
    tokens: list[str]
    clauses: list[Clause] = field(default_factory=list)
    hits: int = 0

    def clause_at(self, index: int) -> Clause | None:
        """The clause that holds token ``index``."""
        for clause in self.clauses:
            if clause.start <= index < clause.end:
                return clause
        return None


@dataclass(frozen=True)
class _Table:
    words: dict[str, float]
    phrases: dict[str, list[tuple[tuple[str, ...], float]]]
    # Weights of compounds already looked up ("kjempefornøyd"), so each is split only once.
    compounds: dict[str, float | None] = field(default_factory=dict)
    # Negators of this language only ("no" is a negator in English, "now" in Nynorsk).
    negators: frozenset[str] = frozenset()
    # The phrases again by their first two words, so a token is compared with few of them.
    pairs: dict[tuple[str, str], list[tuple[tuple[str, ...], float]]] = field(default_factory=dict)


def squash(raw: float, alpha: float = ALPHA) -> float:
    """Map an unbounded sentiment sum into [−1, 1].

    Examples
    --------
    >>> round(squash(2.0), 3)
    0.632
    """
    return raw / math.sqrt(raw * raw + alpha) if raw else 0.0


def _by_first_word(phrases: Iterable[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases (as words) grouped by their first word, for lookup while scanning tokens."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for parts in phrases:
        index.setdefault(parts[0], []).append(parts)
    return index


def _starts(index: dict[str, list[tuple[str, ...]]], tokens: list[str], i: int) -> bool:
    """Whether one of the phrases of ``index`` (see :func:`_by_first_word`) starts at ``i``."""
    return any(tuple(tokens[i : i + len(p)]) == p for p in index.get(tokens[i], ()))


def to_label(
    score: float, positive: float = POSITIVE_THRESHOLD, negative: float = NEGATIVE_THRESHOLD
) -> Label:
    """The label of a score: negative below ``negative``, positive above ``positive``."""
    if score > positive:
        return "positive"
    if score < negative:
        return "negative"
    return "neutral"


def _read_tsv(name: str) -> dict[str, float]:
    text = resources.files("kundepuls.text").joinpath("data", name).read_text("utf-8")
    entries: dict[str, float] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, _, weight = line.rpartition("\t")
        entries[" ".join(tokenize(term)) if term[:1].isalpha() else term.strip()] = float(weight)
    return entries


def _inflect(entries: dict[str, float], suffixes: tuple[str, ...]) -> dict[str, float]:
    """Add regular inflections of the single words; explicit entries always win."""
    out: dict[str, float] = {}
    for term, weight in entries.items():
        if " " in term or len(term) < 3 or not term.isalpha():
            continue
        for suffix in suffixes:
            out.setdefault(term + suffix, weight)
    out.update(entries)
    return out


def _table(entries: dict[str, float], negators: frozenset[str] = frozenset()) -> _Table:
    words: dict[str, float] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], float]]] = {}
    for term, weight in entries.items():
        parts = tuple(term.split(" "))
        if len(parts) == 1:
            words[term] = weight
        else:
            phrases.setdefault(parts[0], []).append((parts[:MAX_PHRASE], weight))
    pairs: dict[tuple[str, str], list[tuple[tuple[str, ...], float]]] = {}
    for options in phrases.values():
        options.sort(key=lambda item: -len(item[0]))
        for parts, weight in options:
            pairs.setdefault((parts[0], parts[1]), []).append((parts, weight))
    return _Table(words, phrases, negators=negators, pairs=pairs)


class Lexicon:
    """The CX sentiment lexicon with its modifiers; :func:`default_lexicon` loads the shipped one.

    Examples
    --------
    >>> lex = default_lexicon()
    >>> lex.analyze("Ikke bra").label, lex.analyze("not bad at all").label
    ('negative', 'positive')
    """

    def __init__(self, tables: dict[str, _Table], modifiers: dict[str, Any]) -> None:
        self.tables = tables
        self.negators = frozenset(modifiers["negators"])
        self.scope = int(modifiers["negation_scope"])
        self.negation_factor = float(modifiers["negation_factor"])
        self.litotes_factor = float(modifiers["litotes_factor"])
        self.two_sided = frozenset(modifiers["two_sided"])
        self.post_verbal = frozenset(modifiers["post_verbal"])
        self.subjects = frozenset(modifiers["post_verbal_subjects"])
        self.soft_contrast = frozenset(modifiers["soft_contrast"])
        self.disjunction = frozenset(modifiers["disjunction"])
        self.transparent = frozenset(modifiers["transparent"])
        self.fillers = frozenset(modifiers["phrase_fillers"])
        self.exclamatory = frozenset(modifiers["exclamatory"]["negators"])
        self.exclamatory_markers = frozenset(modifiers["exclamatory"]["markers"])
        self.bare_negation_weight = float(modifiers["bare_negation_weight"])
        self.echo_auxiliaries = frozenset(modifiers["echo_auxiliaries"])
        self.lukewarm = frozenset(tuple(tokenize(p)) for p in modifiers["lukewarm"])
        self.lukewarm_factor = float(modifiers["lukewarm_factor"])
        self.inert = frozenset(
            tuple(tokenize(form))
            for phrase in modifiers["inert"]
            for form in (phrase, *plain_spellings(phrase))
        )
        self.balanced = frozenset(tuple(tokenize(p)) for p in modifiers["balanced"])
        self.balanced_factor = float(modifiers["balanced_factor"])
        self.alternation = _by_first_word(tuple(tokenize(p)) for p in modifiers["alternation"])
        self.multipliers: dict[str, float] = {
            **{k: float(v) for k, v in modifiers["dampeners"].items()},
            **{k: float(v) for k, v in modifiers["intensifiers"].items()},
        }
        self.prefixes = sorted(
            ((p, float(f)) for p, f in modifiers["prefixes"].items()), key=lambda x: -len(x[0])
        )
        self.pejorative = sorted(
            ((p, float(w)) for p, w in modifiers["pejorative_prefixes"].items()),
            key=lambda x: -len(x[0]),
        )
        self.contrast = frozenset(modifiers["contrast"])
        self.concessive = _by_first_word(tuple(p.split()) for p in modifiers["concessive"])
        self.before = float(modifiers["contrast_before"])
        self.after = float(modifiers["contrast_after"])
        self.concessive_weight = float(modifiers["concessive_weight"])
        self.exclamation_step = float(modifiers["exclamation_step"])
        self.exclamation_max = int(modifiers["exclamation_max"])
        self.expected = frozenset(modifiers["expected"])
        self.expected_weight = float(modifiers["expected_weight"])
        self.expected_after = int(modifiers["expected_after"])
        self.particles = frozenset(modifiers["expected_particles"])
        self.dangling = frozenset(modifiers["dangling"]["words"])
        self.dangling_weight = float(modifiers["dangling"]["weight"])
        self.durations = frozenset(modifiers["duration_verbs"])
        self.units = frozenset(modifiers["duration_units"])
        self.quick = frozenset(modifiers["duration_quick"])
        self.duration_weight = float(modifiers["duration_weight"])
        self.calendar = frozenset(modifiers["duration_calendar"])
        self.duration_reach = int(modifiers["duration_reach"])
        self.plain_verbs = frozenset(modifiers["duration_plain"]["verbs"])
        self.plain_units = frozenset(modifiers["duration_plain"]["units"])
        self.plain_weight = float(modifiers["duration_plain"]["weight"])
        self.plain_unless = frozenset(modifiers["duration_plain"]["unless"])
        self.minutes = frozenset(modifiers["duration_plain"]["minutes"])
        self.few = frozenset(modifiers["duration_plain"]["few"])
        self.ellipsis = frozenset(modifiers["ellipsis"])
        self.openers = frozenset(modifiers["sarcastic_openers"])
        self.sarcasm_blame = float(modifiers["sarcastic_blame"])
        self.recurring = frozenset(modifiers["sarcastic_recurring"])
        self.irrealis = _by_first_word(tuple(p.split()) for p in modifiers["irrealis"])
        self.irrealis_factor = float(modifiers["irrealis_factor"])
        self.question_blame = float(modifiers["question_blame"])
        self.enquiry_openers = frozenset(modifiers["enquiry"]["openers"])
        self.enquiry_blame = float(modifiers["enquiry"]["blame"])
        self.rhetorical = frozenset(modifiers["rhetorical"])
        self.incredulous = frozenset(modifiers["incredulous"])
        self.incredulous_weight = float(modifiers["incredulous_weight"])
        self.counterfactual = _by_first_word(
            tuple(tokenize(p)) for p in modifiers["counterfactual"]
        )
        self.irony = frozenset(modifiers["irony_markers"])
        self.rating_weight = float(modifiers["rating"]["weight"])
        self.rating_high = float(modifiers["rating"]["high"])
        self.rating_low = float(modifiers["rating"]["low"])
        self.adverb_factor = float(modifiers["adverb_factor"])
        self.adverb_suffixes = tuple(modifiers["adverb_suffixes"])
        self.adverb_blame = float(modifiers["adverb_blame"])
        self.stock = _by_first_word(tuple(tokenize(p)) or (p,) for p in modifiers["stock_praise"])
        self.stock_blame = float(modifiers["stock_blame"])

    def word_weight(self, token: str, table: _Table) -> float | None:
        """The weight of one token, trying compound prefixes such as "kjempe-"."""
        weight = self._compound_weight(token, table)
        if weight is None and table is not self.tables["all"]:
            # A word from another of the languages ("kjempehyggelige" in English) still counts.
            weight = self._compound_weight(token, self.tables["all"])
        return weight

    def _compound_weight(self, token: str, table: _Table) -> float | None:
        weight = table.words.get(token)
        if weight is not None or len(token) < 5:
            return weight
        if token in table.compounds:
            return table.compounds[token]
        for prefix, factor in self.prefixes:
            if token.startswith(prefix) and len(token) - len(prefix) >= 2:
                rest = table.words.get(token[len(prefix) :].lstrip("-"))
                if rest is not None:
                    weight = rest * factor
                    break
        if weight is None:
            weight = self._pejorative(token)
        if len(table.compounds) < 100_000:
            table.compounds[token] = weight
        return weight

    def _rating(self, text: str) -> float:
        """The weight of a rating in the text: a high one praises, a low one blames.

        Examples
        --------
        >>> lex = default_lexicon()
        >>> lex._rating("10/10"), lex._rating("1 stjerne"), lex._rating("3/5"), lex._rating("kl 10")
        (2.5, -2.5, 0.0, 0.0)
        """
        shares = [float(a.replace(",", ".")) / float(b) for a, b in _FRACTION.findall(text)]
        shares += [float(n) / 5 for n in _STARS.findall(text)]
        if not shares or any(share > 1 for share in shares):
            return 0.0
        share = shares[-1]
        if share >= self.rating_high:
            return self.rating_weight
        if share <= self.rating_low:
            return -self.rating_weight
        return 0.0

    def _pejorative(self, token: str) -> float | None:
        """The weight of a compound of a pejorative prefix and any rest ("drittservice")."""
        for prefix, weight in self.pejorative:
            if token.startswith(prefix) and len(token) - len(prefix) >= 3:
                return weight
        return None

    def _phrase(self, tokens: list[str], i: int, table: _Table) -> tuple[int, float] | None:
        # A phrase of another of the languages ("top notch" in Norwegian) still counts.
        token = tokens[i]
        options = table.phrases.get(token)
        if not options:
            table = self.tables["all"]
            options = table.phrases.get(token)
            if not options:
                return None
        pair = (token, tokens[i + 1] if i + 1 < len(tokens) else "")
        for parts, weight in table.pairs.get(pair, ()):
            if tuple(tokens[i : i + len(parts)]) == parts:
                return len(parts), weight
        if self.fillers.isdisjoint(tokens[i + 1 : i + MAX_PHRASE]):
            return None
        # "kommer garantert tilbake", "will definitely be back": a sure-adverb inside a
        # phrase does not hide it.
        end = min(len(tokens), i + 2 * MAX_PHRASE)
        kept = [i] + [j for j in range(i + 1, end) if tokens[j] not in self.fillers]
        view = tuple(tokens[j] for j in kept[:MAX_PHRASE])
        for parts, weight in options:
            if view[: len(parts)] == parts:
                return kept[len(parts) - 1] - i + 1, weight
        return None

    def _is_negator(self, token: str, table: _Table) -> bool:
        return token in self.negators or token.endswith("n't") or token in table.negators

    def analyze(self, text: str, language: str | None = None) -> LexiconResult:
        """Score ``text``; ``language`` ("nb", "nn", "en") picks the word list, else all."""
        tokens = tokenize(text)
        table = self.tables.get(language or "all", self.tables["all"])
        clauses = self._score_tokens(tokens, table)
        if self.irony and not self.irony.isdisjoint(tokens):
            # An eye-roll ("Imponerende 🙄", "Love it 🙃") turns the praise around it into
            # a complaint: the positive words count as negative ones.
            for clause in clauses:
                clause.raw -= 2 * clause.positive
                clause.positive = 0.0
        self._trailing_turns(tokens, clauses)
        uncontrasted = self.contrast.isdisjoint(tokens)
        if uncontrasted:
            self._sarcastic_opener(tokens, clauses)
        self._stock_praise_as_blame(clauses)
        self._echo_negation(tokens, clauses, table)
        if uncontrasted:
            self._last_sentence_decides(clauses)
        raw = sum(c.raw * c.weight for c in clauses) + self._rating(text)
        if any(c.balanced for c in clauses) or self._alternates(tokens):
            raw *= self.balanced_factor
        elif any(c.lukewarm for c in clauses):
            raw *= self.lukewarm_factor
        bangs = min(text.count("!"), self.exclamation_max)
        raw *= 1 + self.exclamation_step * bangs
        score = squash(raw)
        hits = sum(c.hits for c in clauses)
        return LexiconResult(score, to_label(score), raw, tokens, clauses, hits)

    def _score_tokens(self, tokens: list[str], table: _Table) -> list[Clause]:
        clauses = [Clause(0, 0, 0)]
        negation = 0  # words left in the scope of the last negator
        multiplier, reach = 1.0, 0  # pending intensifier and the words it still reaches
        weight_after = 1.0
        # An expected event that did not happen ("svarte aldri", "ingen svar", "never
        # arrived") weighs ``expected_weight`` unless the negator turns out to flip a
        # sentiment word ("fikk ingen problemer"); it is settled at ``pending_until``.
        pending, pending_until, used_negator = 0.0, 0, -1
        two_sided = exclamatory = False
        opening = False  # a sentence opened by a concessive whose main clause is still to come
        bare = False  # a negator after a contrast that found nothing to negate yet
        last: tuple[int, Clause | None] = (-2, None)  # the last word scored, not negated
        last_value = 0.0
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i]
            if pending and i >= pending_until and negation <= 0:
                self._add(clauses[-1], pending)
                pending = 0.0
            contrast = token in self.contrast or (
                # "ikkje uhøflege, berre trege", "not unfriendly, just slow"
                token in self.soft_contrast and i > 0 and tokens[i - 1] == ","
            )
            if is_break(token) or contrast:
                if reach > 0 and tokens[i - 1] in self.dangling:
                    # "Det er heilt sjukt.": an intensifier with nothing to intensify
                    # is a verdict of its own.
                    self._add(clauses[-1], self.dangling_weight)
                if pending:
                    self._add(clauses[-1], pending)
                    pending = 0.0
                if bare:
                    self._add(clauses[-1], self.bare_negation_weight)
                    bare = False
                if token in QUESTION_MARKS:
                    # A question asserts no praise: "Er det mulig å få god service her?"
                    segment = clauses[-1].segment
                    opened = min(c.start for c in clauses if c.segment == segment)
                    # "Hvorfor tar det så lang tid?" blames as a statement would.
                    neutral = self.rhetorical.isdisjoint(tokens[opened:i])
                    # A comment that opens with a plain enquiry ("Hvordan klager jeg på en
                    # skadet vare?") names trouble without laying blame.
                    enquiry = neutral and opened == 0 and tokens[0] in self.enquiry_openers
                    for clause in clauses:
                        asked = clause.segment == segment
                        clause.irrealis |= asked
                        clause.question |= asked and neutral
                        clause.enquiry |= asked and enquiry
                    words = [t for t in tokens[opened:i] if not is_break(t)]
                    if opened and words and self.incredulous.issuperset(words):
                        self._add(clauses[-1], self.incredulous_weight)
                self._split(clauses, i, token, weight_after, contrast)
                if opening and token in {","} and not contrast:
                    clauses[-1].weight *= self.after  # "Selv om X, (så) Y"
                opening = False
                if contrast:
                    weight_after = self.after
                negation, multiplier, reach = 0, 1.0, 0
                i += 1
                continue
            current = clauses[-1]
            if _starts(self.concessive, tokens, i):
                # What follows "selv om", "even though" weighs less than what came before;
                # opening a sentence, it makes the main clause after it weigh as after "men".
                opening = i == 0 or is_break(tokens[i - 1])
                current = self._open_clause(clauses, i)
                current.weight *= self.concessive_weight
            if _starts(self.irrealis, tokens, i):
                # "Great jacket for half the price I'd pay at home": the wish or condition
                # starts at its marker; praise before it was said outright.
                current = self._open_clause(clauses, i)
                current.irrealis = True
            if _starts(self.counterfactual, tokens, i):
                current.counterfactual = True
            phrase = self._phrase(tokens, i, table)
            length, value = phrase if phrase is not None else (1, 0.0)
            if phrase is None and token in self.multipliers:
                if exclamatory and negation > 0 and token in self.exclamatory_markers:
                    # "aldri opplevd så god service", "never had such good help": praise.
                    negation = 0
                multiplier *= self.multipliers[token]
                reach = 3
                i += 1
                continue
            if phrase is None and self._is_negator(token, table):
                negation = self.scope + 1
                # "…, men ho låg ikkje i postkassa": after a contrast, a negator about no
                # sentiment word still says that something was not as it should be.
                bare = bare or weight_after == self.after
                two_sided = token in self.two_sided
                exclamatory = token in self.exclamatory
                if token in self.post_verbal and self._right_after(tokens, last, i, current):
                    # After the verb it negates (V2: "løste ikke problemet", "liker ikkje"),
                    # a negator flips that verb and not the next word.
                    factor = self.negation_factor if last_value > 0 else self.litotes_factor
                    current.raw += last_value * (factor - 1)
                    current.positive += max(last_value * factor, 0.0) - max(last_value, 0.0)
                    negation = 0
                if i != used_negator:
                    pending = 0.0  # a new negator: an earlier pending event stands alone
            elif phrase is None:
                value = self.word_weight(token, table) or 0.0
                unmet = False
                if not value and token in self.expected and not pending:
                    pending, pending_until, used_negator = self._expected(
                        tokens, i, negation, table
                    )
                    bare = bare and not pending
                    unmet = bool(pending)
                if value <= 0 and token in self.durations and not unmet:
                    # "waited an hour", "sporingen sa «levert» i tre dager"
                    value = min(value, self._duration(tokens, i))
            if phrase is None and not value and (token,) in self.balanced:
                phrase = (1, 0.0)  # "Varierer", "depends": one word is a verdict too
            if phrase is not None and not value:
                span = tokens[i : i + length]
                current.lukewarm |= self._contains(span, self.lukewarm)
                current.balanced |= self._contains(span, self.balanced)
                # A lukewarm verdict the lexicon knows ("greitt nok", "not sure") is a hit; an
                # inert phrase ("best før", "fint vær") only keeps its words from scoring.
                current.hits += tuple(span) not in self.inert
                negation = pending_until = 0
                pending = 0.0
                bare = False
            if (
                value <= self.adverb_blame
                and last == (i - 1, current)
                and last_value > 0
                and negation <= 0
                and tokens[i - 1].endswith(self.adverb_suffixes)
            ):
                # "imponerende dårlig", "amazingly bad": the praise word is an intensifier.
                self._add(current, -last_value)
                current.positive -= last_value
                current.stock = 0.0
                value *= self.adverb_factor
            if value and negation > 0 and not token[:1].isalnum():
                # "glemmer jeg den ikke 😊": an emoji after a negator is not negated.
                self._add(current, value)
            elif value:
                value *= multiplier if reach > 0 else 1.0
                if negation > 0:
                    # Litotes is weaker than praise: "ikke dårlig" is less than "bra".
                    value *= self.negation_factor if value > 0 else self.litotes_factor
                if negation > 0 or (phrase is not None and self._is_negator(token, table)):
                    pending = 0.0  # the negator was about this word, not about an event
                    bare = False
                self._add(current, value)
                if value > 0 and _starts(self.stock, tokens, i):
                    current.stock += value
                if negation <= 0:
                    last, last_value = (i + length - 1, current), value
                multiplier, reach = 1.0, 0
                if negation > 0 and not two_sided:
                    # A negator flips one word: "løste ikke problemet" is not praise of a
                    # problem; "verken … eller" reaches both words, and so does a negator
                    # before "or" ("no better or worse", "ikke bedre eller verre").
                    after = tokens[i + length] if i + length < n else ""
                    negation = 3 if after in self.disjunction else 1
                if length > 1 and self._is_negator(tokens[i + length - 1], table):
                    # "still not fixed", "fortsatt ikke løst": a phrase that ends on a
                    # negator negates the word after it too.
                    negation = self.scope + 1 + length
            # "aldri hatt eit einaste problem": articles are no distance for a negator.
            transparent = not (value or phrase) and token in self.transparent
            negation = max(negation - (0 if transparent else length), 0)
            reach = max(reach - length, 0)
            i += length
        if pending or bare:
            self._add(clauses[-1], pending or self.bare_negation_weight)
        if reach > 0 and tokens[-1] in self.dangling:
            self._add(clauses[-1], self.dangling_weight)
        clauses[-1].end = n
        for clause in clauses:
            if clause.counterfactual:
                clause.raw = clause.positive = 0.0
            if clause.question:
                # A question asks about blame rather than laying it: only strong words
                # ("Hvorfor er servicen så elendig?") still make it a complaint.
                blame = self.enquiry_blame if clause.enquiry else self.question_blame
                clause.raw -= (clause.raw - clause.positive) * (1 - blame)
            if clause.irrealis:
                clause.raw -= clause.positive * (1 - self.irrealis_factor)
                clause.positive *= self.irrealis_factor
        return [c for c in clauses if c.end > c.start]

    def _trailing_turns(self, tokens: list[str], clauses: list[Clause]) -> None:
        """Read a last clause of disbelief or of praise trailing off as a complaint.

        "Frakt 149 kr for sokkar, seriøst" ends on a word of disbelief, not of praise; and
        "Appen krasja to gonger. Supert system..." trails off: after blame, praise that ends
        on an ellipsis is irony.
        """
        if len(clauses) < 2:
            return
        last = clauses[-1]
        words = [t for t in tokens[last.start : last.end] if not is_break(t)]
        blame = sum(min(c.raw, 0.0) for c in clauses[:-1])
        praise = sum(c.positive for c in clauses[:-1])
        if len(words) == 1 and words[0] in self.incredulous and is_break(tokens[last.start - 1]):
            # "Beste pizza i byen, seriøst" vouches for the praise before it instead.
            last.raw = 0.0 if praise else self.incredulous_weight
            last.positive = 0.0
        elif len(words) == 1 and words[0] in self.post_verbal | {"not"} and not last.raw:
            # "Top service as always... not": a negator on its own takes back the praise.
            for clause in clauses[:-1]:
                clause.raw -= 2 * clause.positive
                clause.positive = 0.0
        elif (
            blame <= self.sarcasm_blame
            and last.positive > 0
            and tokens[last.end - 1] in self.ellipsis
            and tokens[last.start] not in self.contrast  # "…, men kjempebra produkt..."
        ):
            last.raw -= 2 * last.positive
            last.positive = 0.0

    def _right_after(
        self, tokens: list[str], last: tuple[int, Clause | None], i: int, current: Clause
    ) -> bool:
        """Whether token ``i`` follows the last scored word, perhaps past its subject.

        V2 puts the subject between a verb and its negator when the negator ends the
        clause: "glemmer jeg den ikke", "likte eg ikkje." (not "gebyr eg aldri har fått").
        """
        at, clause = last
        if clause is not current or at >= i:
            return False
        if at == i - 1:
            return True
        after = tokens[i + 1] if i + 1 < len(tokens) else "."
        between = tokens[at + 1 : i]
        return (
            not after[:1].isalnum()
            and len(between) <= 2
            and all(t in self.subjects for t in between)
        )

    def _sarcastic_opener(self, tokens: list[str], clauses: list[Clause]) -> None:
        """Read a lone praise word that opens a complaint as sarcasm.

        "Flott, nå er pakken borte igjen", "Brilliant, the app crashed again": one word of
        praise and a comma, then blame in the same sentence.
        """
        if len(clauses) < 2:
            return
        first = clauses[0]
        words = [t for t in tokens[first.start : first.end] if not is_break(t)]
        if words and words[0] in self.openers:
            words = words[1:]
        if (
            len(words) != 1
            or first.positive <= 0
            or first.raw < first.positive
            or tokens[first.end - 1] not in {","}
        ):
            return
        rest = [c for c in clauses[1:] if c.segment == first.segment]
        # Mild or conceded blame after the praise is a reservation, not sarcasm: "Flott,
        # litt dyrt kanskje", "Excellent, although a bit pricey".
        # "… igjen", "another …": blame that recurs needs no more to make the praise irony.
        again = any(not self.recurring.isdisjoint(tokens[c.start : c.end]) for c in rest)
        limit = 0.0 if again else self.sarcasm_blame
        blame = sum(c.raw for c in rest)
        if blame < 0 and blame <= limit and all(c.weight >= 1 for c in rest):
            first.raw -= 2 * first.positive
            first.positive = 0.0

    def _stock_praise_as_blame(self, clauses: list[Clause]) -> None:
        """Read stock praise as sarcasm in a comment that blames and praises nothing else.

        "Two days later the brakes failed. Great job, guys." and "Takk for at de trekte meg
        300 kr ekstra" are complaints; "Tusen takk for god hjelp" is not: it has praise of
        its own, as strong as the blame.
        """
        stock = sum(c.stock * c.weight for c in clauses)
        if not stock:
            return
        blame = sum(min(c.raw - c.stock, 0.0) * c.weight for c in clauses)
        other_praise = sum(c.positive * c.weight for c in clauses) - stock
        if blame > self.stock_blame or other_praise >= -blame:
            return
        for clause in clauses:
            clause.raw -= 2 * clause.stock
            clause.positive -= clause.stock
            clause.stock = 0.0

    def _echo_negation(self, tokens: list[str], clauses: list[Clause], table: _Table) -> None:
        """Let a clause that ends on a bare "was not" deny the praise of the clause before.

        "Staff were lovely. The food, sadly, was not." is a complaint about the food: the
        elided "lovely" is negated as if it had been said again.
        """
        said: Clause | None = None
        for index, clause in enumerate(clauses):
            if clause.raw:
                said = clause
                continue
            if said is None and index and self._ends_on_echo(tokens, clause, table):
                # 'Bought a "waterproof" jacket. It isn't.': a short denial of what the
                # sentence before claimed, with no praise word to negate, still blames.
                words = [t for t in tokens[clause.start : clause.end] if not is_break(t)]
                if len(words) <= 3:
                    self._add(clause, self.bare_negation_weight)
                continue
            if said is None or said.raw < 0 or not self._ends_on_echo(tokens, clause, table):
                continue
            self._add(clause, said.raw * self.negation_factor)
            if said.segment == clause.segment:
                # "The room was great, the view wasn't.": the turn weighs as after "but";
                # across sentences the last sentence decides anyway.
                said.weight *= self.before
                clause.weight *= self.after
            said = clause

    def _ends_on_echo(self, tokens: list[str], clause: Clause, table: _Table) -> bool:
        """Whether ``clause`` ends on an auxiliary and a negator ("was not", "wasn't")."""
        words = [t for t in tokens[clause.start : clause.end] if not is_break(t)]
        if not words or not self._is_negator(words[-1], table):
            return False
        if words[-1].endswith("n't"):
            return words[-1][:-3] in self.echo_auxiliaries
        return len(words) > 1 and words[-2] in self.echo_auxiliaries

    def _last_sentence_decides(self, clauses: list[Clause]) -> None:
        """Weigh the last sentence as after a "men" when it turns against the ones before.

        "Great product. Terrible delivery." is a complaint: without a contrast word, the
        sentence the customer ends on still outweighs an earlier one of the other sign.
        """
        last = max((c.segment for c in clauses if c.raw), default=None)
        if last is None:
            return
        before = sum(c.raw for c in clauses if c.segment < last)
        after = sum(c.raw for c in clauses if c.segment == last)
        if before * after >= 0:
            return
        for clause in clauses:
            clause.weight *= self.after if clause.segment == last else self.before

    def _alternates(self, tokens: list[str]) -> bool:
        """Whether two alternating openers ("noen ganger …, andre ganger …") occur."""
        return sum(_starts(self.alternation, tokens, i) for i in range(len(tokens))) >= 2

    @staticmethod
    def _open_clause(clauses: list[Clause], i: int) -> Clause:
        """The clause token ``i`` belongs to: a new one from ``i`` if the current one scored."""
        current = clauses[-1]
        if current.hits:
            current.end = i
            current = Clause(i, i, current.segment, weight=current.weight)
            clauses.append(current)
        return current

    @staticmethod
    def _contains(span: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
        """Whether one of ``phrases`` lies inside ``span`` ("ikkje noko meir å seie")."""
        n = len(span)
        return any(tuple(span[a:b]) in phrases for a in range(n) for b in range(a + 1, n + 1))

    @staticmethod
    def _add(clause: Clause, value: float) -> None:
        clause.raw += value
        clause.hits += 1
        if value > 0:
            clause.positive += value

    def _expected(
        self, tokens: list[str], i: int, negation: int, table: _Table
    ) -> tuple[float, int, int]:
        """A pending weight for the expected event at ``i`` if a negator is about it."""
        if negation > 0:
            return self.expected_weight, i + negation, -1
        # Modal particles are no distance: "rekker det jo ikke", "kom vel aldri".
        end = min(i + 1 + self.expected_after, len(tokens))
        j = i + 1
        while j < end:
            if self._is_negator(tokens[j], table):
                return self.expected_weight, j + self.scope + 1, j
            if is_break(tokens[j]):
                break
            if tokens[j] in self.particles:
                end = min(end + 1, len(tokens))
            j += 1
        return 0.0, 0, -1

    def _duration(self, tokens: list[str], i: int) -> float:
        """The weight of a long wait: "tok tre uker", "ventet i over en time", "took ages"."""
        for j in range(i + 1, min(i + 1 + self.duration_reach, len(tokens))):
            token = tokens[j]
            if is_break(token):
                return 0.0
            if token in self.quick and not self.units.isdisjoint(tokens[j + 1 : j + 4]):
                return 0.0  # "tok bare to dager", not "stått på «under transport» i ti dager"
            if token in self.units and tokens[j - 1] not in self.calendar:
                # not "i år", "this week": a date, not a wait; "Leveringa tok fire dagar"
                # tells how long a delivery took, which days of it are not a complaint.
                plain = tokens[i] in self.plain_verbs and tokens[i + 1] not in self.plain_unless
                if plain and token in self.plain_units:
                    return self.plain_weight
                if plain and token in self.minutes and tokens[j - 1] in self.few:
                    return 0.0  # "tok fem minutter": quick
                return self.duration_weight
        return 0.0

    def _split(
        self, clauses: list[Clause], i: int, token: str, weight_after: float, contrast: bool
    ) -> None:
        """End the current clause at token ``i`` and open the next one."""
        current = clauses[-1]
        hard = token not in {","}  # a comma ends a clause, not a stretch
        if contrast:
            current.end = i
            for clause in clauses:
                clause.weight *= self.before
            weight_after = self.after
        else:
            current.end = i + 1
        clauses.append(
            Clause(current.end, current.end, current.segment + hard, weight=weight_after)
        )


def _nynorsk(entries: dict[str, float], words: dict[str, str]) -> dict[str, float]:
    """Nynorsk forms of Bokmål entries: "-lig" becomes "-leg", phrase words are translated.

    Examples
    --------
    >>> _nynorsk({"hyggelig": 2.0, "fikk ikke svar": -2.0}, {"fikk": "fekk", "ikke": "ikkje"})
    {'hyggeleg': 2.0, 'fekk ikkje svar': -2.0}
    """
    out: dict[str, float] = {}
    for term, weight in entries.items():
        parts = [
            words.get(part, _LIG.sub(lambda m: _LEG[m.group(1) or ""], part))
            for part in term.split(" ")
        ]
        form = " ".join(parts)
        if form != term:
            out.setdefault(form, weight)
    return out


def plain_spellings(term: str) -> list[str]:
    """``term`` as typed without æ, ø and å, when that still leaves more than three letters.

    Examples
    --------
    >>> plain_spellings("åpningstid*"), plain_spellings("kø"), plain_spellings("open")
    (['apningstid*', 'aapningstid*'], [], [])
    """
    if not _SPECIAL.search(term):
        return []
    forms = dict.fromkeys(term.translate(mapping) for mapping in _PLAIN)
    return [f for f in forms if sum(c.isalpha() for c in f) > 3]


def _without_special_letters(entries: dict[str, float]) -> dict[str, float]:
    """Entries also as typed without æ, ø and å ("fornoyd", "darlig", "fornoeyd", "daarlig")."""
    out: dict[str, float] = {}
    for term, weight in entries.items():
        if not _SPECIAL.search(term):
            continue
        for mapping in _PLAIN:
            out.setdefault(term.translate(mapping), weight)
    out.update(entries)
    return out


def _generated(modifiers: dict[str, Any]) -> dict[str, float]:
    """Phrases built from word classes: "tre ganger", "for korte", "too small"."""
    out: dict[str, float] = {}
    for rule in modifiers["generated"]:
        for first in rule["first"]:
            for second in rule["second"]:
                out[f"{first} {second}"] = float(rule["weight"])
    return out


@cache
def default_lexicon() -> Lexicon:
    """The lexicon shipped with kundepuls (``kundepuls/text/data``), loaded once."""
    text = resources.files("kundepuls.text").joinpath("data", "modifiers.yaml").read_text("utf-8")
    modifiers = yaml.safe_load(text)
    generated = _generated(modifiers)
    nb_read = {**generated, **_read_tsv("lexicon_nb.tsv")}
    nn_read = {**_nynorsk(nb_read, modifiers["nynorsk"]), **_read_tsv("lexicon_nn.tsv")}
    nb = _without_special_letters(_inflect(nb_read, NORWEGIAN_SUFFIXES))
    nn = _without_special_letters(_inflect(nn_read, NORWEGIAN_SUFFIXES))
    en = _inflect({**generated, **_read_tsv("lexicon_en.tsv")}, ENGLISH_SUFFIXES)
    emoji = _read_tsv("lexicon_emoji.tsv")
    norwegian = {**nb, **nn, **emoji}
    tables = {
        "all": _table({**nb, **nn, **en, **emoji}),
        "nb": _table({**nn, **nb, **emoji}),
        "nn": _table(norwegian),
        "en": _table({**en, **emoji}, frozenset(modifiers["negators_en"])),
    }
    return Lexicon(tables, modifiers)
