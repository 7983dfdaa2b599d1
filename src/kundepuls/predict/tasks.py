"""Background job of the prediction domain: refresh every customer's predictions nightly."""

from kundepuls.config import get_settings
from kundepuls.db import engine_for, session_scope
from kundepuls.predict.refresh import refresh_all


def refresh_predictions(database_url: str | None = None) -> str:
    """Refit RFM, CLV and churn risk on the store's data; safe to run twice.

    Each run overwrites every customer's row and records its fits, so a second run on the
    same data stores the same numbers. Opens and commits its own session, as jobs do.
    """
    settings = get_settings()
    with session_scope(engine_for(database_url or settings.database_url)) as session:
        return str(refresh_all(session, tz=settings.tz))
