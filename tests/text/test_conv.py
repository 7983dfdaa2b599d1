"""The sentence readers of the NoReC model compute what their definitions say.

PyTorch (training only) is not installed here; ``train_conv`` checks at training time that
the numpy reader gives PyTorch's scores. These tests check the numpy readers against the
convolution and the recurrence written out term by term, and the transfer-set maker of
``train_conv``.
"""

import math
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from kundepuls.text import conv
from kundepuls.text.conv import (
    EMPTY,
    MAX_TOKENS,
    Convolutions,
    Reader,
    Recurrent,
    gram_ids,
    sentence_tokens,
)
from kundepuls.text.train_conv import augment, read_sources, teacher_scores

DIM, FILTERS, UNITS, BUCKETS = 4, 5, 3, 97
TEXTS = ["Ikke særlig god", "ukjent", "", "Bra!! Bra, bra 👍", "ord " * 80]


def small_reader(seed: int = 0, hidden: int = 0, encoder: str = "conv") -> Reader:
    """A reader with random weights; ``hidden``: the width of a hidden layer, if any."""
    rng = np.random.default_rng(seed)

    def floats(*shape: int) -> np.ndarray:
        return rng.normal(size=shape).astype(np.float32)

    word = floats(4, DIM)
    word[0] = 0.0
    if encoder == "gru":
        gates = 3 * UNITS
        reads: conv.Encoder = Recurrent(
            floats(2, DIM, gates), floats(2, UNITS, gates), floats(2, gates), floats(2, gates)
        )
        width = 4 * UNITS
    else:
        reads = Convolutions(
            [floats(k * DIM, FILTERS) for k in (1, 2, 3)], [floats(FILTERS) for _ in range(3)]
        )
        width = 3 * FILTERS
    return Reader(
        ["ikke", "god", "bra"],
        word,
        floats(BUCKETS, DIM),
        reads,
        floats(hidden or width, 3),
        floats(3),
        (floats(width, hidden), floats(hidden)) if hidden else None,
    )


def token_vectors(reader: Reader, text: str) -> list[np.ndarray]:
    index = {w: i + 1 for i, w in enumerate(reader.vocab)}
    x = []
    for token in sentence_tokens(text):
        grams = [zlib.crc32(g.encode()) % BUCKETS for g in grams_of(token)]
        x.append(reader.word[index.get(token, 0)] + reader.char[grams].mean(axis=0))
    return x


def convolved(encoder: Convolutions, x: list[np.ndarray]) -> list[float]:
    """Each filter at each window position, summed term by term, then the maximum."""
    pooled = []
    for kernel, bias in zip(encoder.kernels, encoder.biases, strict=True):
        width = kernel.shape[0] // DIM
        padded = [np.zeros(DIM)] * (width - 1) + x + [np.zeros(DIM)] * (width - 1)
        for f in range(FILTERS):
            values = []
            for t in range(len(x) + width - 1):
                total = bias[f]
                for j in range(width):
                    for c in range(DIM):
                        total += padded[t + j][c] * kernel[j * DIM + c, f]
                values.append(max(total, 0.0))
            pooled.append(max(values))
    return pooled


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def gate(
    e: Recurrent, d: int, g: int, u: int, x: np.ndarray, h: list[float]
) -> tuple[float, float]:
    """Gate ``g`` of unit ``u`` in direction ``d``: what comes from the input, from the state."""
    col = g * UNITS + u
    from_input = e.input_bias[d, col] + sum(x[c] * e.inputs[d, c, col] for c in range(DIM))
    from_state = e.recurrent_bias[d, col] + sum(h[k] * e.recurrent[d, k, col] for k in range(UNITS))
    return from_input, from_state


def recurred(encoder: Recurrent, x: list[np.ndarray]) -> list[float]:
    """The GRU written out unit by unit, forwards and backwards; maxima, then means."""
    directions = []
    for d, tokens in enumerate([x, x[::-1]]):
        h, outputs = [0.0] * UNITS, []
        for token in tokens:
            new_h = []
            for u in range(UNITS):
                r = sigmoid(sum(gate(encoder, d, 0, u, token, h)))
                z = sigmoid(sum(gate(encoder, d, 1, u, token, h)))
                from_input, from_state = gate(encoder, d, 2, u, token, h)
                n = math.tanh(from_input + r * from_state)
                new_h.append((1 - z) * n + z * h[u])
            h = new_h
            outputs.append(h)
        directions.append(np.array(outputs))
    forward, backward = directions
    return [*forward.max(0), *backward.max(0), *forward.mean(0), *backward.mean(0)]


