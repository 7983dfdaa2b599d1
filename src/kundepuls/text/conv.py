"""A small convolutional sentence reader, distilled from a fine-tuned sentence encoder.

Part of the shipped NoReC model (``norec.py``, from ``norec-4`` on). A linear n-gram model
cannot see how words act on each other ("ikke særlig god", "ikkje dårleg i det heile"); a
fine-tuned multilingual-e5-small can, but reads about 50 sentences a second. So the encoder
taught this reader (``train_conv``): it learnt to give the encoder's scores on about
430,000 sentences (NoReC's train and dev sentences with words dropped, swapped and cut
short), and the labels of the train and dev sentences (``norec-5``).

Each token (``tokens.tokenize``: words, emoji, punctuation) is the sum of its word vector
(none for a word it never saw) and the mean of the vectors of its character 3–5-grams,
hashed into a fixed table, so misspellings and compounds still get a vector. Convolutions
of width 1, 2 and 3 run over the first ``MAX_TOKENS`` token vectors, each followed by a
ReLU and the maximum over the sentence; a hidden ReLU layer and a linear layer turn the
pooled filters into three class scores. Pure numpy here: 6,000–10,000 sentences a second
on one core alone, about 2,200–2,800 together with the linear model (``bench/text.py``).
"""

import zlib
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from kundepuls.text.tokens import tokenize

Floats = npt.NDArray[np.float32]
MAX_TOKENS = 60
GRAMS = (3, 4, 5)
EMPTY = "<empty>"  # the one token of a text without any
VECTOR_CACHE = 200_000  # tokens whose vector is remembered


def sentence_tokens(text: str) -> list[str]:
    """The tokens the reader sees: at most ``MAX_TOKENS``, never none.

    Examples
    --------
    >>> sentence_tokens("Ikke bra!")
    ['ikke', 'bra', '!']
    >>> sentence_tokens("   ")
    ['<empty>']
    """
    return tokenize(text)[:MAX_TOKENS] or [EMPTY]


def gram_ids(token: str, buckets: int) -> list[int]:
    """Rows of the character table for ``token``: its 3–5-grams inside ``<`` and ``>``, hashed.

    CRC-32 rather than ``hash``, which changes from one process to the next.

    Examples
    --------
    >>> gram_ids("ok", 1000)  # "<ok>": <ok, ok>, <ok>, and <ok> again (shorter than 5)
    [606, 248, 679, 679]
    """
    padded = f"<{token}>"
    ids = []
    for n in GRAMS:
        for i in range(max(1, len(padded) - n + 1)):
            ids.append(zlib.crc32(padded[i : i + n].encode("utf-8")) % buckets)
    return ids


