"""What the demo data set hides on purpose, for the product (and its tests) to find.

Dates are relative to the build's reference day ``today`` (the first day *without* data):
call :func:`planted_for` to get them as dates. Every figure is the generator's true
parameter; measured values scatter around it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_SEED = 42
DEFAULT_CUSTOMERS = 5_000
HISTORY_DAYS = 730  # two years of orders, tickets, complaints and responses

# The physical store; customers near it shop there more often.
STORE_REGION = "Oslo"

# One region's NPS falls over the last quarter: a new parcel carrier there delivers late.
FALLING_REGION = "Vestfold"
FALL_DAYS_BEFORE_END = 91
FALL_RAMP_DAYS = 14  # the fall builds up over two weeks, then stays
FALL_NPS_POINTS = 25.0  # approximate size of the fall, in NPS points
FALL_LATE_DELIVERY_SHARE = 0.3  # share of the region's parcels that arrive late (else 0.06)
LATE_DELIVERY_SHARE = 0.06

# One improvement with a real effect: weekend staffing in customer service.
IMPROVEMENT_NAME = "Helgebemanning i kundeservice"
IMPROVEMENT_KPI = "first_response_hours"
IMPROVEMENT_DAYS_BEFORE_END = 150
WEEKEND_FIRST_RESPONSE_FACTOR_BEFORE = 2.0  # weekend mean / weekday mean, before
WEEKEND_FIRST_RESPONSE_FACTOR_AFTER = 1.2  # and after the weekend staffing started

# First-contact resolution differs by team (true probabilities).
TEAM_FCR = {
    "Nettbutikk": 0.74,
    "Butikk": 0.84,
    "Retur og reklamasjon": 0.52,
    "Økonomi": 0.65,
}


@dataclass(frozen=True)
class Planted:
    """The planted facts of one build, as dates in Europe/Oslo."""

    start: date  # first day with data
    end: date  # first day without data (the reference day ``today``)
    falling_region: str
    fall_start: date
    improvement_name: str
    improvement_kpi: str
    improvement_start: date
    weekend_factor_before: float
    weekend_factor_after: float
    fall_nps_points: float
    team_fcr: dict[str, float]


def planted_for(today: date) -> Planted:
    """The planted facts of a demo built with reference day ``today``.

    >>> planted_for(date(2026, 12, 1)).improvement_start.isoformat()
    '2026-07-04'
    """
    return Planted(
        start=today - timedelta(days=HISTORY_DAYS),
        end=today,
        falling_region=FALLING_REGION,
        fall_start=today - timedelta(days=FALL_DAYS_BEFORE_END),
        improvement_name=IMPROVEMENT_NAME,
        improvement_kpi=IMPROVEMENT_KPI,
        improvement_start=today - timedelta(days=IMPROVEMENT_DAYS_BEFORE_END),
        weekend_factor_before=WEEKEND_FIRST_RESPONSE_FACTOR_BEFORE,
        weekend_factor_after=WEEKEND_FIRST_RESPONSE_FACTOR_AFTER,
        fall_nps_points=FALL_NPS_POINTS,
        team_fcr=dict(TEAM_FCR),
    )
