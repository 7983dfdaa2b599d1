"""Imports every domain's ORM models so that ``Base.metadata`` knows all tables.

Alembic's env and the tests import this module; add one line per domain with tables.
"""

from kundepuls.db import Base
from kundepuls.facts import models as facts_models
from kundepuls.kpis import models as kpis_models

__all__ = ["Base", "facts_models", "kpis_models"]
