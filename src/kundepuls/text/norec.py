"""The shipped Norwegian sentence-sentiment model, trained on NoReC_sentence.

One linear model over sublinear TF-IDF word (1–2) and character (2–5, within word
boundaries) n-grams, three features of the CX lexicon and pooled static word vectors. The
lexicon's word weights and modifiers are frozen into the artefact when the model is trained
(:class:`FrozenLexicon`), so the model scores the same however the live lexicon changes. The
word vectors (from ``norec-2`` on) were embedded once, offline, word by word by a
multilingual sentence encoder (multilingual-e5-small), reduced by PCA and stored as float16;
a sentence is the mean and the maximum of its words' vectors. From ``norec-3`` on the n-gram
weights also hold a student distilled from the encoder's sentence embeddings (see
``train_norec``). From ``norec-4`` on a small sentence reader (``conv.py``; convolutions,
from ``norec-6`` on a bidirectional GRU), distilled from a fine-tuned encoder, adds its
scores to the linear model's. Inference is table lookups, one sparse product and a few small
dense ones, so no encoder runs here. Only vocabularies, idf, vectors, lexicon weights and
model weights are stored (``data/norec_model.npz``), never a sentence.
"""

import itertools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

from kundepuls.text.conv import Reader
from kundepuls.text.tokens import is_break, tokenize

ARTEFACT = "norec_model.npz"
CHAR_CACHE = 200_000  # words whose character n-gram columns are remembered
Matrix = npt.NDArray[np.float64]
Label = Literal["negative", "neutral", "positive"]


LABELS: tuple[Label, ...] = ("negative", "neutral", "positive")


