"""The training-time word-vector steps: vocabulary, cache and PCA (no encoder runs here)."""

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.decomposition import PCA

from kundepuls.text.train_vectors import (
    CHUNK,
    load_cache,
    load_sentences,
    reduce,
    vector_vocabulary,
)


def test_the_vocabulary_ranks_frequent_words_then_cx_words_then_the_rest(tmp_path: Path) -> None:
    rows = [
        {"sent_id": "1", "text": "God film, god musikk.", "label": "Positive"},
        {"sent_id": "2", "text": "Ikke god.", "label": "Negative"},
    ]
    for split in ("train", "dev"):
        (tmp_path / f"{split}.json").write_text(json.dumps(rows), encoding="utf-8")
    words = vector_vocabulary(tmp_path)
    assert words[:4] == ["god", "film", "musikk", "ikke"]  # all seen twice, by frequency
    assert {"kundeservice", "leveringen"} <= set(words)  # lexicon and themes
    assert words[-4:] == ["god film", "film god", "god musikk", "ikke god"]  # bigrams last
    assert len(words) == len(set(words))


def test_the_cache_is_read_by_word_index(tmp_path: Path) -> None:
    (tmp_path / "words.txt").write_text("a\nb\nc", encoding="utf-8")
    rows = np.hstack([np.array([[2.0], [0.0]]), np.ones((2, 384)) * np.array([[3.0], [1.0]])])
    np.save(tmp_path / "s0_000000.npy", rows)
    np.save(tmp_path / "s1_000000.tmp.npy", rows * 0)  # an unfinished chunk is skipped
    words, table = load_cache(tmp_path)
    assert words == ["a", "c"]
    np.testing.assert_allclose(table[:, 0], [1.0, 3.0])


def test_reduce_matches_scikit_learn_pca_up_to_sign_and_scale() -> None:
    data = np.random.default_rng(1).normal(size=(60, 12)) @ np.diag(np.arange(12, 0, -1))
    ours = reduce(data, 4)
    theirs = PCA(n_components=4).fit_transform(data)
    theirs = theirs / theirs[:, 0].std()
    for k in range(4):
        sign = np.sign(ours[:, k] @ theirs[:, k])
        np.testing.assert_allclose(ours[:, k], sign * theirs[:, k], atol=1e-8)


def test_sentence_vectors_are_read_in_data_order_and_must_be_complete(tmp_path: Path) -> None:
    rows = np.arange((CHUNK + 5) * 384, dtype=np.float32).reshape(CHUNK + 5, 384)
    np.save(tmp_path / f"sent_train_{CHUNK:06d}.npy", rows[CHUNK:])
    with pytest.raises(FileNotFoundError, match="sent_train_000000"):
        load_sentences(tmp_path, "train", CHUNK + 5)
    np.save(tmp_path / "sent_train_000000.npy", rows[:CHUNK])
    np.testing.assert_array_equal(load_sentences(tmp_path, "train", CHUNK + 5), rows)
    with pytest.raises(ValueError, match="sentence vectors for"):
        load_sentences(tmp_path, "train", CHUNK + 4)
