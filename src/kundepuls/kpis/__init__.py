"""KPIs: declarations, the engine, and the Python API for notebooks."""
