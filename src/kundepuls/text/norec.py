"""The shipped Norwegian sentence-sentiment model, trained on NoReC_sentence.

A linear model over sublinear TF-IDF word (1–2) and character (2–5, within word boundaries)
n-grams plus three lexicon features; its weights blend a logistic regression with an NB-LR
(Wang and Manning, ACL 2012, section 2.3: features scaled by the log-count ratio). Only
vocabulary, idf and weights are stored (``data/norec_model.npz``), never a sentence.
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

    def __post_init__(self) -> None:
        self._word_index = {t: i for i, t in enumerate(self.word_vocab)}
        offset = len(self.word_vocab)
        self._char_index = {t: i + offset for i, t in enumerate(self.char_vocab)}
        self._idf = np.concatenate([self.word_idf, self.char_idf])
        self.width = offset + len(self.char_vocab) + 3

    def _block(self, grams: list[str], index: dict[str, int]) -> tuple[list[int], list[float]]:
        counts = Counter(map(index.get, grams))  # map and Counter run in C
        counts.pop(None, None)
        if not counts:
            return [], []
        cols: list[int] = list(counts)  # type: ignore[arg-type]
        values = (1.0 + np.log(np.fromiter(counts.values(), float))) * self._idf[cols]
        norm = float(np.sqrt(values @ values)) or 1.0
        return cols, list(values / norm)

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        """The feature matrix of ``texts``."""
        indptr, indices, data = [0], [], []
        lexicon = lexicon_features(texts) * self.lexicon_scale
        base = self.width - 3
        for row, text in enumerate(texts):
            wc, wv = self._block(word_ngrams(text), self._word_index)
            cc, cv = self._block(char_ngrams(text), self._char_index)
            indices.extend([*wc, *cc, base, base + 1, base + 2])
            data.extend([*wv, *cv, *lexicon[row]])
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.asarray(data), np.asarray(indices), np.asarray(indptr)),
            shape=(len(texts), self.width),
        )


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
        features = self.featurizer.transform(texts)
        return np.asarray(features @ self.coef.T) + self.intercept + self.offsets

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
        np.savez_compressed(
            path,
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
    featurizer = Featurizer(
        str(data["word_vocab"]).split("\n"),
        str(data["char_vocab"]).split("\n"),
        data["word_idf"].astype(np.float64),
        data["char_idf"].astype(np.float64),
        float(meta.get("lexicon_scale", 1.0)),
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
