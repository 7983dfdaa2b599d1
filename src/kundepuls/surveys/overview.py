"""Use cases of the survey admin pages: each survey's numbers and its response rate by month.

The response rate is the ``response_rate`` KPI's: answered of the sent invitations, over
the sent ones, with a Wilson interval (the KPI's own interval method).
"""

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from math import ceil
from typing import Any

from sqlalchemy.orm import Session

from kundepuls.stats.intervals import wilson
from kundepuls.surveys import repository
from kundepuls.surveys.definitions import SurveyDefinition
from kundepuls.surveys.models import Survey
from kundepuls.surveys.service import definition_of, list_surveys

LEAD_KINDS = ("nps", "csat", "ces")


@dataclass
class Rate:
    """Answered of ``sent`` invitations as a percentage with its 95 % interval."""

    sent: int
    answered: int

    def _interval(self) -> tuple[float | None, float | None, float | None]:
        if not self.sent:
            return None, None, None
        found = wilson(self.sent, self.answered)
        return float(found.value[0]), float(found.low[0]), float(found.high[0])

    @property
    def value(self) -> float | None:
        return self._interval()[0]

    @property
    def low(self) -> float | None:
        return self._interval()[1]

    @property
    def high(self) -> float | None:
        return self._interval()[2]


@dataclass
class SurveyRow:
    """One survey in its newest version, with its invitations and answers."""

    survey: Survey
    definition: SurveyDefinition
    invitations: int
    responses: int
    rate: Rate

    @property
    def kind(self) -> str:
        """nps, csat or ces when the survey leads with one; "custom" otherwise."""
        lead = self.definition.lead
        return lead.type if lead is not None and lead.type in LEAD_KINDS else "custom"

    @property
    def status(self) -> str:
        """active when a trigger sends it, manual when someone has to."""
        return "manual" if self.definition.trigger.kind == "manual" else "active"

    def title(self, lang: str) -> str:
        return self.definition.title_in(lang)


def _row(survey: Survey, totals: dict[str, dict[str, Any]]) -> SurveyRow:
    numbers = totals.get(survey.key, {})
    return SurveyRow(
        survey=survey,
        definition=definition_of(survey),
        invitations=int(numbers.get("invitations", 0)),
        responses=int(numbers.get("responses", 0)),
        rate=Rate(int(numbers.get("sent", 0)), int(numbers.get("answered_of_sent", 0))),
    )


def survey_rows(session: Session) -> list[SurveyRow]:
    """Every survey (newest version) with its numbers."""
    totals = repository.survey_totals(session)
    return [_row(survey, totals) for survey in list_surveys(session)]


def survey_row(session: Session, survey: Survey) -> SurveyRow:
    """One survey with its numbers."""
    return _row(survey, repository.survey_totals(session))


def monthly_rates(session: Session, key: str, tz: tzinfo) -> list[tuple[date, Rate]]:
    """The response rate of ``key``'s invitations by the month (local time) they were sent."""
    months: dict[date, Rate] = {}
    for sent_at, answered in repository.sent_invitations(session, key):
        local: datetime = sent_at.astimezone(tz)
        month = date(local.year, local.month, 1)
        rate = months.setdefault(month, Rate(0, 0))
        rate.sent += 1
        rate.answered += int(answered)
    return sorted(months.items())


@dataclass
class RateChart:
    """Coordinates of a small line chart of the monthly rate with its interval band.

    The chart is drawn in a 600 × 200 viewBox; ``top`` is the percentage at its top edge.
    """

    line: str
    band: str
    dots: list[tuple[float, float]]
    top: float
    ticks: list[tuple[float, str]]


def rate_chart(
    months: list[tuple[date, Rate]], width: float = 600, height: float = 200
) -> RateChart | None:
    """The line and band of the monthly rates (None with fewer than two months)."""
    shown = [(m, r) for m, r in months if r.value is not None]
    if len(shown) < 2:
        return None
    top = min(100.0, max(20.0, 20 * ceil(max(r.high or 0.0 for _, r in shown) / 20)))
    step = width / (len(shown) - 1)

    def y(value: float | None) -> float:
        return round(height - height * (value or 0.0) / top, 1)

    points = [(round(i * step, 1), y(r.value)) for i, (_, r) in enumerate(shown)]
    upper = [f"{round(i * step, 1)},{y(r.high)}" for i, (_, r) in enumerate(shown)]
    lower = [f"{round(i * step, 1)},{y(r.low)}" for i, (_, r) in reversed(list(enumerate(shown)))]
    ticks = [(y(top * k / 4), f"{top * k / 4:g}") for k in range(5)]
    return RateChart(
        line=" ".join(f"{x},{yy}" for x, yy in points),
        band=" ".join(upper + lower),
        dots=points,
        top=top,
        ticks=ticks,
    )
