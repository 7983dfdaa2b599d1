"""Learning sentiment from the installation's own scored comments.

Every survey comment arrives with a score, which labels it for free: NPS 0–6 negative, 7–8
neutral, 9–10 positive; else CSAT 1–2 / 3 / 4–5; else CES 1–3 / 4–5 / 6–7. With at least
``MIN_COMMENTS`` labelled comments a TF-IDF (word and character n-gram) logistic regression
is fitted, its accuracy measured on a held-out fifth, and its polarity blended with the
lexicon's score with a weight chosen on that held-out fifth; below the minimum the lexicon
alone is used.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from kundepuls.text import repository
from kundepuls.text.lexicon import LABELS, Label, default_lexicon, to_label

MIN_COMMENTS = 200
HELDOUT_SHARE = 0.2
BLEND = 0.5
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def label_from_scores(nps: int | None, csat: int | None, ces: int | None) -> Label | None:
    """The sentiment label a response's score implies (NPS first, then CSAT, then CES).

    Examples
    --------
    >>> label_from_scores(6, None, None), label_from_scores(None, 4, None)
    ('negative', 'positive')
    """
    if nps is not None:
        return "negative" if nps <= 6 else "neutral" if nps <= 8 else "positive"
    if csat is not None:
        return "negative" if csat <= 2 else "neutral" if csat == 3 else "positive"
    if ces is not None:
        return "negative" if ces <= 3 else "neutral" if ces <= 5 else "positive"
    return None


@dataclass
class InstallationModel:
    """A sentiment classifier fitted on one installation's scored comments.

    Attributes ending in ``_`` are set by :meth:`fit`: ``heldout_accuracy_`` (model alone),
    ``lexicon_accuracy_`` and ``blend_accuracy_`` on the same held-out comments, ``n_``;
    ``blend`` (the model's weight against the lexicon) is chosen on the held-out comments.

    Examples
    --------
    >>> texts = ["bra", "dårlig", "ok"] * 80
    >>> labels = ["positive", "negative", "neutral"] * 80
    >>> InstallationModel(min_comments=100).fit(texts, labels).heldout_accuracy_
    1.0
    """

    min_comments: int = MIN_COMMENTS
    blend: float = BLEND
    seed: int = 7
    pipeline_: Any = field(default=None, repr=False)
    n_: int = 0
    heldout_accuracy_: float | None = None
    lexicon_accuracy_: float | None = None
    blend_accuracy_: float | None = None

    def _pipeline(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        features = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        )
        classifier = LogisticRegression(C=3.0, class_weight="balanced", max_iter=2000)
        return make_pipeline(features, classifier)

    def fit(self, texts: list[str], labels: Sequence[str]) -> "InstallationModel":
        """Measure on a held-out share, then refit on everything; no-op below the minimum."""
        self.n_ = len(texts)
        if self.n_ < self.min_comments or len(set(labels)) < 2:
            return self
        order = np.random.default_rng(self.seed).permutation(self.n_)
        cut = int(self.n_ * (1 - HELDOUT_SHARE))
        train, held = order[:cut], order[cut:]
        pipeline = self._pipeline().fit([texts[i] for i in train], [labels[i] for i in train])
        held_texts, gold = [texts[i] for i in held], [labels[i] for i in held]
        self.pipeline_ = pipeline
        model_pred = list(pipeline.predict(held_texts))
        lexicon = default_lexicon()
        lexicon_scores = [lexicon.analyze(t).score for t in held_texts]
        polarity = self.polarity(held_texts)
        # The blend weight is chosen on the held-out fifth: the model gets weight only where
        # it helps on this installation's own comments (ties keep the lexicon).
        best = (-1.0, 0.0)
        for weight in BLEND_WEIGHTS:
            labels_ = [
                to_label((1 - weight) * s + weight * p)
                for s, p in zip(lexicon_scores, polarity, strict=True)
            ]
            best = max(best, (_accuracy(gold, labels_), -weight))
        self.blend = -best[1]
        self.heldout_accuracy_ = _accuracy(gold, model_pred)
        self.lexicon_accuracy_ = _accuracy(gold, [to_label(s) for s in lexicon_scores])
        self.blend_accuracy_ = best[0]
        self.pipeline_ = self._pipeline().fit(texts, labels)
        return self

    @property
    def fitted(self) -> bool:
        return self.pipeline_ is not None

    def polarity(self, texts: list[str]) -> list[float]:
        """P(positive) − P(negative) per text."""
        classes = list(self.pipeline_.classes_)
        probs = self.pipeline_.predict_proba(texts)
        pos = probs[:, classes.index("positive")] if "positive" in classes else 0.0
        neg = probs[:, classes.index("negative")] if "negative" in classes else 0.0
        return [float(v) for v in np.broadcast_to(pos - neg, (len(texts),))]

    def _blend(self, texts: list[str], lexicon_scores: list[float]) -> list[float]:
        return [
            (1 - self.blend) * s + self.blend * p
            for s, p in zip(lexicon_scores, self.polarity(texts), strict=True)
        ]

    def blend_score(self, text: str, lexicon_score: float) -> float:
        """The blended score of one comment, or the lexicon's when the model is not fitted."""
        if not self.fitted:
            return lexicon_score
        return self._blend([text], [lexicon_score])[0]

    def report(self) -> dict[str, Any]:
        """What was learned, for the CLI and the logs."""
        return {
            "comments": self.n_,
            "fitted": self.fitted,
            "minimum": self.min_comments,
            "heldout_accuracy": self.heldout_accuracy_,
            "lexicon_heldout_accuracy": self.lexicon_accuracy_,
            "blend_heldout_accuracy": self.blend_accuracy_,
            "blend_weight": self.blend,
        }


def _accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def train_installation_model(
    session: Session, min_comments: int = MIN_COMMENTS
) -> InstallationModel:
    """Fit the model on every scored comment in the store (unfitted below ``min_comments``)."""
    texts, labels = [], []
    for comment, nps, csat, ces in repository.scored_comments(session):
        label = label_from_scores(nps, csat, ces)
        if label is not None and comment.strip():
            texts.append(comment)
            labels.append(label)
    return InstallationModel(min_comments=min_comments).fit(texts, labels)


__all__ = ["LABELS", "InstallationModel", "label_from_scores", "train_installation_model"]