@dataclass
class FrozenLexicon:
    """The CX lexicon as it was when the model was trained, frozen into the artefact.

    The model learned weights for the lexicon's three features, so it keeps its own copy of
    the word weights and modifiers (``lexicon.py`` and its word lists change on their own)
    and scores a text as the lexicon did then: clauses split at punctuation and contrast
    words, negators flip the next ``scope`` words, intensifiers and dampeners scale the next
    sentiment word, compound prefixes ("kjempe-") scale a known rest, "!" strengthens.

    Examples
    --------
    >>> lex = FrozenLexicon({"bra": 2.0}, {}, negators=["ikke"], multipliers={"veldig": 1.5})
    >>> lex.raw(["veldig", "bra"]), lex.raw(["ikke", "bra"])
    ([3.0], [-1.4])
    """

    words: dict[str, float]
    phrases: dict[str, float]
    negators: list[str] = field(default_factory=list)
    multipliers: dict[str, float] = field(default_factory=dict)
    prefixes: dict[str, float] = field(default_factory=dict)
    contrast: list[str] = field(default_factory=list)
    concessive: list[str] = field(default_factory=list)
    scope: int = 3
    negation_factor: float = -0.7
    before: float = 0.5
    after: float = 1.5
    concessive_weight: float = 0.5
    exclamation_step: float = 0.15
    exclamation_max: int = 3
    alpha: float = 6.0

    def __post_init__(self) -> None:
        self._negators = frozenset(self.negators)
        self._contrast = frozenset(self.contrast)
        self._prefixes = sorted(self.prefixes.items(), key=lambda item: -len(item[0]))
        self._phrases: dict[str, list[tuple[tuple[str, ...], float]]] = {}
        for phrase, weight in self.phrases.items():
            parts = tuple(phrase.split(" "))
            self._phrases.setdefault(parts[0], []).append((parts, weight))
        for options in self._phrases.values():
            options.sort(key=lambda item: -len(item[0]))
        self._concessive: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self.concessive:
            parts = tuple(phrase.split(" "))
            self._concessive.setdefault(parts[0], []).append(parts)
        self._compounds: dict[str, float | None] = {}

    def to_json(self) -> str:
        """The frozen tables and settings as JSON (how the artefact stores them)."""
        fields = self.__dataclass_fields__
        return json.dumps({name: getattr(self, name) for name in fields}, ensure_ascii=False)

    def word_weight(self, token: str) -> float | None:
        """The weight of one token, trying compound prefixes such as "kjempe-"."""
        weight = self.words.get(token)
        if weight is not None or len(token) < 5:
            return weight
        if token in self._compounds:
            return self._compounds[token]
        for prefix, factor in self._prefixes:
            if token.startswith(prefix) and len(token) - len(prefix) >= 2:
                rest = self.words.get(token[len(prefix) :].lstrip("-"))
                if rest is not None:
                    weight = rest * factor
                    break
        if len(self._compounds) < CHAR_CACHE:
            self._compounds[token] = weight
        return weight

    def raw(self, tokens: list[str]) -> list[float]:
        """The weighted sentiment sum of each clause of ``tokens`` (as the lexicon had it)."""
        raws, weights = [0.0], [1.0]
        negation, multiplier, reach, weight_after = 0, 1.0, 0, 1.0
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i]
            if is_break(token) or token in self._contrast:
                if token in self._contrast:
                    weights = [w * self.before for w in weights]
                    weight_after = self.after
                raws.append(0.0)
                weights.append(weight_after)
                negation, multiplier, reach = 0, 1.0, 0
                i += 1
                continue
            if token in self._concessive and any(
                tuple(tokens[i : i + len(c)]) == c for c in self._concessive[token]
            ):
                weights[-1] *= self.concessive_weight
            length, value = 1, 0.0
            for parts, weight in self._phrases.get(token, ()):
                if tuple(tokens[i : i + len(parts)]) == parts:
                    length, value = len(parts), weight
                    break
            if length == 1 and token in self.multipliers:
                multiplier *= self.multipliers[token]
                reach = 3
                i += 1
                continue
            if length == 1 and (token in self._negators or token.endswith("n't")):
                negation = self.scope + 1
            elif length == 1:
                value = self.word_weight(token) or 0.0
            if value:
                value *= multiplier if reach > 0 else 1.0
                if negation > 0:
                    value *= self.negation_factor
                raws[-1] += value
                multiplier, reach = 1.0, 0
            negation = max(negation - length, 0)
            reach = max(reach - length, 0)
            i += length
        return [r * w for r, w in zip(raws, weights, strict=True)]

    def features(self, texts: list[str]) -> Matrix:
        """Positive sum, negative sum and squashed score, per text (each sum over 3).

        Examples
        --------
        >>> FrozenLexicon({"bra": 2.0}, {}).features(["Bra!"]).round(3).tolist()
        [[0.667, 0.0, 0.685]]
        """
        rows = []
        for text in texts:
            parts = self.raw(tokenize(text))
            pos = sum(p for p in parts if p > 0)
            neg = sum(p for p in parts if p < 0)
            total = sum(parts) * (
                1 + self.exclamation_step * min(text.count("!"), self.exclamation_max)
            )
            score = total / math.sqrt(total * total + self.alpha) if total else 0.0
            rows.append((pos / 3.0, neg / 3.0, score))
        return np.asarray(rows, dtype=np.float64).reshape(len(texts), 3)


_WORD = re.compile(r"(?u)\b\w\w+\b")
_SPACE = re.compile(r"\s\s+")


