"""Grains, timezones, breakdowns, filters and bad input, on every backend."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from ibis.backends import BaseBackend
from sqlalchemy.orm import Session

from kundepuls import stats
from kundepuls.kit.errors import UsageError
from kundepuls.kpis import backends
from kundepuls.kpis.catalog import KPIS
from kundepuls.kpis.engine import evaluate
from kundepuls.kpis.frames import Query
from kundepuls.predict.models import CustomerPrediction
from kundepuls.surveys.models import Invitation
from tests.kpis.conftest import TZ
from tests.kpis.factory import insert


def _responses(*rows: tuple[datetime, int]) -> list[dict[str, object]]:
    return [
        {"response_id": f"r{i}", "submitted_at": at, "nps": score}
        for i, (at, score) in enumerate(rows)
    ]


def test_sunday_2330_utc_in_summer_is_monday_in_oslo(
    backend: BaseBackend, session: Session
) -> None:
    sunday_late = datetime(2026, 6, 7, 23, 30, tzinfo=UTC)  # Monday 01:30 in Oslo
    insert(session, responses=_responses((sunday_late, 10)))
    (row,) = evaluate(
        backend, KPIS["nps"], Query(by=("weekday", "hour", "weekend")), TZ
    ).itertuples()
    assert (row.weekday, row.hour, row.weekend) == ("Monday", 1, False)
    (day,) = evaluate(backend, KPIS["nps"], Query(grain="day"), TZ).itertuples()
    assert day.period_start == "2026-06-08"
    assert evaluate(backend, KPIS["nps"], Query(start=date(2026, 6, 8)), TZ).n[0] == 1
    assert evaluate(backend, KPIS["nps"], Query(end=date(2026, 6, 7)), TZ).n[0] == 0


def test_iso_weeks_at_year_end_and_empty_periods(backend: BaseBackend, session: Session) -> None:
    times = [
        datetime(2026, 12, 28, 9, tzinfo=UTC),  # Monday, ISO week 53 of 2026
        datetime(2027, 1, 1, 9, tzinfo=UTC),  # Friday, still week 53
        datetime(2027, 1, 3, 22, 59, tzinfo=UTC),  # Sunday 23:59 in Oslo
        datetime(2027, 1, 3, 23, 0, tzinfo=UTC),  # Monday 00:00 in Oslo: week 1
        datetime(2027, 1, 20, 9, tzinfo=UTC),
    ]
    insert(session, responses=_responses(*((t, 9) for t in times)))
    rows = evaluate(backend, KPIS["nps"], Query(grain="week"), TZ)
    counts = dict(zip(rows.period_start, rows.n, strict=True))
    assert counts == {"2026-12-28": 3, "2027-01-04": 1, "2027-01-11": 0, "2027-01-18": 1}
    empty = rows[rows.n == 0].iloc[0]
    assert pd.isna(empty.value)
    assert pd.isna(empty.ci_low)
    assert bool(empty.low_sample)
    quarters = evaluate(backend, KPIS["nps"], Query(grain="quarter"), TZ)
    assert list(quarters.period_start) == ["2026-10-01", "2027-01-01"]
    assert list(quarters.n) == [1, 4]


def test_months_follow_local_midnight(backend: BaseBackend, session: Session) -> None:
    # 22:30 UTC on 31 January is 23:30 in Oslo (January); on 31 March 00:30 on 1 April.
    insert(
        session,
        responses=_responses(
            (datetime(2026, 1, 31, 22, 30, tzinfo=UTC), 10),
            (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), 0),
        ),
    )
    rows = evaluate(backend, KPIS["nps"], Query(grain="month"), TZ)
    assert dict(zip(rows.period_start, rows.n, strict=True)) == {
        "2026-01-01": 1,
        "2026-02-01": 0,
        "2026-03-01": 0,
        "2026-04-01": 1,
    }


def _orders(*rows: tuple[str, datetime]) -> list[dict[str, object]]:
    return [
        {"order_id": f"o{i}", "customer_id": c, "ordered_at": at, "amount": Decimal("100.00")}
        for i, (c, at) in enumerate(rows)
    ]


def test_churn_uses_the_previous_calendar_period(backend: BaseBackend, session: Session) -> None:
    insert(session, customers=[{"customer_id": c, "region": "Nord"} for c in "abcd"])
    jan, feb, mar = (datetime(2026, m, 10, tzinfo=UTC) for m in (1, 2, 3))
    insert(
        session,
        orders=_orders(("a", jan), ("b", jan), ("c", jan), ("a", feb), ("d", feb), ("d", mar)),
    )
    rows = evaluate(backend, KPIS["churn_rate"], Query(grain="month"), TZ)
    by_month = {r.period_start: (r.n, r.value) for r in rows.itertuples()}
    assert by_month["2026-01-01"][0] == 0  # nobody ordered in December
    assert by_month["2026-02-01"][0] == 3
    assert by_month["2026-02-01"][1] == pytest.approx(200 / 3)  # b and c did not return
    assert by_month["2026-03-01"] == (2, 50.0)  # a gone, d stayed
    retained = evaluate(backend, KPIS["retention_rate"], Query(grain="month"), TZ)
    assert retained.value.iloc[2] == 50.0
    # Without a grain: the span of the same length before --from.
    span = Query(start=date(2026, 2, 1), end=date(2026, 2, 28))
    (row,) = evaluate(backend, KPIS["churn_rate"], span, TZ).itertuples()
    assert (row.n, row.value) == (3, pytest.approx(200 / 3))
    ci = stats.wilson([3], [2], scale=100)
    assert (row.ci_low, row.ci_high) == (pytest.approx(ci.low[0]), pytest.approx(ci.high[0]))


def test_clv_counts_everything_up_to_each_period_end(
    backend: BaseBackend, session: Session
) -> None:
    insert(session, customers=[{"customer_id": c} for c in "ab"])
    insert(
        session,
        orders=_orders(
            ("a", datetime(2026, 1, 5, tzinfo=UTC)),
            ("a", datetime(2026, 2, 5, tzinfo=UTC)),
            ("b", datetime(2026, 2, 6, tzinfo=UTC)),
        ),
    )
    rows = evaluate(backend, KPIS["clv_historical"], Query(grain="month"), TZ)
    assert list(rows.n) == [1, 2]
    assert list(rows.value) == [100.0, 150.0]


def test_attributes_of_rows_and_customers_are_dimensions(
    backend: BaseBackend, session: Session
) -> None:
    insert(
        session,
        customers=[
            {"customer_id": "a", "attributes": {"tier": "gold", "stores": 3}},
            {"customer_id": "b", "attributes": {"tier": "basic"}},
        ],
    )
    at = datetime(2026, 3, 3, 12, tzinfo=UTC)
    insert(
        session,
        responses=[
            {"response_id": "1", "submitted_at": at, "customer_id": "a", "nps": 10,
             "attributes": {"store": "Bodø"}},
            {"response_id": "2", "submitted_at": at, "customer_id": "b", "nps": 0,
             "attributes": {"store": "Bodø"}},
            {"response_id": "3", "submitted_at": at, "customer_id": "a", "nps": 9},
        ],
    )  # fmt: skip
    rows = evaluate(backend, KPIS["nps"], Query(by=("store", "tier")), TZ)
    got = {(r.store, r.tier): (r.n, r.value) for r in rows.itertuples()}
    assert got == {("Bodø", "basic"): (1, -100.0), ("Bodø", "gold"): (1, 100.0),
                   (None, "gold"): (1, 100.0)}  # fmt: skip
    numbers = evaluate(backend, KPIS["nps"], Query(by=("stores",)), TZ)
    assert set(numbers.stores.dropna()) == {"3"}
    only = evaluate(backend, KPIS["nps"], Query(where=(("tier", "gold"),)), TZ)
    assert only.n[0] == 2


def test_bad_input_is_a_usage_error_with_suggestions(
    backend: BaseBackend, session: Session
) -> None:
    insert(session, responses=_responses((datetime(2026, 3, 3, tzinfo=UTC), 9)))
    with pytest.raises(UsageError, match="did you mean region"):
        evaluate(backend, KPIS["nps"], Query(by=("regoin",)), TZ)
    with pytest.raises(UsageError, match="after --to"):
        evaluate(backend, KPIS["nps"], Query(start=date(2026, 3, 1), end=date(2026, 2, 1)), TZ)
    with pytest.raises(UsageError, match="unsupported grain 'fortnight'"):
        evaluate(backend, KPIS["nps"], Query(grain="fortnight"), TZ)
    with pytest.raises(UsageError, match="weekday"):
        evaluate(backend, KPIS["nps"], Query(where=(("weekday", "Caturday"),)), TZ)


def test_response_rate_reads_the_invitations_kundepuls_sent(
    backend: BaseBackend, session: Session
) -> None:
    (row,) = evaluate(backend, KPIS["response_rate"], Query(), TZ).itertuples()
    assert (row.n, pd.isna(row.value)) == (0, True)
    sent = datetime(2026, 3, 1, 10, tzinfo=UTC)
    for i in range(40):
        session.add(
            Invitation(
                invitation_id=f"i{i}", survey="s", survey_version=1, touchpoint="web",
                channel="email" if i % 2 else "sms", sent_at=sent,
                answered_at=sent + timedelta(hours=1) if i % 4 == 0 else None,
            )
        )  # fmt: skip
    session.add(Invitation(invitation_id="queued", survey="s", survey_version=1, channel="sms"))
    session.commit()
    rows = evaluate(backend, KPIS["response_rate"], Query(by=("channel",)), TZ)
    got = {r.channel: (r.n, r.value) for r in rows.itertuples()}
    assert got == {"email": (20, 0.0), "sms": (20, 50.0)}


def test_rfm_segments_of_the_predictions_are_a_customer_dimension(
    backend: BaseBackend, session: Session
) -> None:
    at = datetime(2026, 3, 3, 12, tzinfo=UTC)
    insert(session, customers=[{"customer_id": c} for c in "abc"])
    insert(
        session,
        responses=[
            {"response_id": str(i), "submitted_at": at, "customer_id": c, "nps": score}
            for i, (c, score) in enumerate([("a", 10), ("a", 9), ("b", 0), ("c", 8)])
        ],
    )
    with pytest.raises(UsageError, match="kundepuls predict rfm"):
        evaluate(backend, KPIS["nps"], Query(by=("rfm_segment",)), TZ)
    for customer, segment in (("a", "champions"), ("b", "at_risk")):
        session.add(
            CustomerPrediction(
                customer_id=customer, frequency=1, recency_days=1, age_days=9,
                monetary_value=1, total_spend=1, r_score=5, f_score=5, m_score=5,
                rfm_segment=segment, model_version="t", fitted_at=at,
            )
        )  # fmt: skip
    session.commit()
    backends.forget()  # the engine remembers table lists for a few seconds
    rows = evaluate(backend, KPIS["nps"], Query(by=("rfm_segment",)), TZ)
    got = {r.rfm_segment: (r.n, r.value) for r in rows.itertuples()}
    assert got == {"champions": (2, 100.0), "at_risk": (1, -100.0), None: (1, 0.0)}


def test_every_kpi_of_an_empty_store_is_a_row_with_n_zero(backend: BaseBackend) -> None:
    """Not an error: on PostgreSQL the min of an empty NOT NULL column is NULL too."""
    for key, kpi in KPIS.items():
        rows = evaluate(backend, kpi, Query(grain="week"), TZ)
        assert len(rows) == 1, key
        assert rows.n.iloc[0] == 0, key
        assert pd.isna(rows.value.iloc[0]), key
