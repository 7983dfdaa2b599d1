"""Benchmark: BG/NBD + Gamma-Gamma fits on CDNOW and on 200,000 simulated customers.

Prints fit times (median of repeats), peak traced memory during the fit, the parameters
against the published CDNOW values and against the simulation's true values, and the time
ratio to ``lifetimes`` 0.11.3 measured in the same run. ``lifetimes`` needs pandas < 3, so it
runs in its own virtualenv (``LIFETIMES_PYTHON``, default /tmp/lt/bin/python; create it with
``python3.11 -m venv /tmp/lt && /tmp/lt/bin/pip install lifetimes==0.11.3 'pandas<3'``);
without it the ratio is skipped with a message.

Run: ``PYTHONPATH=src python bench/clv.py [--customers 200000]``
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kundepuls.predict.bgnbd import BetaGeoFitter
from kundepuls.predict.gammagamma import GammaGammaFitter
from kundepuls.predict.simulate import simulate_bgnbd, simulate_spend

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT / "tests" / "data" / "cdnow_customers_summary.csv"
PAPER = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "v": 15.44}
LIFETIMES_PYTHON = os.environ.get("LIFETIMES_PYTHON", "/tmp/lt/bin/python")

LIFETIMES_SCRIPT = """
import json, statistics, sys, time, tracemalloc
import numpy as np
from lifetimes import BetaGeoFitter, GammaGammaFitter
data = np.load(sys.argv[1]); repeats = int(sys.argv[2])
f, r, t, m = data["frequency"], data["recency"], data["T"], data["monetary_value"]
keep = f > 0
def fit():
    bg = BetaGeoFitter().fit(f, r, t)
    gg = GammaGammaFitter().fit(f[keep], m[keep])
    return {**bg.params_, **gg.params_}
times = []
for i in range(repeats):
    if i == repeats - 1:
        tracemalloc.start()
    start = time.perf_counter(); params = fit(); times.append(time.perf_counter() - start)
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"seconds": statistics.median(times), "peak_mb": peak / 2**20,
                  "params": {k: float(v) for k, v in params.items()}}))
"""


def ours(data: pd.DataFrame, repeats: int) -> dict[str, Any]:
    """Fit both models ``repeats`` times; memory traced on the last run."""

    def fit() -> dict[str, float]:
        bg = BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
        gg = GammaGammaFitter().fit(data["frequency"], data["monetary_value"])
        return {**bg.params_, **gg.params_}

    return _timed(fit, repeats)


def _timed(fit: Callable[[], dict[str, float]], repeats: int) -> dict[str, Any]:
    times = []
    params: dict[str, float] = {}
    for i in range(repeats):
        if i == repeats - 1:
            tracemalloc.start()
        start = time.perf_counter()
        params = fit()
        times.append(time.perf_counter() - start)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"seconds": statistics.median(times), "peak_mb": peak / 2**20, "params": params}


def lifetimes(data: pd.DataFrame, repeats: int) -> dict[str, Any] | None:
    """The same fits with lifetimes in its own environment, or None when it is missing."""
    if not Path(LIFETIMES_PYTHON).exists():
        print(f"lifetimes: no interpreter at {LIFETIMES_PYTHON}; ratio skipped")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.npz"
        arrays = {c: data[c].to_numpy(np.float64) for c in data.columns}
        np.savez(path, **arrays)  # type: ignore[arg-type]
        done = subprocess.run(
            [LIFETIMES_PYTHON, "-c", LIFETIMES_SCRIPT, str(path), str(repeats)],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        print(f"lifetimes failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(name: str, mine: dict[str, Any], theirs: dict[str, Any] | None) -> None:
    line = f"{name}: kundepuls {mine['seconds']:.3f} s, peak {mine['peak_mb']:.1f} MB"
    if theirs is not None:
        ratio = theirs["seconds"] / mine["seconds"]
        line += (
            f"; lifetimes {theirs['seconds']:.3f} s, peak {theirs['peak_mb']:.1f} MB; "
            f"lifetimes/kundepuls time ratio {ratio:.2f}"
        )
    print(line)


def compare(title: str, got: dict[str, float], truth: dict[str, float]) -> None:
    cells = [f"{k} {got[k]:.4f} ({100 * (got[k] / v - 1):+.2f} %)" for k, v in truth.items()]
    print(f"  {title}: " + ", ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200_000)
    args = parser.parse_args()

    cdnow = pd.read_csv(CDNOW).rename(
        columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}
    )[["frequency", "recency", "T", "monetary_value"]]
    mine, theirs = ours(cdnow, 5), lifetimes(cdnow, 5)
    report(f"CDNOW ({len(cdnow)} customers, median of 5)", mine, theirs)
    compare("vs published", mine["params"], PAPER)
    if theirs is not None:
        compare("vs lifetimes", mine["params"], theirs["params"])

    truth = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    spend_truth = {"p": 6.25, "q": 3.74, "v": 15.44}
    rng = np.random.default_rng(42)
    sims = simulate_bgnbd(args.customers, **truth, T=rng.uniform(27, 39, args.customers), seed=7)
    sims["monetary_value"] = simulate_spend(sims["frequency"], **spend_truth, seed=8).fillna(0.0)
    mine, theirs = ours(sims, 3), lifetimes(sims, 3)
    report(f"simulated ({args.customers} customers, median of 3)", mine, theirs)
    compare("recovery vs true values", mine["params"], {**truth, **spend_truth})
    if theirs is not None:
        compare("vs lifetimes", mine["params"], theirs["params"])
    sys.stdout.flush()


if __name__ == "__main__":
    main()
