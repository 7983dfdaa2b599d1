"""The dashboard: the overview at ``/`` (KPI tiles with targets, intervals, changes and
sparklines; top findings), its live updates over server-sent events (``/live``), and the
settings page (``/settings``) that chooses the overview's KPIs and their targets."""
