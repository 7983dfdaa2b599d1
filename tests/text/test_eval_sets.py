"""The hand-labelled evaluation sets are well formed (the bench reads them as they are).

Each held-out set was written after the ones before it and shares no comment with them;
the sentiment probes were written during lexicon work and share none with the sets before.
"""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from kundepuls.text.evaluate import read_eval

DATA = Path(__file__).parents[1] / "data"
THEMES = Path(__file__).parents[2] / "src/kundepuls/text/data/themes.yaml"
FIRST = "comments_eval.jsonl"
# (file, split, at least this many comments per language), in the order they were written;
# each shares no comment with the sets written before it. The sets up to heldout3 were
# checked against the older ones letter for letter (heldout3's "Ok" is an older set's "ok");
# from heldout4 on regardless of case and outer spaces.
SETS = [
    ("comments_eval_heldout2.jsonl", "heldout2", 50),
    ("comments_sentiment_probes.jsonl", "probe", 200),
    ("comments_eval_heldout3.jsonl", "heldout3", 120),
    ("comments_eval_heldout4.jsonl", "heldout4", 100),
    ("comments_eval_heldout5.jsonl", "heldout5", 140),
    ("comments_eval_heldout6.jsonl", "heldout6", 110),
    ("comments_eval_heldout7.jsonl", "heldout7", 110),
    ("comments_eval_heldout8.jsonl", "heldout8", 110),
    ("comments_eval_heldout9.jsonl", "heldout9", 110),
    ("comments_eval_heldout10.jsonl", "heldout10", 110),
    ("comments_eval_heldout11.jsonl", "heldout11", 110),
    ("comments_eval_heldout12.jsonl", "heldout12", 110),
]
# heldout3 and the probes were written side by side and share a few short comments ("Nei").
SIDE_BY_SIDE = {("comments_eval_heldout3.jsonl", "comments_sentiment_probes.jsonl")}


def _older(name: str) -> list[str]:
    """The sets written before ``name`` that it must share no comment with."""
    names = [FIRST, *(n for n, _, _ in SETS)]
    return [o for o in names[: names.index(name)] if (name, o) not in SIDE_BY_SIDE]


LETTER_FOR_LETTER = {"heldout2", "probe", "heldout3"}


def _key(text: str, split: str) -> str:
    return text if split in LETTER_FOR_LETTER else text.strip().casefold()


@pytest.mark.parametrize(("name", "split", "per_language"), SETS)
def test_each_set_is_balanced_uses_the_taxonomy_and_is_new(
    name: str, split: str, per_language: int
) -> None:
    rows = read_eval(DATA / name)
    taxonomy = set(yaml.safe_load(THEMES.read_text("utf-8"))["themes"])
    assert {r["split"] for r in rows} == {split}
    languages = Counter(r["language"] for r in rows)
    assert set(languages) == {"nb", "nn", "en"}
    assert min(languages.values()) >= per_language
    if split != "heldout2":  # the first fresh set has all three labels only overall
        for language in languages:
            labels = {r["sentiment"] for r in rows if r["language"] == language}
            assert labels == {"negative", "neutral", "positive"}, language
    assert {r["sentiment"] for r in rows} == {"negative", "neutral", "positive"}
    assert {t for r in rows for t in r.get("themes", [])} <= taxonomy
    assert len({r["id"] for r in rows}) == len(rows)
    mine = {_key(r["text"], split): r["id"] for r in rows}
    assert len(mine) == len(rows)
    for before in _older(name):
        old = {_key(r["text"], split) for r in read_eval(DATA / before)}
        shared = sorted(mine[text] for text in old & mine.keys())
        assert not shared, (before, shared)  # ids of this set's comments seen before
