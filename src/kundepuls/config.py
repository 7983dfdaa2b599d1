"""One settings class for the whole application, read from KUNDEPULS_* variables."""

import re
import secrets
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kundepuls.kit.errors import KundepulsError


class Settings(BaseSettings):
    """Every setting of kundepuls; each field is read from ``KUNDEPULS_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="KUNDEPULS_", extra="ignore")

    database_url: str = "sqlite:///./kundepuls.db"
    timezone: str = "Europe/Oslo"
    min_sample: int = 30
    kpi_file: Path | None = None
    # Signs sessions and CSRF tokens; set it in production so logins survive a restart.
    secret_key: str = Field(default_factory=lambda: secrets.token_urlsafe(32))
    base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "kundepuls@localhost"
    broker_url: str | None = None
    # One contact rule across every survey and channel: ask a customer at most once per
    # this many days, and send nothing in the quiet hours (local time, "HH-HH").
    survey_fatigue_days: int = Field(default=30, ge=1)
    survey_quiet_hours: str = "21-08"
    # The KPIs of the PDF report, comma-separated (empty: the default ten).
    report_kpis: str = ""
    # Files uploaded on the data page: the largest accepted, and where they wait while
    # they are imported (the system's temp dir unless set); both are cleaned up after.
    upload_max_mb: int = Field(default=200, ge=1)
    upload_dir: Path | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (e.g. Europe/Oslo)") from None
        return value

    @field_validator("survey_quiet_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        if not re.fullmatch(r"([01]?\d|2[0-3])-([01]?\d|2[0-3])", value.strip()):
            raise ValueError(f"{value!r} is not a span of hours such as 21-08")
        return value.strip()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env."""
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"KUNDEPULS_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
        )
        raise KundepulsError(f"invalid setting: {problems}") from None
