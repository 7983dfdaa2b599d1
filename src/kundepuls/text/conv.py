"""Small sentence readers, distilled from a fine-tuned sentence encoder.

Part of the shipped NoReC model (``norec.py``, from ``norec-4`` on). A linear n-gram model
cannot see how words act on each other ("ikke særlig god", "ikkje dårleg i det heile"); a
fine-tuned multilingual-e5-small can, but reads about 50 sentences a second. So the encoder
taught a small reader (``train_conv``): it learnt to give the encoder's scores on about half
a million sentences (NoReC's train and dev sentences with words dropped, swapped and cut
short, and review sentences written for the project), and the labels of the train and dev
sentences.

Each token (``tokens.tokenize``: words, emoji, punctuation) is the sum of its word vector
(none for a word it never saw) and the mean of the vectors of its character 3–5-grams,
hashed into a fixed table, so misspellings and compounds still get a vector. An encoder
reads the first ``MAX_TOKENS`` token vectors: either :class:`Convolutions` (``norec-4``,
``norec-5``) or a bidirectional GRU (:class:`Recurrent`, ``norec-6``); a hidden ReLU layer
and a linear layer turn what it pooled into three class scores. Pure numpy here;
``bench/text.py`` measures the speed.
"""

import zlib
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from kundepuls.text.tokens import tokenize

Floats = npt.NDArray[np.float32]
MAX_TOKENS = 60
GRAMS = (3, 4, 5)
EMPTY = "<empty>"  # the one token of a text without any
VECTOR_CACHE = 200_000  # tokens whose vector is remembered
BATCH = 256  # sentences the recurrent encoder reads side by side


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
class Convolutions:
    """Convolutions of width 1 to ``len(kernels)``, each with a ReLU and the maximum over the
    sentence.

    ``kernels[k - 1]`` holds the width-``k`` filters as a ``(k * dim, filters)`` matrix: rows
    ``j * dim`` to ``(j + 1) * dim`` weigh the ``j``-th token of a window. A sentence is padded
    with ``k - 1`` zero vectors on each side, as PyTorch's ``Conv1d(padding=k - 1)`` does.
    """

    kernels: list[Floats]
    biases: list[Floats]

    def pooled(self, x: Floats) -> Floats:
        """The max-pooled filters of one sentence's token vectors ``(tokens, dim)``."""
        dim, parts = x.shape[1], []
        for kernel, bias in zip(self.kernels, self.biases, strict=True):
            width = kernel.shape[0] // dim
            pad = np.zeros((width - 1, dim), dtype=np.float32)
            windows = np.lib.stride_tricks.sliding_window_view(
                np.vstack([pad, x, pad]), (width, dim)
            )
            windows = windows.reshape(len(x) + width - 1, width * dim)
            parts.append(np.maximum(windows @ kernel + bias, 0.0).max(axis=0))
        return np.concatenate(parts)

    def features(self, sentences: list[Floats]) -> Floats:
        """One row of pooled filters per sentence."""
        width = sum(bias.shape[0] for bias in self.biases)
        pooled = np.array([self.pooled(x) for x in sentences], dtype=np.float32)
        return pooled.reshape(len(sentences), width)

    def arrays(self) -> dict[str, Floats]:
        data = {}
        for k, (kernel, bias) in enumerate(zip(self.kernels, self.biases, strict=True), 1):
            data[f"kernel{k}"], data[f"bias{k}"] = kernel, bias
        return data

    @classmethod
    def from_arrays(cls, data: dict[str, Floats]) -> "Convolutions":
        widths = sum(1 for name in data if name.startswith("kernel"))
        return cls(
            [data[f"kernel{k}"] for k in range(1, widths + 1)],
            [data[f"bias{k}"] for k in range(1, widths + 1)],
        )


