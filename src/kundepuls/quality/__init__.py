"""Data-quality warnings: gaps in collection, falling response rates, low samples,
duplicates, straight-lining, impossible times and missing fields."""
