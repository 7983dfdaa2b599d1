"""Learning sentiment from the installation's own scored comments.

Every survey comment arrives with a score, which labels it for free: NPS 0–6 negative, 7–8
neutral, 9–10 positive; else CSAT 1–2 / 3 / 4–5; else CES 1–3 / 4–5 / 6–7. With at least
``MIN_COMMENTS`` labelled comments a TF-IDF (word and character n-gram) logistic regression
is fitted, its accuracy measured on a held-out fifth, and its probabilities blended with the
built-in reading (the lexicon blended with the comment model, see ``service.analyze``) with
a weight chosen on the other four fifths; below the minimum the built-in reading is used
alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from sqlalchemy.orm import Session

from kundepuls.text import repository
from kundepuls.text.lexicon import (
    LABELS,
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    Label,
    to_label,
)

MIN_COMMENTS = 200
HELDOUT_SHARE = 0.2
FOLDS = 3
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

    Both signals are read as probabilities of the three labels: the n-gram model's own, and
    the built-in reading's score turned into probabilities by a small logistic regression
    fitted on the same comments (how this installation's scores go with kundepuls's own
    readings). The blend is ``(1 − blend) · built-in + blend · model``; its label is the most
    probable one and its score P(positive) − P(negative).

    Attributes ending in ``_`` are set by :meth:`fit`: ``heldout_accuracy_`` (model alone),
    ``builtin_accuracy_`` and ``blend_accuracy_`` on a held-out fifth, ``n_``. ``blend`` is
    chosen on out-of-fold predictions of the other four fifths, never on the held-out fifth
    it is reported on.

    Examples
    --------
    >>> texts = ["bra", "dårlig", "ok"] * 80
    >>> labels = ["positive", "negative", "neutral"] * 80
    >>> InstallationModel(min_comments=100).fit(texts, labels).heldout_accuracy_
    1.0
    """

    min_comments: int = MIN_COMMENTS
    blend: float = 1.0
    seed: int = 7
    pipeline_: Any = field(default=None, repr=False)
    calibration_: Any = field(default=None, repr=False)
    n_: int = 0
    heldout_accuracy_: float | None = None
    builtin_accuracy_: float | None = None
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
        """Measure on a held-out fifth, then refit on everything; no-op below the minimum."""
        self.n_ = len(texts)
        if self.n_ < self.min_comments or len(set(labels)) < 2:
            return self
        from kundepuls.text.service import analyze  # the built-in reading, before any blend

        scores = np.array([analyze(t).score for t in texts])
        gold = np.asarray(labels)
        order = np.random.default_rng(self.seed).permutation(self.n_)
        cut = int(self.n_ * (1 - HELDOUT_SHARE))
        train, held = order[:cut], order[cut:]
        train_texts = [texts[i] for i in train]
        self._fit_parts(train_texts, gold[train], scores[train])
        self.blend = self._choose_blend(train_texts, gold[train], scores[train])
        held_texts = [texts[i] for i in held]
        model_proba = self.pipeline_.predict_proba(held_texts)
        builtin_held = self._builtin_proba(scores[held])
        self.heldout_accuracy_ = _accuracy(gold[held], self._labels(builtin_held, model_proba, 1))
        self.builtin_accuracy_ = _accuracy(gold[held], [to_label(s) for s in scores[held]])
        self.blend_accuracy_ = _accuracy(
            gold[held], self._labels(builtin_held, model_proba, self.blend)
        )
        self._fit_parts(texts, gold, scores)
        return self

    def _choose_blend(self, texts: list[str], labels: np.ndarray, scores: np.ndarray) -> float:
        """The weight that labels out-of-fold predictions best (ties go to the built-in reading)."""
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        folds = min(FOLDS, int(np.unique(labels, return_counts=True)[1].min()))
        if folds < 2:  # a label too rare to cross-validate: trust the model
            return 1.0
        out_of_fold = cross_val_predict(
            self._pipeline(), texts, labels, cv=StratifiedKFold(folds), method="predict_proba"
        )
        builtin = self._builtin_proba(scores)
        return max(
            BLEND_WEIGHTS,
            key=lambda w: (_accuracy(labels, self._labels(builtin, out_of_fold, w)), -w),
        )

    def _fit_parts(self, texts: list[str], labels: np.ndarray, scores: np.ndarray) -> None:
        from sklearn.linear_model import LogisticRegression

        self.pipeline_ = self._pipeline().fit(texts, labels)
        self.calibration_ = LogisticRegression(class_weight="balanced").fit(
            _builtin_features(scores), labels
        )

    def _builtin_proba(self, scores: np.ndarray) -> np.ndarray:
        """The built-in reading's scores as probabilities, in the model's class order."""
        proba: np.ndarray = self.calibration_.predict_proba(_builtin_features(scores))
        columns = list(self.calibration_.classes_)
        return proba[:, [columns.index(c) for c in self.pipeline_.classes_]]

    def _labels(self, builtin: np.ndarray, model: np.ndarray, weight: float) -> list[str]:
        blended = (1 - weight) * builtin + weight * model
        return [str(c) for c in self.pipeline_.classes_[blended.argmax(axis=1)]]

    @property
    def fitted(self) -> bool:
        return self.pipeline_ is not None

    def blend_reading(self, text: str, builtin_score: float) -> tuple[Label, float]:
        """The blended label and score of one comment (the built-in one when not fitted)."""
        if not self.fitted:
            return to_label(builtin_score), builtin_score
        builtin = self._builtin_proba(np.array([builtin_score]))
        proba = (1 - self.blend) * builtin + self.blend * self.pipeline_.predict_proba([text])
        classes = [str(c) for c in self.pipeline_.classes_]
        score = sum(p * _POLES.get(c, 0.0) for p, c in zip(proba[0], classes, strict=True))
        return cast(Label, classes[int(proba[0].argmax())]), float(score)

    def report(self) -> dict[str, Any]:
        """What was learned, for the CLI and the logs."""
        return {
            "comments": self.n_,
            "fitted": self.fitted,
            "minimum": self.min_comments,
            "heldout_accuracy": self.heldout_accuracy_,
            "builtin_heldout_accuracy": self.builtin_accuracy_,
            "blend_heldout_accuracy": self.blend_accuracy_,
            "blend_weight": self.blend,
        }


_POLES = {"positive": 1.0, "negative": -1.0}


def _builtin_features(scores: np.ndarray) -> np.ndarray:
    """The built-in score, and which side of the label thresholds it falls on."""
    features: np.ndarray = np.c_[scores, scores > POSITIVE_THRESHOLD, scores < NEGATIVE_THRESHOLD]
    return features


def _accuracy(gold: Sequence[str] | np.ndarray, pred: Sequence[str]) -> float:
    return float(np.mean(np.asarray(gold) == np.asarray(pred))) if len(gold) else 0.0


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
