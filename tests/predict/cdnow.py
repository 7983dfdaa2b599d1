"""The CDNOW sample of Fader, Hardie & Lee (2005), as shipped in tests/data (see NOTICE.md)."""

from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"


def cdnow_summary() -> pd.DataFrame:
    """2,357 customers: frequency, recency, T (weeks), mean repeat spend; 39-week calibration."""
    frame = pd.read_csv(DATA / "cdnow_customers_summary.csv")
    return frame.rename(
        columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}
    ).set_index("ID")


def cdnow_transactions() -> pd.DataFrame:
    """The sample's transactions: customer_id, date, cds, amount (USD)."""
    frame = pd.read_csv(
        DATA / "cdnow_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"date": str},
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame
