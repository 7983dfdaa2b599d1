"""Background job of the reports domain: the weekly summary email.

It runs every hour and sends the week that is due (from Monday 07:00 in the configured
timezone, summer time included); the delivery rows make every later run of the same week
a no-op, and a worker that was down on Monday morning catches up on its next run.
"""

from datetime import datetime

from kundepuls.config import get_settings
from kundepuls.db import engine_for
from kundepuls.reports import weekly


def send_weekly_summaries(now: datetime | None = None) -> str:
    """Send the due week's summary to every user who wants it and has not got it."""
    settings = get_settings()
    week = weekly.due_week(settings, now)
    return str(weekly.send_weekly(engine_for(settings.database_url), settings, week, now))
