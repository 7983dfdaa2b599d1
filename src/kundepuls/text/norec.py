"""The shipped Norwegian sentence-sentiment model, trained on NoReC_sentence.

A linear model over sublinear TF-IDF word (1–2) and character (2–5, within word boundaries)
n-grams plus three lexicon features; its weights blend a logistic regression with an NB-LR
(Wang and Manning, ACL 2012, section 2.3: features scaled by the log-count ratio). Only
vocabulary, idf and weights are stored (``data/norec_model.npz``), never a sentence.
"""

import json
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


@dataclass
class Featurizer:
    """TF-IDF word and character n-grams with a fixed vocabulary, as scikit-learn computes them."""

    word_vocab: list[str]
    char_vocab: list[str]
    word_idf: Matrix
    char_idf: Matrix
    lexicon_scale: float = 1.0

    def __post_init__(self) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        self._word = CountVectorizer(
            ngram_range=(1, 2), vocabulary={t: i for i, t in enumerate(self.word_vocab)}
        )
        self._char = CountVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            vocabulary={t: i for i, t in enumerate(self.char_vocab)},
        )

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        """The feature matrix of ``texts`` (rows l2-normalised per n-gram block)."""
        blocks = []
        for vectorizer, idf in ((self._word, self.word_idf), (self._char, self.char_idf)):
            counts = vectorizer.transform(texts).astype(np.float64).tocsr()
            counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
            norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            blocks.append(sparse.diags(1.0 / norms) @ counts)
        blocks.append(sparse.csr_matrix(lexicon_features(texts) * self.lexicon_scale))
        return sparse.hstack(blocks).tocsr()


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
