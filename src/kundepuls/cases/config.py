"""Settings of the closed loop: detractor thresholds, SLA hours, assignment rules, webhook.

Read from ``KUNDEPULS_CASES_*`` variables and, where ``KUNDEPULS_CASES_FILE`` names one,
a YAML file with the same keys (the variables win). Assignment rules go in the file::

    rules:
      - {team: Butikk, assignee: kari}
      - {region: Vestfold, kind: detractor, assignee: ola}
    default_assignee: kundeservice
"""

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from kundepuls.kit.errors import KundepulsError


class Rule(BaseModel):
    """Cases matching every given field go to ``assignee``; the first matching rule wins."""

    assignee: str
    team: str | None = None
    region: str | None = None
    kind: str | None = None

    def matches(self, kind: str, team: str | None, region: str | None) -> bool:
        wanted = {"kind": kind, "team": team, "region": region}
        return all(
            getattr(self, k) is None or (v or "").lower() == str(getattr(self, k)).lower()
            for k, v in wanted.items()
        )


class CaseSettings(BaseSettings):
    """How cases are opened, assigned, timed and announced."""

    model_config = SettingsConfigDict(env_prefix="KUNDEPULS_CASES_", extra="ignore")

    file: Path | None = None
    nps_detractor_max: int = 6  # NPS 0..6 opens a case
    csat_detractor_max: int = 2  # CSAT 1..2 opens a case
    detractor_sla_hours: float = 48.0
    complaint_sla_hours: float = 24.0
    lookback_days: int = 30  # older answers and complaints do not open cases
    default_assignee: str | None = None
    rules: list[Rule] = []
    webhook_url: str | None = None
    webhook_secret: str | None = None

    def assignee(self, kind: str, team: str | None, region: str | None) -> str | None:
        rule = next((r for r in self.rules if r.matches(kind, team, region)), None)
        return rule.assignee if rule else self.default_assignee

    def sla_hours(self, kind: str) -> float:
        return self.complaint_sla_hours if kind == "complaint" else self.detractor_sla_hours


def load_case_settings(**overrides: Any) -> CaseSettings:
    """The environment's case settings, merged over the YAML file it names."""
    try:
        env = CaseSettings(**overrides)
        if env.file is None:
            return env
        try:
            data = yaml.safe_load(env.file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise KundepulsError(f"KUNDEPULS_CASES_FILE: cannot read {env.file}: {error}") from None
        set_in_env = env.model_dump(exclude_unset=True)
        return CaseSettings(**{**data, **set_in_env})
    except ValidationError as error:
        problem = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise KundepulsError(f"case settings: {problem}") from None