def word_ngrams(text: str) -> list[str]:
    """Word uni- and bigrams exactly as scikit-learn's default word analyzer makes them."""
    tokens = _WORD.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def char_ngrams(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, as scikit-learn's ``char_wb`` makes them."""
    grams = []
    for word in _SPACE.sub(" ", text.lower()).split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if size <= n:  # a short word counts once, as scikit-learn does
                grams.append(padded)
                break
            grams.extend([padded[i : i + n] for i in range(size - n + 1)])
    return grams


@dataclass
class Featurizer:
    """Sublinear TF-IDF of word and character n-grams over a fixed vocabulary, plus lexicon.

    Computes what scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` computes (each block
    l2-normalised), without scikit-learn at run time.
    """

    word_vocab: list[str]
    char_vocab: list[str]
    word_idf: Matrix
    char_idf: Matrix
    lexicon_scale: float = 1.0
    vectors: "WordVectors | None" = None
    lexicon: FrozenLexicon | None = None

    def __post_init__(self) -> None:
        self._word_index = {t: i for i, t in enumerate(self.word_vocab)}
        offset = len(self.word_vocab)
        self._char_index = {t: i + offset for i, t in enumerate(self.char_vocab)}
        self._idf = np.concatenate([self.word_idf, self.char_idf])
        self._char_cache: dict[str, list[int]] = {}
        self.sparse_width = offset + len(self.char_vocab) + 3
        self.width = self.sparse_width + (self.vectors.width if self.vectors else 0)

    def _char_columns(self, text: str) -> list[int]:
        # Words repeat across comments: each word's known n-gram columns are worked out once.
        columns: list[int] = []
        cache = self._char_cache
        for word in text.lower().split():
            known = cache.get(word)
            if known is None:
                grams = map(self._char_index.get, char_ngrams(word))
                known = [c for c in grams if c is not None]
                if len(cache) < CHAR_CACHE:
                    cache[word] = known
            columns.extend(known)
        return columns

    def _block(
        self, grams: list[Any], index: dict[str, int] | None
    ) -> tuple[list[int], list[float]]:
        counts = Counter(grams if index is None else map(index.get, grams))  # runs in C
        counts.pop(None, None)
        if not counts:
            return [], []
        cols: list[int] = list(counts)
        values = (1.0 + np.log(np.fromiter(counts.values(), float))) * self._idf[cols]
        norm = float(np.sqrt(values @ values)) or 1.0
        return cols, list(values / norm)

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        """The feature matrix of ``texts``: n-grams, lexicon, then the pooled word vectors."""
        ngrams = self.transform_ngrams(texts)
        if self.vectors is None:
            return ngrams
        return sparse.hstack([ngrams, self.vectors.pool(texts)], format="csr")

    def arrays(self) -> dict[str, Any]:
        """The vocabularies and idf as an artefact stores them (read by :meth:`from_arrays`)."""
        return {
            "word_vocab": np.array("\n".join(self.word_vocab)),
            "char_vocab": np.array("\n".join(self.char_vocab)),
            "word_idf": self.word_idf.astype(np.float32),
            "char_idf": self.char_idf.astype(np.float32),
        }

    @classmethod
    def from_arrays(cls, data: Any, **parts: Any) -> "Featurizer":
        """A featurizer from an artefact's arrays, with the other ``parts`` as given."""
        return cls(
            str(data["word_vocab"]).split("\n"),
            str(data["char_vocab"]).split("\n"),
            data["word_idf"].astype(np.float64),
            data["char_idf"].astype(np.float64),
            **parts,
        )

    def ngrams(self, text: str) -> tuple[list[int], list[float]]:
        """The columns and TF-IDF values of the known word and character n-grams of ``text``."""
        word_columns, word_values = self._block(word_ngrams(text), self._word_index)
        char_columns, char_values = self._block(self._char_columns(text), None)
        return word_columns + char_columns, word_values + char_values

    def transform_ngrams(self, texts: list[str]) -> sparse.csr_matrix:
        """The TF-IDF n-gram and lexicon block of ``texts``."""
        indptr, indices, data = [0], [], []
        lexicon = np.zeros((len(texts), 3))
        if self.lexicon is not None:
            lexicon = self.lexicon.features(texts) * self.lexicon_scale
        base = self.sparse_width - 3
        for row, text in enumerate(texts):
            columns, values = self.ngrams(text)
            indices.extend([*columns, base, base + 1, base + 2])
            data.extend([*values, *lexicon[row]])
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.asarray(data), np.asarray(indices), np.asarray(indptr)),
            shape=(len(texts), self.sparse_width),
        )


@dataclass
class WordVectors:
    """Static word and bigram vectors pooled into a sentence vector (mean, max), standardised.

    ``table`` holds one row per word or word bigram of ``vocab``; ``shift`` and ``scale``
    standardise the pooled vector as on the training sentences, and ``weight`` multiplies
    it (the shipped model folds its stacking weight into the coefficients and keeps 1).
    Entries outside the vocabulary are skipped; a text without any known word pools to
    zeros before standardising.

    Examples
    --------
    >>> v = WordVectors(["bra", "dårlig"], np.eye(2), np.zeros(4), np.ones(4), 1.0)
    >>> v.pool(["Bra, ikke dårlig"]).tolist()
    [[0.5, 0.5, 1.0, 1.0]]
    """

    vocab: list[str]
    table: Matrix
    shift: Matrix
    scale: Matrix
    weight: float

    def __post_init__(self) -> None:
        self._index = {w: i for i, w in enumerate(self.vocab)}
        self.width = 2 * self.table.shape[1]

    def pool(self, texts: list[str]) -> Matrix:
        """One standardised row (mean and max of the known words' vectors) per text."""
        dim = self.table.shape[1]
        out = np.zeros((len(texts), 2 * dim))
        for row, text in enumerate(texts):
            ids = [i for i in map(self._index.get, word_ngrams(text)) if i is not None]
            if ids:
                rows = self.table[ids]
                out[row, :dim] = rows.mean(axis=0)
                out[row, dim:] = rows.max(axis=0)
        return np.asarray((out - self.shift) / self.scale * self.weight)


@dataclass
class NorecModel:
    """A fitted three-class model: ``scores = X @ coef.T + intercept + offsets``, plus the
    scores of the convolutional reader when there is one (its blend share folded in)."""

    featurizer: Featurizer
    coef: Matrix
    intercept: Matrix
    offsets: Matrix
    meta: dict[str, Any]
    conv: Reader | None = None

    def __post_init__(self) -> None:
        # Contiguous column blocks, cut once: a strided slice is copied by every product.
        width = self.featurizer.sparse_width
        self._sparse_coef = np.ascontiguousarray(self.coef[:, :width].T)
        self._dense_coef = np.ascontiguousarray(self.coef[:, width:].T)

    def decision(self, texts: list[str]) -> Matrix:
        """Per text, one score per class in the order negative, neutral, positive."""
        f = self.featurizer
        # Two products instead of one stacked matrix: no sparse copy of the dense block.
        scores = np.asarray(f.transform_ngrams(texts) @ self._sparse_coef)
        if f.vectors is not None:
            scores += f.vectors.pool(texts) @ self._dense_coef
        if self.conv is not None:
            scores += self.conv.decision(texts)
        return scores + self.intercept + self.offsets

    def predict(self, texts: list[str]) -> list[Label]:
        """The label of each text.

        Examples
        --------
        >>> load_norec_model().predict(["Dette var en skuffende opplevelse."])
        ['negative']
        """
        return [LABELS[int(i)] for i in self.decision(texts).argmax(axis=1)]

    def polarity(self, texts: list[str]) -> Matrix:
        """A score in [−1, 1] per text: P(positive) − P(negative) from a softmax of scores."""
        scores = self.decision(texts)
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=1, keepdims=True)
        return np.asarray(probs[:, 2] - probs[:, 0])

    def save(self, path: Any) -> None:
        """Write the artefact (vocabularies, idf and float32 weights) to ``path``."""
        f = self.featurizer
        extra: dict[str, Any] = {}
        if f.vectors is not None:
            extra = {
                "vec_vocab": np.array("\n".join(f.vectors.vocab)),
                "vec_table": f.vectors.table.astype(np.float16),
                "vec_shift": f.vectors.shift.astype(np.float32),
                "vec_scale": f.vectors.scale.astype(np.float32),
                "vec_weight": np.array(f.vectors.weight),
            }
        if self.conv is not None:
            extra.update(self.conv.arrays())
        np.savez_compressed(
            path,
            **extra,
            **f.arrays(),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            offsets=self.offsets.astype(np.float32),
            meta=np.array(json.dumps({**self.meta, "lexicon_scale": f.lexicon_scale})),
            lexicon=np.array(f.lexicon.to_json() if f.lexicon is not None else "null"),
        )


def _load(data: Any) -> NorecModel:
    meta = json.loads(str(data["meta"]))
    vectors = None
    if "vec_table" in data:
        vectors = WordVectors(
            str(data["vec_vocab"]).split("\n"),
            data["vec_table"].astype(np.float64),
            data["vec_shift"].astype(np.float64),
            data["vec_scale"].astype(np.float64),
            float(data["vec_weight"]),
        )
    frozen = json.loads(str(data["lexicon"])) if "lexicon" in data else None
    featurizer = Featurizer.from_arrays(
        data,
        lexicon_scale=float(meta.get("lexicon_scale", 1.0)),
        vectors=vectors,
        lexicon=FrozenLexicon(**frozen) if frozen else None,
    )
    return NorecModel(
        featurizer,
        data["coef"].astype(np.float64),
        data["intercept"].astype(np.float64),
        data["offsets"].astype(np.float64),
        meta,
        Reader.from_arrays(data),
    )


@cache
def load_norec_model() -> NorecModel:
    """The model shipped in ``kundepuls/text/data``, loaded once."""
    ref = resources.files("kundepuls.text").joinpath("data", ARTEFACT)
    with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as data:
        return _load(data)
