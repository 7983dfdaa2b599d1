"""The shipped Norwegian sentence-sentiment model, trained on NoReC_sentence.

A linear model over sublinear TF-IDF word (1–2) and character (2–5, within word boundaries)
n-grams, three lexicon features and, from ``norec-2`` on, static word vectors: each word of
the vocabulary was embedded once, offline, by a multilingual sentence encoder
(multilingual-e5-small), reduced by PCA and stored as float16; a sentence is the mean and
the maximum of its words' vectors. Inference is table lookups, so no encoder runs here.
Only vocabularies, idf, vectors and weights are stored (``data/norec_model.npz``), never a
sentence.
"""

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from kundepuls.text.lexicon import LABELS, Label, default_lexicon

ARTEFACT = "norec_model.npz"
CHAR_CACHE = 200_000  # words whose character n-gram columns are remembered
Matrix = npt.NDArray[np.float64]


def lexicon_features(texts: list[str]) -> Matrix:
    """Positive sum, negative sum and squashed score of the CX lexicon, per text.

    Examples
    --------
    >>> lexicon_features(["Veldig bra"]).shape
    (1, 3)
    """
    lex = default_lexicon()
    rows = []
    for text in texts:
        result = lex.analyze(text)
        pos = sum(c.raw * c.weight for c in result.clauses if c.raw > 0)
        neg = sum(c.raw * c.weight for c in result.clauses if c.raw < 0)
        rows.append((pos / 3.0, neg / 3.0, result.score))
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

    def transform_ngrams(self, texts: list[str]) -> sparse.csr_matrix:
        """The TF-IDF n-gram and lexicon block of ``texts``."""
        indptr, indices, data = [0], [], []
        lexicon = lexicon_features(texts) * self.lexicon_scale
        base = self.sparse_width - 3
        for row, text in enumerate(texts):
            wc, wv = self._block(word_ngrams(text), self._word_index)
            cc, cv = self._block(self._char_columns(text), None)
            indices.extend([*wc, *cc, base, base + 1, base + 2])
            data.extend([*wv, *cv, *lexicon[row]])
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
    """A fitted linear three-class model: ``scores = X @ coef.T + intercept + offsets``."""

    featurizer: Featurizer
    coef: Matrix
    intercept: Matrix
    offsets: Matrix
    meta: dict[str, Any]

    def decision(self, texts: list[str]) -> Matrix:
        """Per text, one score per class in the order negative, neutral, positive."""
        f = self.featurizer
        # Two products instead of one stacked matrix: no sparse copy of the dense block.
        scores = np.asarray(f.transform_ngrams(texts) @ self.coef[:, : f.sparse_width].T)
        if f.vectors is not None:
            scores += f.vectors.pool(texts) @ self.coef[:, f.sparse_width :].T
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
        np.savez_compressed(
            path,
            **extra,
            word_vocab=np.array("\n".join(f.word_vocab)),
            char_vocab=np.array("\n".join(f.char_vocab)),
            word_idf=f.word_idf.astype(np.float32),
            char_idf=f.char_idf.astype(np.float32),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            offsets=self.offsets.astype(np.float32),
            meta=np.array(json.dumps({**self.meta, "lexicon_scale": f.lexicon_scale})),
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
    featurizer = Featurizer(
        str(data["word_vocab"]).split("\n"),
        str(data["char_vocab"]).split("\n"),
        data["word_idf"].astype(np.float64),
        data["char_idf"].astype(np.float64),
        float(meta.get("lexicon_scale", 1.0)),
        vectors,
    )
    return NorecModel(
        featurizer,
        data["coef"].astype(np.float64),
        data["intercept"].astype(np.float64),
        data["offsets"].astype(np.float64),
        meta,
    )


@cache
def load_norec_model() -> NorecModel:
    """The model shipped in ``kundepuls/text/data``, loaded once."""
    ref = resources.files("kundepuls.text").joinpath("data", ARTEFACT)
    with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as data:
        return _load(data)
