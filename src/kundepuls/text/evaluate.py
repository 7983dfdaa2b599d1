"""Scores of the comment analysis against hand-labelled comments (JSON lines).

Each line holds ``text``, ``language``, ``sentiment``, ``themes`` and ``split``. Which sets
are development data and which one is held out is said in ``bench/text.py``, which scores them.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kundepuls.text.lexicon import LABELS


@dataclass
class Scores:
    """Sentiment and theme scores of one group of comments."""

    n: int
    accuracy: float
    macro_f1: float
    theme_precision: float
    theme_recall: float
    theme_f1: float
    language_accuracy: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def read_eval(path: Path, split: str | None = None) -> list[dict[str, Any]]:
    """The labelled comments in ``path`` (only ``split`` when given)."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Iterable[str] = LABELS) -> float:
    """Macro-averaged F1 over ``labels`` (a label never seen nor predicted is skipped).

    Examples
    --------
    >>> macro_f1(["positive", "negative"], ["positive", "positive"])
    0.3333333333333333
    """
    values = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        if tp + fp + fn:
            values.append(2 * tp / (2 * tp + fp + fn))
    return sum(values) / len(values) if values else 0.0


def score(rows: list[dict[str, Any]], analyze: Callable[[str], Any]) -> Scores:
    """Compare ``analyze(text)`` (a :class:`~kundepuls.text.service.CommentResult`) with labels."""
    gold, pred = [], []
    tp = fp = fn = 0
    language_hits = 0
    for row in rows:
        result = analyze(row["text"])
        gold.append(row["sentiment"])
        pred.append(result.sentiment)
        found = {m.theme for m in result.themes}
        wanted = set(row["themes"])
        tp += len(found & wanted)
        fp += len(found - wanted)
        fn += len(wanted - found)
        language_hits += result.language == row["language"]
    n = len(rows)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / n if n else 0.0
    return Scores(
        n, accuracy, macro_f1(gold, pred), precision, recall, f1, language_hits / n if n else 0.0
    )
