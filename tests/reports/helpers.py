"""Reading a report back as a reader would, and plain pandas references for its numbers."""

import shutil
import subprocess
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import sqlalchemy as sa
from scipy import stats as sps

from kundepuls.db import make_engine
from kundepuls.facts.models import Response, Ticket
from tests import support

TZ = "Europe/Oslo"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def pdf_text(data: bytes, folder: Path) -> str:
    """The text of a PDF, laid out (pdftotext); spaces and minus signs made plain."""
    path = folder / "report.pdf"
    path.write_bytes(data)
    found = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return plain(found)


def has_pdftotext() -> bool:
    return shutil.which("pdftotext") is not None


def document_text(html: str) -> tuple[str, int]:
    """The text WeasyPrint lays out for ``html`` and its page count (no poppler needed)."""
    import weasyprint

    from kundepuls.reports.render import offline_fetcher

    document = weasyprint.HTML(string=html, url_fetcher=offline_fetcher()).render()
    words = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if hasattr(box, "text") and box.text:
                words.append(box.text)
    return plain(" ".join(words)), len(document.pages)


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2212", "-")


def local_frame(url: str, model: type, column: str, start: date, end: date) -> pd.DataFrame:
    """Rows of a fact table whose ``column`` falls on local days ``start``..``end``."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            frame = pd.read_sql(sa.select(model.__table__), conn)  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    for name in frame.columns:
        if name.endswith("_at"):
            values = pd.to_datetime(frame[name], utc=True)
            frame[name] = values.dt.tz_convert(TZ)
    day = frame[column].dt.date
    return frame[(day >= start) & (day <= end)].reset_index(drop=True)


def nps_reference(url: str, start: date, end: date) -> tuple[float, float, float, int]:
    """NPS, its 95 % interval and n, computed by hand from the responses."""
    scores = local_frame(url, Response, "submitted_at", start, end)["nps"].dropna()
    n = len(scores)
    p, d = float((scores >= 9).mean()), float((scores <= 6).mean())
    half = sps.norm.ppf(0.975) * 100 * np.sqrt((p + d - (p - d) ** 2) / n)
    value = 100 * (p - d)
    return value, value - half, value + half, n


def csat_reference(url: str, start: date, end: date) -> float:
    scores = local_frame(url, Response, "submitted_at", start, end)["csat"].dropna()
    return 100 * float((scores >= 4).mean())


def weekend_reference(url: str, start: date, end: date) -> tuple[float, float, float]:
    """Weekend / weekday mean first-response hours with a delta-method interval."""
    tickets = local_frame(url, Ticket, "created_at", start, end).dropna(
        subset=["first_response_at"]
    )
    hours = (tickets["first_response_at"] - tickets["created_at"]).dt.total_seconds() / 3600
    weekend = tickets["created_at"].dt.day_of_week >= 5
    a, b = hours[weekend], hours[~weekend]
    ratio = a.mean() / b.mean()
    se = np.sqrt(
        a.var(ddof=1) / (len(a) * a.mean() ** 2) + b.var(ddof=1) / (len(b) * b.mean() ** 2)
    )
    z = sps.norm.ppf(0.975)
    return float(ratio), float(ratio * np.exp(-z * se)), float(ratio * np.exp(z * se))


def nb(value: float, digits: int) -> str:
    """``value`` as Bokmål writes it: decimal comma, space between thousands, minus sign."""
    text = f"{abs(value):,.{digits}f}".replace(",", " ").replace(".", ",")
    return ("-" if round(value, digits) < 0 else "") + text


def en(value: float, digits: int) -> str:
    text = f"{abs(value):,.{digits}f}"
    return ("-" if round(value, digits) < 0 else "") + text


def served(database_url: str) -> AbstractContextManager[httpx.Client]:
    """The app on a real uvicorn server on loopback, and a client for it."""
    return support.served(database_url, secret_key="test-secret")
