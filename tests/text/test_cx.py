"""The comment model: learnt from the development sets only, read as scikit-learn reads it."""

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from kundepuls.text import train_cx
from kundepuls.text.cx import CommentReading, load_comment_model, read_model
from kundepuls.text.lexicon import LABELS, Label, to_label
from kundepuls.text.service import LEXICON_VERSION, analyze
from kundepuls.text.train_cx import VERSION

DATA = Path(__file__).parents[1] / "data"
THEMES = ["delivery", "price", "staff"]


def test_the_shipped_model_learnt_from_every_development_set_and_no_held_out_one() -> None:
    learnt = load_comment_model().meta["training_sets"]
    assert train_cx.HELDOUT not in learnt
    assert not set(train_cx.UNREAD) & set(learnt)
    current = {
        name: sum(1 for line in (DATA / name).read_text("utf-8").splitlines() if line.strip())
        for name in train_cx.training_sets(DATA)
    }
    assert learnt == current  # retrain (python -m kundepuls.text.train_cx) when a set changes


def test_probabilities_are_those_of_scikit_learn(tmp_path: Path) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_union

    rows = train_cx.read_sets(DATA, ["comments_eval.jsonl"])
    model = train_cx.fit(rows, THEMES)
    texts = [str(r["text"]) for r in rows]
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )
    x = features.fit_transform(texts)
    fitted = LogisticRegression(C=3.0, class_weight="balanced", max_iter=4000)
    expected = fitted.fit(x, [r["sentiment"] for r in rows]).predict_proba(x[:40])
    staff = LogisticRegression(C=3.0, class_weight="balanced", max_iter=4000)
    expected_staff = staff.fit(x, ["staff" in r["themes"] for r in rows]).predict_proba(x[:40])
    got = model.read(texts[:40])
    probabilities = np.array([[g.sentiment[label] for label in LABELS] for g in got])
    assert list(fitted.classes_) == list(LABELS)
    np.testing.assert_allclose(probabilities, expected, atol=1e-4)
    np.testing.assert_allclose([g.themes["staff"] for g in got], expected_staff[:, 1], atol=1e-4)
    model.save(tmp_path / "model.npz")
    again = read_model(tmp_path / "model.npz").read(texts[:40])
    np.testing.assert_allclose(
        [[g.sentiment[label] for label in LABELS] for g in again], probabilities, atol=1e-3
    )


def _reading(sentiment: tuple[float, float, float], **themes: float) -> CommentReading:
    return CommentReading(dict(zip(LABELS, sentiment, strict=True)), themes, known=5)


@pytest.mark.parametrize(
    ("probabilities", "rules", "expected"),
    [
        ((0.9, 0.05, 0.05), "positive", "negative"),  # a sure model outweighs the rules
        ((0.4, 0.3, 0.3), "positive", "positive"),  # an unsure one does not
        ((0.1, 0.5, 0.4), "neutral", "neutral"),
    ],
)
def test_the_sentiment_blend(
    probabilities: tuple[float, float, float], rules: Label, expected: str
) -> None:
    rules_score = {"negative": -0.5, "neutral": 0.0, "positive": 0.5}[rules]
    label, score = load_comment_model().blend_sentiment(_reading(probabilities), rules, rules_score)
    assert label == expected
    assert to_label(score) == label


def test_themes_are_kept_dropped_and_added_only_from_the_taxonomy() -> None:
    model = load_comment_model()
    reading = _reading(
        (0.3, 0.4, 0.3), delivery=0.9, price=0.05, staff=0.7, store=0.95, payment=0.5
    )
    found = ["price", "payment"]
    allowed = {"delivery", "price", "staff", "payment"}  # an edited taxonomy without "store"
    assert model.themes(reading, found, allowed) == ["payment", "delivery", "staff"]


def test_a_comment_without_known_ngrams_is_read_by_the_rules() -> None:
    reading = load_comment_model().read(["😡😡"])[0]
    assert reading.known == 0
    result = analyze("😡😡")
    assert result.sentiment == "negative"
    assert "cx-" not in result.model_version


def test_the_model_reads_deeds_the_rules_do_not() -> None:
    text = "Sjåføren bar sofaen helt inn i stua for oss."
    rules = analyze(text, learnt=False)
    result = analyze(text)
    assert rules.sentiment == "neutral"
    assert result.sentiment == "positive"
    assert result.model_version == f"{LEXICON_VERSION}+{VERSION}"
    assert Counter(m.theme for m in result.themes)["delivery"] == 1