def by_hand(reader: Reader, text: str) -> np.ndarray:
    """Token vectors, the encoder and the layers after it, term by term."""
    x = token_vectors(reader, text)
    e = reader.encoder
    pooled = convolved(e, x) if isinstance(e, Convolutions) else recurred(e, x)
    if reader.hidden is not None:
        weights, biases = reader.hidden
        pooled = [
            max(sum(p * weights[i, h] for i, p in enumerate(pooled)) + b, 0.0)
            for h, b in enumerate(biases)
        ]
    return np.array(pooled) @ reader.out + reader.out_bias


def grams_of(token: str) -> list[str]:
    padded = f"<{token}>"
    out = []
    for n in (3, 4, 5):
        out += [padded[i : i + n] for i in range(len(padded) - n + 1)] or [padded]
    return out


@pytest.mark.parametrize("encoder", ["conv", "gru"])
@pytest.mark.parametrize("hidden", [0, 6])
def test_the_reader_scores_as_its_encoder_written_out(hidden: int, encoder: str) -> None:
    reader = small_reader(hidden=hidden, encoder=encoder)
    expected = np.array([by_hand(reader, t) for t in TEXTS])
    np.testing.assert_allclose(reader.decision(TEXTS), expected, rtol=1e-4, atol=1e-4)


def test_sentences_read_side_by_side_score_as_read_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = small_reader(2, 6, "gru")
    texts = TEXTS * 3 + ["god", "ikke bra i det hele tatt"]
    alone = np.vstack([reader.decision([t]) for t in texts])
    monkeypatch.setattr(conv, "BATCH", 4)  # several batches, each padded to its longest
    np.testing.assert_allclose(reader.decision(texts), alone, rtol=1e-5, atol=1e-5)
    assert reader.decision([]).shape == (0, 3)


def test_tokens_are_cut_at_the_limit_and_an_empty_text_has_one() -> None:
    assert len(sentence_tokens("ord " * 80)) == MAX_TOKENS
    assert sentence_tokens("") == [EMPTY]
    assert gram_ids("god", BUCKETS) == [zlib.crc32(g.encode()) % BUCKETS for g in grams_of("god")]


def test_an_unknown_word_is_its_character_grams_alone() -> None:
    reader = small_reader()
    grams = gram_ids("ukjent", BUCKETS)
    np.testing.assert_allclose(reader.vector("ukjent"), reader.char[grams].mean(axis=0))
    np.testing.assert_allclose(
        reader.vector("god"), reader.word[2] + reader.char[gram_ids("god", BUCKETS)].mean(axis=0)
    )


@pytest.mark.parametrize("encoder", ["conv", "gru"])
@pytest.mark.parametrize("hidden", [0, 6])
def test_a_share_scales_the_scores_and_the_arrays_load_back(
    tmp_path: Path, hidden: int, encoder: str
) -> None:
    reader = small_reader(1, hidden, encoder)
    half = reader.scaled(0.5)
    np.testing.assert_allclose(half.decision(TEXTS), 0.5 * reader.decision(TEXTS), rtol=1e-5)
    np.savez(tmp_path / "r.npz", **half.arrays(), other=np.zeros(2))
    with np.load(tmp_path / "r.npz", allow_pickle=False) as data:
        loaded = Reader.from_arrays(data)
        assert Reader.from_arrays({"other": data["other"]}) is None
    assert loaded is not None
    assert loaded.vocab == reader.vocab
    assert type(loaded.encoder) is type(reader.encoder)
    assert (loaded.hidden is None) == (hidden == 0)
    # Tables are stored as float16: the loaded reader scores within float16 rounding.
    np.testing.assert_allclose(loaded.decision(TEXTS), half.decision(TEXTS), atol=0.05)


TRAIN = ["Filmen var ikke god", "Maten var fantastisk god", "Et helt vanlig album", "Nei"]


