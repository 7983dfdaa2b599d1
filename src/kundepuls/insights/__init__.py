"""Insights: trends, anomalies and level shifts, what drove a change, and key drivers."""
