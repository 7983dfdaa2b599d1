"""The hand-labelled evaluation sets are well formed (the bench reads them as they are)."""

from collections import Counter
from pathlib import Path

import yaml

from kundepuls.text.evaluate import read_eval

DATA = Path(__file__).parents[1] / "data"
THEMES = Path(__file__).parents[2] / "src/kundepuls/text/data/themes.yaml"


def test_the_fresh_heldout_set_is_balanced_and_uses_the_taxonomy() -> None:
    rows = read_eval(DATA / "comments_eval_heldout2.jsonl")
    taxonomy = set(yaml.safe_load(THEMES.read_text("utf-8"))["themes"])
    assert len(rows) >= 150
    assert {r["split"] for r in rows} == {"heldout2"}
    languages = Counter(r["language"] for r in rows)
    assert set(languages) == {"nb", "nn", "en"}
    assert min(languages.values()) >= 50
    assert {r["sentiment"] for r in rows} == {"negative", "neutral", "positive"}
    assert {t for r in rows for t in r["themes"]} <= taxonomy
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["text"] for r in rows}) == len(rows)
    old = {r["text"] for r in read_eval(DATA / "comments_eval.jsonl")}
    assert not old & {r["text"] for r in rows}  # no comment of the older set again


def test_the_third_heldout_set_is_balanced_by_language_and_uses_the_taxonomy() -> None:
    rows = read_eval(DATA / "comments_eval_heldout3.jsonl")
    taxonomy = set(yaml.safe_load(THEMES.read_text("utf-8"))["themes"])
    assert len(rows) >= 360
    assert {r["split"] for r in rows} == {"heldout3"}
    languages = Counter(r["language"] for r in rows)
    assert set(languages) == {"nb", "nn", "en"}
    assert min(languages.values()) >= 120
    for language in languages:
        labels = {r["sentiment"] for r in rows if r["language"] == language}
        assert labels == {"negative", "neutral", "positive"}, language
    assert {t for r in rows for t in r["themes"]} <= taxonomy
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["text"] for r in rows}) == len(rows)
    for older in ("comments_eval.jsonl", "comments_eval_heldout2.jsonl"):
        old = {r["text"] for r in read_eval(DATA / older)}
        assert not old & {r["text"] for r in rows}, older  # no comment of an older set again


def test_the_sentiment_probes_are_well_formed_and_new() -> None:
    rows = read_eval(DATA / "comments_sentiment_probes.jsonl")
    assert len(rows) >= 600
    assert {r["split"] for r in rows} == {"probe"}
    assert Counter(r["language"] for r in rows).keys() == {"nb", "nn", "en"}
    assert {r["sentiment"] for r in rows} == {"negative", "neutral", "positive"}
    assert len({r["id"] for r in rows}) == len({r["text"] for r in rows}) == len(rows)
    older = read_eval(DATA / "comments_eval.jsonl") + read_eval(
        DATA / "comments_eval_heldout2.jsonl"
    )
    assert not {r["text"] for r in older} & {r["text"] for r in rows}


def test_the_fourth_heldout_set_is_balanced_by_language_and_new() -> None:
    rows = read_eval(DATA / "comments_eval_heldout4.jsonl")
    taxonomy = set(yaml.safe_load(THEMES.read_text("utf-8"))["themes"])
    assert len(rows) >= 300
    assert {r["split"] for r in rows} == {"heldout4"}
    languages = Counter(r["language"] for r in rows)
    assert set(languages) == {"nb", "nn", "en"}
    assert min(languages.values()) >= 100
    for language in languages:
        labels = {r["sentiment"] for r in rows if r["language"] == language}
        assert labels == {"negative", "neutral", "positive"}, language
    assert {t for r in rows for t in r["themes"]} <= taxonomy
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["text"] for r in rows}) == len(rows)
    mine = {r["text"].strip().casefold(): r["id"] for r in rows}
    assert len(mine) == len(rows)
    for older in (
        "comments_eval.jsonl",
        "comments_eval_heldout2.jsonl",
        "comments_eval_heldout3.jsonl",
        "comments_sentiment_probes.jsonl",
    ):
        old = {r["text"].strip().casefold() for r in read_eval(DATA / older)}
        shared = sorted(mine[text] for text in old & mine.keys())
        assert not shared, (older, shared)  # ids of this set's comments seen before
