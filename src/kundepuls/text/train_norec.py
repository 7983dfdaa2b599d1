"""Train the shipped Norwegian sentiment model on NoReC_sentence.

Run ``python -m kundepuls.text.train_norec --data DIR`` with DIR holding ``train.json``,
``dev.json`` and ``test.json``. Settings are chosen on dev (never on test); the test score
of the chosen model is measured once and stored in the artefact with the dev score.
The model reads three features from the CX lexicon, so retrain it when the lexicon changes.
"""

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from kundepuls.text.norec import ARTEFACT, Featurizer, Matrix, NorecModel

LABEL_INDEX = {"Negative": 0, "Neutral": 1, "Positive": 2}
VERSION = "norec-1"


def read_split(directory: Path, split: str) -> tuple[list[str], np.ndarray[Any, Any]]:
    """Texts and label indices (negative 0, neutral 1, positive 2) of one split."""
    rows = json.loads((directory / f"{split}.json").read_text("utf-8"))
    return [r["text"] for r in rows], np.array([LABEL_INDEX[r["label"]] for r in rows])


def macro_f1(y: np.ndarray[Any, Any], pred: np.ndarray[Any, Any]) -> float:
    """Ternary macro-F1 (checked against scikit-learn in the tests)."""
    scores = []
    for k in range(3):
        tp = float(np.sum((pred == k) & (y == k)))
        fp = float(np.sum((pred == k) & (y != k)))
        fn = float(np.sum((pred != k) & (y == k)))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def fit_featurizer(texts: list[str], min_df: int, lexicon_scale: float) -> Featurizer:
    """Learn vocabularies and idf as scikit-learn's TfidfVectorizer(sublinear_tf=True) does."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=min_df).fit(texts)
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=min_df
    ).fit(texts)
    return Featurizer(
        list(word.get_feature_names_out()),
        list(char.get_feature_names_out()),
        np.asarray(word.idf_),
        np.asarray(char.idf_),
        lexicon_scale,
    )


def fit_linear(
    x: sparse.csr_matrix, y: np.ndarray[Any, Any], c_lr: float, c_nb: float, mix: float
) -> tuple[Matrix, Matrix]:
    """Blend of a multinomial LR and one-vs-rest NB-LR, folded into one weight matrix."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c_lr, class_weight="balanced", max_iter=4000).fit(x, y)
    coef = (1 - mix) * lr.coef_
    intercept = (1 - mix) * lr.intercept_
    if mix > 0:
        binary = (x > 0).astype(np.float64)
        for k in range(3):
            positive = y == k
            p = 1.0 + np.asarray(binary[positive].sum(axis=0)).ravel()
            q = 1.0 + np.asarray(binary[~positive].sum(axis=0)).ravel()
            r = np.log((p / p.sum()) / (q / q.sum()))
            r[-3:] = 1.0  # the lexicon features are not counts: leave them unscaled
            nb = LogisticRegression(C=c_nb, class_weight="balanced", max_iter=4000)
            nb.fit(x.multiply(r).tocsr(), positive)
            coef[k] += mix * nb.coef_[0] * r
            intercept[k] += mix * nb.intercept_[0]
    return np.asarray(coef), np.asarray(intercept)


def tune_offsets(scores: Matrix, y: np.ndarray[Any, Any]) -> Matrix:
    """Class offsets (negative, 0, positive) that maximise macro-F1 on the given (dev) scores."""
    best, offsets = macro_f1(y, scores.argmax(axis=1)), np.zeros(3)
    grid = np.arange(-1.0, 1.01, 0.1)
    for neg in grid:
        for pos in grid:
            candidate = np.array([neg, 0.0, pos])
            value = macro_f1(y, (scores + candidate).argmax(axis=1))
            if value > best + 1e-9:
                best, offsets = value, candidate
    return offsets


def train(directory: Path, grid: list[dict[str, float]]) -> NorecModel:
    """Fit every setting in ``grid`` on train, keep the best on dev, score it once on test."""
    train_x, train_y = read_split(directory, "train")
    dev_x, dev_y = read_split(directory, "dev")
    best: tuple[float, NorecModel] | None = None
    for setting in grid:
        featurizer = fit_featurizer(train_x, int(setting["min_df"]), setting["lexicon_scale"])
        x, xd = featurizer.transform(train_x), featurizer.transform(dev_x)
        coef, intercept = fit_linear(x, train_y, setting["c_lr"], setting["c_nb"], setting["mix"])
        raw = np.asarray(xd @ coef.T) + intercept
        offsets = tune_offsets(raw, dev_y)
        dev = macro_f1(dev_y, (raw + offsets).argmax(axis=1))
        print(f"{setting} dev macro-F1 {dev:.4f}", flush=True)
        if best is None or dev > best[0]:
            meta = {"version": VERSION, "setting": setting, "dev_macro_f1": round(dev, 4)}
            best = (dev, NorecModel(featurizer, coef, intercept, offsets, meta))
    assert best is not None
    model = best[1]
    test_x, test_y = read_split(directory, "test")
    test = macro_f1(test_y, model.decision(test_x).argmax(axis=1))
    model.meta.update(
        test_macro_f1=round(test, 4),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        data="NoReC_sentence (ltgoslo), train split; tuned on dev",
        n_train=len(train_x),
    )
    return model


GRID = [
    {"min_df": 2, "lexicon_scale": 1.0, "c_lr": 3.0, "c_nb": 1.0, "mix": 0.0},
    {"min_df": 2, "lexicon_scale": 2.0, "c_lr": 1.0, "c_nb": 0.3, "mix": 0.7},
    {"min_df": 2, "lexicon_scale": 3.0, "c_lr": 1.0, "c_nb": 0.3, "mix": 0.7},
    {"min_df": 2, "lexicon_scale": 2.0, "c_lr": 1.0, "c_nb": 0.3, "mix": 0.85},
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="folder with the three splits")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "data" / ARTEFACT, help="artefact"
    )
    parser.add_argument("--quick", action="store_true", help="only the first setting")
    args = parser.parse_args(argv)
    model = train(args.data, GRID[:1] if args.quick else GRID)
    model.save(args.out)
    print(json.dumps(model.meta, indent=2))


if __name__ == "__main__":
    main()