@dataclass
class ConvReader:
    """Token vectors, convolutions of width 1 to ``len(kernels)``, max-pooling, three scores.

    ``word`` has one row per entry of ``vocab`` after a first row of zeros (unknown words);
    ``char`` one row per hash bucket. ``kernels[k - 1]`` holds the width-``k`` filters as a
    ``(k * dim, filters)`` matrix: rows ``j * dim`` to ``(j + 1) * dim`` weigh the ``j``-th
    token of a window. A sentence is padded with ``k - 1`` zero vectors on each side, as
    PyTorch's ``Conv1d(padding=k - 1)`` does. ``out`` is ``(filters * widths, 3)``, or, with a
    ``hidden`` ReLU layer ``(filters * widths, units)`` between pooling and scores (from
    ``norec-5`` on), ``(units, 3)``.
    """

    vocab: list[str]
    word: Floats
    char: Floats
    kernels: list[Floats]
    biases: list[Floats]
    out: Floats
    out_bias: Floats
    hidden: tuple[Floats, Floats] | None = None  # weights and bias of a hidden ReLU layer

    def __post_init__(self) -> None:
        self._index = {w: i + 1 for i, w in enumerate(self.vocab)}
        self._vectors: dict[str, Floats] = {}
        self.dim = self.word.shape[1]

    def vector(self, token: str) -> Floats:
        """The input vector of one token (remembered: tokens repeat across sentences)."""
        known = self._vectors.get(token)
        if known is None:
            grams = self.char[gram_ids(token, self.char.shape[0])].mean(axis=0)
            known = np.asarray(self.word[self._index.get(token, 0)] + grams, dtype=np.float32)
            if len(self._vectors) < VECTOR_CACHE:
                self._vectors[token] = known
        return known

    def pooled(self, tokens: list[str]) -> Floats:
        """The max-pooled filters of one sentence's tokens."""
        x = np.array([self.vector(t) for t in tokens], dtype=np.float32)
        parts = []
        for kernel, bias in zip(self.kernels, self.biases, strict=True):
            width = kernel.shape[0] // self.dim
            pad = np.zeros((width - 1, self.dim), dtype=np.float32)
            padded = np.vstack([pad, x, pad])
            windows = np.lib.stride_tricks.sliding_window_view(padded, (width, self.dim))
            windows = windows.reshape(len(x) + width - 1, width * self.dim)
            parts.append(np.maximum(windows @ kernel + bias, 0.0).max(axis=0))
        return np.concatenate(parts)

    def decision(self, texts: list[str]) -> npt.NDArray[np.float64]:
        """Per text, one score per class in the order negative, neutral, positive."""
        width = self.out.shape[0] if self.hidden is None else self.hidden[0].shape[0]
        pooled = np.array([self.pooled(sentence_tokens(t)) for t in texts], dtype=np.float32)
        pooled = pooled.reshape(len(texts), width)
        if self.hidden is not None:
            pooled = np.maximum(pooled @ self.hidden[0] + self.hidden[1], 0.0)
        return np.asarray(pooled @ self.out + self.out_bias, dtype=np.float64)

    def scaled(self, weight: float) -> "ConvReader":
        """The same reader with its scores multiplied by ``weight`` (a blend share)."""
        return replace(
            self, out=self.out * np.float32(weight), out_bias=self.out_bias * np.float32(weight)
        )

    def arrays(self, prefix: str = "conv_") -> dict[str, Any]:
        """The reader as named arrays (tables as float16) for an ``.npz`` artefact."""
        data: dict[str, Any] = {
            "vocab": np.array("\n".join(self.vocab)),
            "word": self.word.astype(np.float16),
            "char": self.char.astype(np.float16),
            "out": self.out.astype(np.float32),
            "out_bias": self.out_bias.astype(np.float32),
        }
        for k, (kernel, bias) in enumerate(zip(self.kernels, self.biases, strict=True), 1):
            data[f"kernel{k}"] = kernel.astype(np.float32)
            data[f"bias{k}"] = bias.astype(np.float32)
        if self.hidden is not None:
            data["hidden"] = self.hidden[0].astype(np.float32)
            data["hidden_bias"] = self.hidden[1].astype(np.float32)
        return {prefix + name: value for name, value in data.items()}

    @classmethod
    def from_arrays(cls, data: Any, prefix: str = "conv_") -> "ConvReader | None":
        """The reader stored by :meth:`arrays`, or None if ``data`` holds none."""
        if prefix + "out" not in data:
            return None
        widths = sum(1 for name in data if name.startswith(prefix + "kernel"))

        def floats(name: str) -> Floats:
            return np.asarray(data[prefix + name], dtype=np.float32)

        return cls(
            str(data[prefix + "vocab"]).split("\n"),
            floats("word"),
            floats("char"),
            [floats(f"kernel{k}") for k in range(1, widths + 1)],
            [floats(f"bias{k}") for k in range(1, widths + 1)],
            floats("out"),
            floats("out_bias"),
            (floats("hidden"), floats("hidden_bias")) if prefix + "hidden" in data else None,
        )
