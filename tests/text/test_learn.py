"""Learning sentiment from the installation's own scored comments."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kundepuls.facts.models import Response
from kundepuls.text.evaluate import read_eval
from kundepuls.text.learn import InstallationModel, label_from_scores, train_installation_model
from kundepuls.text.service import analyze

EVAL = Path(__file__).parents[1] / "data" / "comments_eval.jsonl"
NPS = {"negative": 3, "neutral": 7, "positive": 10}


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ((0, None, None), "negative"),
        ((6, 5, 7), "negative"),  # NPS comes first
        ((7, None, None), "neutral"),
        ((8, None, None), "neutral"),
        ((9, None, None), "positive"),
        ((None, 1, None), "negative"),
        ((None, 3, None), "neutral"),
        ((None, 4, None), "positive"),
        ((None, None, 2), "negative"),
        ((None, None, 5), "neutral"),
        ((None, None, 7), "positive"),
        ((None, None, None), None),
    ],
)
def test_labels_from_scores(scores: tuple[int | None, ...], expected: str | None) -> None:
    assert label_from_scores(*scores) == expected


def test_below_the_minimum_the_lexicon_is_used_alone() -> None:
    model = InstallationModel(min_comments=200).fit(
        ["bra", "dårlig"] * 10, ["positive", "negative"] * 10
    )
    assert not model.fitted
    assert model.report()["fitted"] is False
    assert model.blend_reading("bra", 0.4) == ("positive", 0.4)


def test_fits_reports_heldout_accuracy_and_blends() -> None:
    rows = read_eval(EVAL, "dev")
    model = InstallationModel(min_comments=200).fit(
        [r["text"] for r in rows], [r["sentiment"] for r in rows]
    )
    assert model.fitted
    report = model.report()
    assert report["comments"] == len(rows)
    for key in ("heldout_accuracy", "builtin_heldout_accuracy", "blend_heldout_accuracy"):
        assert 0.4 < report[key] <= 1.0
    result = analyze("Elendig levering", model=model)
    assert result.sentiment == "negative"
    assert result.model_version.endswith("+installation")


def test_trains_from_the_store(session: Session) -> None:
    when = datetime(2026, 10, 1, tzinfo=UTC)
    rows = read_eval(EVAL, "dev")[:150]
    session.add_all(
        Response(response_id=f"r{i}", submitted_at=when, nps=NPS[r["sentiment"]], comment=r["text"])
        for i, r in enumerate(rows)
    )
    session.add(Response(response_id="unscored", submitted_at=when, comment="Bra"))
    session.flush()
    assert not train_installation_model(session).fitted  # fewer than 200 scored comments
    model = train_installation_model(session, min_comments=100)
    assert model.fitted
    assert model.n_ == len(rows)


def test_blended_reading_is_one_label_and_a_polarity() -> None:
    rows = read_eval(EVAL, "dev")
    model = InstallationModel(min_comments=200).fit(
        [r["text"] for r in rows], [r["sentiment"] for r in rows]
    )
    assert model.blend in (0.0, 0.25, 0.5, 0.75, 1.0)
    for text, builtin_score in [("Elendig levering", -0.8), ("Kjempefornøyd!", 0.9), ("Ok", 0.0)]:
        label, score = model.blend_reading(text, builtin_score)
        assert label in ("negative", "neutral", "positive")
        assert -1.0 <= score <= 1.0
    assert (
        model.blend_reading("Elendig levering", -0.8)[1]
        < 0
        < model.blend_reading("Kjempefornøyd!", 0.9)[1]
    )
