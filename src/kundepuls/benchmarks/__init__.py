"""Competitor and industry benchmarks per KPI and period, and our KPI compared with them."""