@dataclass
class Recurrent:
    """A bidirectional GRU whose outputs are max-pooled and mean-pooled over the sentence.

    Each array holds the forward direction first, then the backward one; the three gates
    (reset ``r``, update ``z``, new ``n``) follow one another in PyTorch's order, so
    ``inputs`` is ``(2, dim, 3 * units)`` and ``recurrent`` ``(2, units, 3 * units)``. One
    step, as PyTorch's ``nn.GRU``: ``r = σ(x Wᵢʳ + bᵢʳ + h Wₕʳ + bₕʳ)``, likewise ``z``,
    ``n = tanh(x Wᵢⁿ + bᵢⁿ + r ⊙ (h Wₕⁿ + bₕⁿ))``, ``h' = (1 − z) ⊙ n + z ⊙ h``. The pooled
    features are the maxima of the forward and backward outputs, then their means.
    """

    inputs: Floats
    recurrent: Floats
    input_bias: Floats
    recurrent_bias: Floats

    def read(self, sentences: list[Floats]) -> Floats:
        """The pooled features of sentences read side by side (each direction from its start)."""
        units, lengths = self.recurrent.shape[1], [len(x) for x in sentences]
        longest = max(lengths)
        # Both directions as one stack: the backward one reads each sentence reversed. Every
        # sentence starts at position 0, so the padding after it never reaches its outputs.
        x = np.zeros((2, len(sentences), longest, self.inputs.shape[1]), dtype=np.float32)
        for i, tokens in enumerate(sentences):
            x[0, i, : len(tokens)], x[1, i, : len(tokens)] = tokens, tokens[::-1]
        gates = x @ self.inputs[:, None] + self.input_bias[:, None, None]
        h = np.zeros((2, len(sentences), units), dtype=np.float32)
        outputs = np.empty((2, len(sentences), longest, units), dtype=np.float32)
        for t in range(longest):
            step = h @ self.recurrent + self.recurrent_bias[:, None]
            reset_update = expit(gates[:, :, t, : 2 * units] + step[..., : 2 * units])
            new = np.tanh(
                gates[:, :, t, 2 * units :] + reset_update[..., :units] * step[..., 2 * units :]
            )
            h = outputs[:, :, t] = new + reset_update[..., units:] * (h - new)
        valid = (np.arange(longest)[None, :] < np.array(lengths)[:, None])[None, :, :, None]
        top = np.where(valid, outputs, -np.inf).max(axis=2)
        mean = (outputs * valid).sum(axis=2) / np.array(lengths, dtype=np.float32)[None, :, None]
        return np.concatenate([top[0], top[1], mean[0], mean[1]], axis=1)

    def features(self, sentences: list[Floats]) -> Floats:
        """One row of pooled outputs per sentence, read ``BATCH`` at a time, sorted by length."""
        out = np.empty((len(sentences), 4 * self.recurrent.shape[1]), dtype=np.float32)
        order = np.argsort([len(x) for x in sentences], kind="stable")
        for start in range(0, len(order), BATCH):
            picked = order[start : start + BATCH]
            out[picked] = self.read([sentences[i] for i in picked])
        return out

    def arrays(self) -> dict[str, Floats]:
        return {
            "gru_inputs": self.inputs,
            "gru_recurrent": self.recurrent,
            "gru_input_bias": self.input_bias,
            "gru_recurrent_bias": self.recurrent_bias,
        }

    @classmethod
    def from_arrays(cls, data: dict[str, Floats]) -> "Recurrent":
        return cls(
            *(
                data[f"gru_{name}"]
                for name in ("inputs", "recurrent", "input_bias", "recurrent_bias")
            )
        )


Encoder = Convolutions | Recurrent


@dataclass
class Reader:
    """Token vectors, an encoder, an optional hidden ReLU layer and three scores.

    ``word`` has one row per entry of ``vocab`` after a first row of zeros (unknown words);
    ``char`` one row per hash bucket. ``out`` maps the encoder's features to the three
    scores, or, with a ``hidden`` layer ``(features, units)`` between them (from ``norec-5``
    on), the hidden units.
    """

    vocab: list[str]
    word: Floats
    char: Floats
    encoder: Encoder
    out: Floats
    out_bias: Floats
    hidden: tuple[Floats, Floats] | None = None  # weights and bias of a hidden ReLU layer

    def __post_init__(self) -> None:
        self._index = {w: i + 1 for i, w in enumerate(self.vocab)}
        self._vectors: dict[str, Floats] = {}

    def vector(self, token: str) -> Floats:
        """The input vector of one token (remembered: tokens repeat across sentences)."""
        known = self._vectors.get(token)
        if known is None:
            grams = self.char[gram_ids(token, self.char.shape[0])].mean(axis=0)
            known = np.asarray(self.word[self._index.get(token, 0)] + grams, dtype=np.float32)
            if len(self._vectors) < VECTOR_CACHE:
                self._vectors[token] = known
        return known

    def decision(self, texts: list[str]) -> npt.NDArray[np.float64]:
        """Per text, one score per class in the order negative, neutral, positive."""
        sentences = [np.array([self.vector(t) for t in sentence_tokens(s)]) for s in texts]
        features = self.encoder.features(sentences)
        if self.hidden is not None:
            features = np.maximum(features @ self.hidden[0] + self.hidden[1], 0.0)
        return np.asarray(features @ self.out + self.out_bias, dtype=np.float64)

    def scaled(self, weight: float) -> "Reader":
        """The same reader with its scores multiplied by ``weight`` (a blend share)."""
        return replace(
            self, out=self.out * np.float32(weight), out_bias=self.out_bias * np.float32(weight)
        )

    def arrays(self, prefix: str = "conv_") -> dict[str, Any]:
        """The reader as named arrays (tables as float16) for an ``.npz`` artefact.

        The prefix is ``conv_`` for every kind of encoder: the first reader was a convolution.
        """
        data: dict[str, Any] = {
            "vocab": np.array("\n".join(self.vocab)),
            "word": self.word.astype(np.float16),
            "char": self.char.astype(np.float16),
            "out": self.out.astype(np.float32),
            "out_bias": self.out_bias.astype(np.float32),
            **{name: a.astype(np.float32) for name, a in self.encoder.arrays().items()},
        }
        if self.hidden is not None:
            data["hidden"] = self.hidden[0].astype(np.float32)
            data["hidden_bias"] = self.hidden[1].astype(np.float32)
        return {prefix + name: value for name, value in data.items()}

    @classmethod
    def from_arrays(cls, data: Any, prefix: str = "conv_") -> "Reader | None":
        """The reader stored by :meth:`arrays`, or None if ``data`` holds none."""
        if prefix + "out" not in data:
            return None
        arrays = {
            name[len(prefix) :]: np.asarray(data[name], dtype=np.float32)
            for name in data
            if name.startswith(prefix) and name != prefix + "vocab"
        }
        kind = Recurrent if "gru_inputs" in arrays else Convolutions
        hidden = arrays.get("hidden")
        return cls(
            str(data[prefix + "vocab"]).split("\n"),
            arrays["word"],
            arrays["char"],
            kind.from_arrays(arrays),
            arrays["out"],
            arrays["out_bias"],
            None if hidden is None else (hidden, arrays["hidden_bias"]),
        )
