"""Report periods: the forms a user writes, and clear errors for the rest."""

import doctest
import re
from collections.abc import Callable
from datetime import date

import pytest

from kundepuls.kit.errors import UsageError
from kundepuls.reports import periods
from kundepuls.reports.periods import parse_period
from tests.conftest import CliRun


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "previous"),
    [
        ("2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30), "2026-Q2"),
        ("2026-q1", "quarter", date(2026, 1, 1), date(2026, 3, 31), "2025-Q4"),
        ("2026-09", "month", date(2026, 9, 1), date(2026, 9, 30), "2026-08"),
        ("2024-2", "month", date(2024, 2, 1), date(2024, 2, 29), "2024-01"),
        ("2026", "year", date(2026, 1, 1), date(2026, 12, 31), "2025"),
        ("2026-W36", "week", date(2026, 8, 31), date(2026, 9, 6), "2026-W35"),
        ("2027-W01", "week", date(2027, 1, 4), date(2027, 1, 10), "2026-W53"),
        (" 2026-01 ", "month", date(2026, 1, 1), date(2026, 1, 31), "2025-12"),
    ],
)
def test_periods_parse(text: str, kind: str, start: date, end: date, previous: str) -> None:
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.previous().label == previous


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-Q5", "the quarter must be 1–4"),
        ("2026-Q0", "the quarter must be 1–4"),
        ("2026-13", "the month must be 01–12"),
        ("2026-00", "the month must be 01–12"),
        ("2025-W53", "2025 has ISO weeks 1–52"),
        ("2026-W00", "2026 has ISO weeks 1–53"),
        ("Q3-2026", "not a period; write 2026 (year), 2026-Q3 (quarter)"),
        ("", "not a period"),
        ("0999", "the year must lie between 1900 and 9998"),
        ("2026-09-01", "not a period"),
    ],
)
def test_bad_periods_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(UsageError, match=re.escape(reason)) as caught:
        parse_period(text)
    assert f"period {text.strip()!r}" in str(caught.value)


def test_trend_spans_cover_twelve_points() -> None:
    quarter = parse_period("2026-Q3")
    assert (quarter.trend_grain, quarter.trend_start) == ("month", date(2025, 10, 1))
    week = parse_period("2026-W36")
    assert (week.trend_grain, week.trend_start) == ("week", date(2026, 6, 15))


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(periods, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_the_command_rejects_a_bad_period_without_a_traceback(
    kundepuls_cli: Callable[..., CliRun],
) -> None:
    result = kundepuls_cli("report", "pdf", "--period", "2026-Q5", "--out", "never.pdf")
    assert result.returncode == 2
    assert "period '2026-Q5': the quarter must be 1–4" in result.stderr
    assert "Traceback" not in result.stderr
