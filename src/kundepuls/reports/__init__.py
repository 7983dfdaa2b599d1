"""Reports: the two-page PDF report of a period and the weekly summary email."""
