"""Fitting the purchase models on a summary file (as the CDNOW check does), without a store."""

from pathlib import Path
from typing import Any

import pandas as pd

from kundepuls.kit.errors import KundepulsError
from kundepuls.predict.bgnbd import BetaGeoFitter
from kundepuls.predict.gammagamma import GammaGammaFitter

# Accepted spellings of the columns; the CDNOW file uses the paper's symbols.
ALIASES = {"x": "frequency", "t_x": "recency", "zbar": "monetary_value", "t": "T"}


def fit_summary_file(path: Path, penalizer: float = 0.0) -> list[dict[str, Any]]:
    """Fit BG/NBD (and Gamma-Gamma when the file has monetary_value); one row per parameter."""
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as error:
        raise KundepulsError(f"cannot read {path}: {error}") from None
    frame = frame.rename(columns=lambda c: ALIASES.get(c, c))
    missing = {"frequency", "recency", "T"} - set(frame.columns)
    if missing:
        raise KundepulsError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    bg = BetaGeoFitter(penalizer).fit(frame["frequency"], frame["recency"], frame["T"])
    rows = [{"model": "bgnbd", "parameter": k, "value": v} for k, v in bg.params_.items()]
    if "monetary_value" in frame:
        gg = GammaGammaFitter(penalizer).fit(frame["frequency"], frame["monetary_value"])
        rows += [
            {"model": "gamma_gamma", "parameter": k, "value": v} for k, v in gg.params_.items()
        ]
    return rows
