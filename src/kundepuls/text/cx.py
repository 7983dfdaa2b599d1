"""The comment model: sentiment and themes learnt from hand-labelled customer comments.

The lexicon and the theme taxonomy are rules; on comments written apart from the work on
them they reached 0.79–0.89 sentiment macro-F1 and 0.78–0.83 theme F1 (held-out sets 5–8),
while scoring 0.90 and more on the comments they were tuned on. A linear model over the
same word (1–2) and character (2–5) n-grams as the NoReC model, fitted on kundepuls's own
hand-labelled comments (``tests/data``, ``train_cx``), makes different mistakes, so the two
are blended:

* sentiment: ``(1 − w) · onehot(rule label) + w · P(model)``, label the most probable one,
  score ``(1 − w) · rule score + w · (P(positive) − P(negative))``, kept on the label's
  side of the lexicon's thresholds;
* themes: a rule's theme stays unless the model gives it less than ``drop``; a theme the
  rules missed is added when the model gives it more than ``add`` (only themes of the
  taxonomy in use, so an edited taxonomy keeps the last word).

``w``, ``drop`` and ``add`` were chosen on three sets each scored with the rules as they were
when that set was fresh (see ``train_cx``), and are stored in the artefact with its version.
Reading a comment is a weighted sum of the weight rows of its known n-grams; no comment is
stored in the artefact, only vocabularies, idf and weights.
"""

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from kundepuls.text.lexicon import LABELS, NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD, Label
from kundepuls.text.norec import Featurizer, Matrix

ARTEFACT = "cx_model.npz"
_STEP = 0.01  # how far past a threshold a polar score is kept
_BANDS: dict[Label, tuple[float, float]] = {
    "negative": (-1.0, NEGATIVE_THRESHOLD - _STEP),
    "neutral": (NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD),
    "positive": (POSITIVE_THRESHOLD + _STEP, 1.0),
}


@dataclass
class CommentReading:
    """The model's probabilities for one comment, and how many known n-grams it found.

    A comment without any known n-gram (emoji only, another script) tells the model nothing,
    and its probabilities are only the priors: such a comment is read by the rules alone.
    """

    sentiment: dict[Label, float]
    themes: dict[str, float]
    known: int


@dataclass
class CommentModel:
    """Sentiment (three classes) and theme (one-vs-rest) weights over one featurizer."""

    featurizer: Featurizer
    sentiment_coef: Matrix
    sentiment_intercept: Matrix
    theme_names: list[str]
    theme_coef: Matrix
    theme_intercept: Matrix
    meta: dict[str, Any]

    def __post_init__(self) -> None:
        # One weight table for all classes: sentiment columns first, then the themes.
        self._coef = np.ascontiguousarray(np.vstack([self.sentiment_coef, self.theme_coef]).T)
        self._intercept = np.concatenate([self.sentiment_intercept, self.theme_intercept])
        self.weight = float(self.meta["sentiment_weight"])
        self.drop = float(self.meta["theme_drop"])
        self.add = float(self.meta["theme_add"])
        self.version = str(self.meta["version"])

    def read(self, texts: list[str]) -> list[CommentReading]:
        """Sentiment probabilities and per-theme probabilities of each text."""
        return [self._reading(*self.featurizer.ngrams(text)) for text in texts]

    def read_one(self, text: str) -> CommentReading | None:
        """The reading of one text, or None when the model knows none of its n-grams."""
        reading = self._reading(*self.featurizer.ngrams(text))
        return reading if reading.known else None

    def _reading(self, columns: list[int], values: list[float]) -> CommentReading:
        # One comment at a time: the rows of its n-grams, weighted, instead of a sparse product.
        scores = np.asarray(values) @ self._coef[columns] + self._intercept
        sentiment = np.exp(scores[:3] - scores[:3].max())
        sentiment /= sentiment.sum()
        themes = 1.0 / (1.0 + np.exp(-scores[3:]))
        return CommentReading(
            dict(zip(LABELS, map(float, sentiment), strict=True)),
            dict(zip(self.theme_names, map(float, themes), strict=True)),
            len(columns),
        )

    def blend_sentiment(
        self, reading: CommentReading, label: Label, score: float
    ) -> tuple[Label, float]:
        """The rules' label and score blended with the model's probabilities.

        The score is kept on its label's side of the thresholds, so that the two agree.

        Examples
        --------
        >>> model = load_comment_model()
        >>> p = CommentReading({"negative": 0.9, "neutral": 0.05, "positive": 0.05}, {}, 4)
        >>> model.blend_sentiment(p, "neutral", 0.0)[0]
        'negative'
        """
        w = self.weight
        probability = {k: w * p + (1 - w) * (k == label) for k, p in reading.sentiment.items()}
        best = max(LABELS, key=probability.__getitem__)
        polarity = reading.sentiment["positive"] - reading.sentiment["negative"]
        low, high = _BANDS[best]
        return best, min(max((1 - w) * score + w * polarity, low), high)

    def themes(self, reading: CommentReading, found: list[str], allowed: set[str]) -> list[str]:
        """The themes to keep of those ``found`` by the rules, then those to add, in order."""
        p = reading.themes
        kept = [t for t in found if p.get(t, 1.0) >= self.drop]
        added = [t for t, q in p.items() if q > self.add and t in allowed and t not in found]
        return kept + sorted(added, key=lambda t: -p[t])

    def save(self, path: Any) -> None:
        """Write the artefact: vocabularies, idf, float32 weights and the meta data."""
        np.savez_compressed(
            path,
            **self.featurizer.arrays(),
            sentiment_coef=self.sentiment_coef.astype(np.float32),
            sentiment_intercept=self.sentiment_intercept.astype(np.float32),
            theme_names=np.array("\n".join(self.theme_names)),
            theme_coef=self.theme_coef.astype(np.float32),
            theme_intercept=self.theme_intercept.astype(np.float32),
            meta=np.array(json.dumps(self.meta)),
        )


def read_model(path: Any) -> CommentModel:
    """A comment model from an artefact written by :meth:`CommentModel.save`."""
    with np.load(path, allow_pickle=False) as data:
        return CommentModel(
            Featurizer.from_arrays(data),
            data["sentiment_coef"].astype(np.float64),
            data["sentiment_intercept"].astype(np.float64),
            str(data["theme_names"]).split("\n"),
            data["theme_coef"].astype(np.float64),
            data["theme_intercept"].astype(np.float64),
            json.loads(str(data["meta"])),
        )


@cache
def load_comment_model() -> CommentModel:
    """The model shipped in ``kundepuls/text/data``, loaded once."""
    ref = resources.files("kundepuls.text").joinpath("data", ARTEFACT)
    with resources.as_file(ref) as path:
        return read_model(path)
