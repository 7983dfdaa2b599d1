"""Custom KPIs, targets and comparisons, checked against pandas and the stats functions."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session
from statsmodels.stats.multitest import multipletests

from kundepuls import stats
from kundepuls.config import get_settings
from kundepuls.kit.errors import NotFoundError, UsageError
from kundepuls.kpis import service
from kundepuls.kpis.expressions import DefinitionError
from tests.kpis.factory import Data
from tests.kpis.reference import between, with_region

KPI_FILE = """
kpis:
  - key: delivery_csat
    label: {nb: CSAT levering, en: Delivery CSAT}
    table: responses
    type: share
    condition: csat >= 4
    unit: csat is not None
    filter: touchpoint == 'delivery'
  - key: orders_with_complaint_14d
    table: orders
    type: share
    condition: followed_by(complaints, 14)
    higher_is_better: false
  - key: web_ticket_hours
    table: tickets
    type: mean
    value: hours(created_at, first_response_at)
    filter: channel in ['chat', 'email']
targets:
  nps: 10
  csat:
    value: 50
    segments:
      - {where: {region: Nord}, value: 90}
"""


@pytest.fixture
def kpi_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kpis.yaml"
    path.write_text(KPI_FILE, encoding="utf-8")
    monkeypatch.setenv("KUNDEPULS_KPI_FILE", str(path))
    get_settings.cache_clear()
    return path


def test_custom_kpis_from_the_file_match_pandas(
    kpi_file: Path, session: Session, data: Data
) -> None:
    settings = get_settings()
    rows = service.show(session, settings, "delivery_csat", service.make_query())
    r = data.responses
    delivery = r[(r.touchpoint == "delivery") & r.csat.notna()]
    assert rows.n[0] == len(delivery)
    assert rows.value[0] == pytest.approx(100 * (delivery.csat >= 4).mean())

    rows = service.show(session, settings, "orders_with_complaint_14d", service.make_query())
    complaints = data.complaints
    hit = 0
    for order in data.orders.itertuples():
        mine = complaints[complaints.customer_id == order.customer_id].created_at
        hit += bool(((mine >= order.ordered_at) & (mine <= order.ordered_at + timedelta(14))).any())
    assert (rows.n[0], rows.value[0]) == (
        len(data.orders),
        pytest.approx(100 * hit / len(data.orders)),
    )

    rows = service.show(session, settings, "web_ticket_hours", service.make_query())
    t = data.tickets[data.tickets.channel.isin(["chat", "email"])].dropna(
        subset=["first_response_at"]
    )
    expected = (t.first_response_at - t.created_at).dt.total_seconds() / 3600
    assert (rows.n[0], rows.value[0]) == (len(t), pytest.approx(expected.mean()))
    listed = {k["key"]: k for k in service.list_kpis(session, settings)}
    assert listed["delivery_csat"]["label_nb"] == "CSAT levering"
    assert listed["nps"]["target"] == 10


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"key": "x", "table": "responses", "type": "share"}, "field 'condition': required"),
        ({"key": "x", "table": "respones", "type": "share"}, "field 'table'"),
        ({"key": "x", "table": "responses", "type": "avg"}, "field 'type'"),
        ({"key": "x", "table": "orders", "type": "mean", "valeu": "amount"}, "did you mean value"),
        ({"key": "x", "table": "orders", "type": "mean", "value": "amount +"}, "field 'value'"),
        ({"key": "x", "table": "orders", "type": "mean", "value": "__import__('os')"},
         "unknown function"),
    ],
)  # fmt: skip
def test_bad_custom_definitions_name_the_field(definition: dict[str, str], message: str) -> None:
    from kundepuls.kpis.custom import build

    with pytest.raises(DefinitionError, match=message):
        build(definition)


def test_a_custom_kpi_on_a_missing_column_is_refused(session: Session, data: Data) -> None:
    definition = {"key": "bad", "table": "responses", "type": "mean", "value": "csatt"}
    with pytest.raises(DefinitionError, match=r"field 'value': unknown column 'csatt'.*csat"):
        service.define_kpi(session, get_settings(), definition, None)
    good = {"key": "good", "table": "responses", "type": "mean", "value": "csat"}
    service.define_kpi(session, get_settings(), good, None)
    session.commit()
    rows = service.show(session, get_settings(), "good", service.make_query())
    assert rows.n[0] == data.responses.csat.notna().sum()


def test_targets_with_segments_and_status(kpi_file: Path, session: Session, data: Data) -> None:
    settings = get_settings()
    rows = service.show(session, settings, "csat", service.make_query(by=["region"]))
    nord = rows[rows.region == "Nord"].iloc[0]
    other = rows[rows.region == "Sør"].iloc[0]
    assert (nord.target, other.target) == (90.0, 50.0)
    expected = stats.target_status([nord.value], [nord.ci_low], [nord.ci_high], 90.0, True)
    assert nord.target_status == expected[0]
    service.set_target(session, settings, "nps", -5, ["region=Vest"])
    session.commit()
    rows = service.show(session, settings, "nps", service.make_query(by=["region"]))
    assert dict(zip(rows.region, rows.target, strict=True))["Vest"] == -5
    assert set(rows.target_status) <= {"on_track", "off_track", "uncertain", "no_data"}
    with pytest.raises(NotFoundError, match="did you mean nps"):
        service.set_target(session, settings, "npss", 1)


def test_period_over_period_matches_the_stats_functions(session: Session, data: Data) -> None:
    settings = get_settings()
    query = service.make_query(start="2026-03-01", end="2026-04-30")
    (row,) = service.compare(session, settings, "nps", query).itertuples()
    now = between(data.responses, "submitted_at", date(2026, 3, 1), date(2026, 4, 30))
    before = between(data.responses, "submitted_at", date(2025, 12, 30), date(2026, 2, 28))
    now, before = now.dropna(subset=["nps"]), before.dropna(subset=["nps"])
    expected = stats.compare_nps(
        [len(now)], [(now.nps >= 9).sum()], [(now.nps <= 6).sum()],
        [len(before)], [(before.nps >= 9).sum()], [(before.nps <= 6).sum()],
    )  # fmt: skip
    assert row.baseline == "2025-12-30..2026-02-28"
    assert (row.n, row.baseline_n) == (len(now), len(before))
    assert row.diff == pytest.approx(expected.diff[0])
    assert (row.diff_low, row.diff_high) == (
        pytest.approx(expected.low[0]),
        pytest.approx(expected.high[0]),
    )
    assert row.p_value == pytest.approx(expected.p_value[0])


def test_each_segment_against_the_rest_with_q_values(session: Session, data: Data) -> None:
    rows = service.compare(session, get_settings(), "aov", service.make_query(by=["region"]))
    orders = with_region(data.orders, data)
    orders["amount"] = orders.amount.astype(float)
    for row in rows.itertuples():
        mine = orders[orders.region == (row.region if row.region is not None else "(none)")]
        rest = orders.drop(mine.index)
        expected = stats.compare_means(
            [len(mine)], [mine.amount.mean()], [mine.amount.std()],
            [len(rest)], [rest.amount.mean()], [rest.amount.std()],
        )  # fmt: skip
        assert row.diff == pytest.approx(expected.diff[0])
        assert row.p_value == pytest.approx(expected.p_value[0])
        assert row.baseline_n == len(rest)
    q = multipletests(rows.p_value.to_numpy(), method="fdr_bh")[1]
    assert np.allclose(rows.q_value.to_numpy(), q)


def test_compare_refuses_what_it_cannot_do(session: Session, data: Data) -> None:
    settings = get_settings()
    with pytest.raises(UsageError, match="needs --from and --to"):
        service.compare(session, settings, "nps", service.make_query())
    with pytest.raises(UsageError, match="medians"):
        service.compare(
            session, settings, "first_response_hours_median", service.make_query(by=["team"])
        )
    with pytest.raises(UsageError, match="not a date"):
        service.make_query(start="2026-13-01")


def _at(day: int) -> datetime:
    return datetime(2026, 1, day, tzinfo=UTC)