def test_the_transfer_set_is_new_deterministic_and_keeps_the_extra_lines() -> None:
    first = augment(TRAIN, 5, seed=0, exclude=set(), extra=["Pakken kom", "Nei"])
    assert first == augment(TRAIN, 5, seed=0, exclude=set(), extra=["Pakken kom", "Nei"])
    assert len(set(first)) == len(first)
    assert not set(first) & set(TRAIN)  # a train sentence is never repeated as it is
    assert first[-1] == "Pakken kom"
    words = {w for t in TRAIN for w in t.split()}
    assert all(set(line.split()) <= words for line in first[:-1])
    again = augment(TRAIN, 5, seed=1, exclude=set(first), extra=[])
    assert again
    assert not set(again) & set(first)


@pytest.mark.parametrize("copies", [0, 1])
def test_no_copies_means_only_the_extra_lines(copies: int) -> None:
    lines = augment(TRAIN, copies, seed=2, exclude=set(), extra=["Ekstra"])
    assert lines[-1] == "Ekstra"
    assert len(lines) <= copies * len(TRAIN) + 1


def test_written_sentences_are_spaced_as_norec_and_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Filmen varer 2,5 timer.\n\nKjempebra!\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("«Nei», sa hun.\nKjempebra!", encoding="utf-8")
    lines = read_sources([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert lines == ["Filmen varer 2,5 timer .", "Kjempebra !", "« Nei » , sa hun ."]


def test_teachers_are_averaged_as_probabilities(tmp_path: Path) -> None:
    from scipy.special import log_softmax, softmax

    rng = np.random.default_rng(5)
    logits = [rng.normal(0, 3, size=(50, 3)).astype(np.float32) for _ in range(2)]
    for i, scores in enumerate(logits):
        (tmp_path / str(i)).mkdir()
        np.save(tmp_path / str(i) / "transfer_s0.npy", np.hstack([scores, np.ones((50, 4))]))
    one = teacher_scores([tmp_path / "0"], "transfer_s0")
    assert np.allclose(one, log_softmax(logits[0], axis=1), atol=1e-5)
    both = teacher_scores([tmp_path / "0", tmp_path / "1"], "transfer_s0")
    mean = (softmax(logits[0], axis=1) + softmax(logits[1], axis=1)) / 2
    assert both.dtype == np.float32
    assert np.allclose(both, np.log(mean), atol=1e-5)


def planned_steps(cache: Path, target: str) -> list[str]:
    """The commands ``make`` would run for ``target``, every step included (``-B``)."""
    planned = subprocess.run(
        ["make", "-n", "-B", target, f"NOREC_CACHE={cache}"],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in planned.splitlines() if "-m kundepuls.text." in line or "pip" in line]


def test_the_make_target_runs_each_step_after_the_steps_it_reads(tmp_path: Path) -> None:
    steps = planned_steps(tmp_path, "norec-model")

    def at(*needles: str) -> int:
        return next(i for i, s in enumerate(steps) if all(n in s for n in needles))

    sets = ["transfer_s0", "transfer_s1", "transfer_source_s3", "transfer_dev_s2"]
    teacher = at("train_teacher", "--epochs")
    for name in sets:
        scored = at("train_teacher", f"--transfer {tmp_path}/{name}.txt")
        made = at("train_conv augment", "--seed " + name[-1])
        assert teacher < scored
        assert made < scored
        assert scored < at("fit", "--with-dev")
        if name != "transfer_dev_s2":
            assert scored < at("fit", "reader.npz")
    assert at("text.train_norec --cache") == len(steps) - 1
    assert at("train_vectors --sentences") < at("text.train_norec --cache")
    assert "--encoder gru" in steps[at("fit", "reader.npz")]


@pytest.mark.parametrize("step", ["teacher_train.npy", "reader_refit.npz", "sentences.done"])
def test_each_step_that_needs_pytorch_asked_for_alone_installs_it_first(
    tmp_path: Path, step: str
) -> None:
    steps = planned_steps(tmp_path, f"{tmp_path}/{step}")
    torch = next(i for i, s in enumerate(steps) if "pip install" in s and "[train]" in s)
    needs = ("train_teacher", "train_conv fit", "train_vectors")
    assert torch < next(i for i, s in enumerate(steps) if any(n in s for n in needs))
