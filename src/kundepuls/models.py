"""Imports every domain's ORM models so that ``Base.metadata`` knows all tables.

Alembic's env and the tests import this module; add one line per domain with tables.
"""

from kundepuls.accounts import models as accounts_models
from kundepuls.actions import models as actions_models
from kundepuls.alerts import models as alerts_models
from kundepuls.benchmarks import models as benchmarks_models
from kundepuls.cases import models as cases_models
from kundepuls.dashboard import models as dashboard_models
from kundepuls.db import Base
from kundepuls.facts import models as facts_models
from kundepuls.kpis import models as kpis_models
from kundepuls.predict import models as predict_models
from kundepuls.reports import models as reports_models
from kundepuls.surveys import models as surveys_models
from kundepuls.text import models as text_models

__all__ = [
    "Base",
    "accounts_models",
    "actions_models",
    "alerts_models",
    "benchmarks_models",
    "cases_models",
    "dashboard_models",
    "facts_models",
    "kpis_models",
    "predict_models",
    "reports_models",
    "surveys_models",
    "text_models",
]
