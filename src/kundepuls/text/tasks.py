"""Background job of the text domain: analyse comments that arrived since the last run."""

from kundepuls.config import get_settings
from kundepuls.db import engine_for, session_scope
from kundepuls.text.service import analyze_pending


def analyze_new_comments(database_url: str | None = None) -> int:
    """Analyse every stored comment without an analysis; safe to run twice (returns the count).

    Opens and commits its own session, as jobs do; the scheduler only has to call it.
    """
    url = database_url or get_settings().database_url
    with session_scope(engine_for(url)) as session:
        return analyze_pending(session)
