"""The insights pages show what kundepuls.insights.service returns, in the reader's language,
on the demo store (SQLite and PostgreSQL); bad URL parameters are a message on the page."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kundepuls.app import create_app
from kundepuls.db import make_engine, session_scope
from kundepuls.insights import service
from kundepuls.kit.i18n import Formats
from tests.insights.conftest import Demo
from tests.pages_support import chart_json, norm, sign_in_as, text_of


@pytest.fixture
def client(demo: Demo) -> Iterator[TestClient]:
    with TestClient(create_app(demo.settings)) as client:
        yield client


def _service(demo: Demo, call: str, **kwargs: object) -> object:
    engine = make_engine(demo.url)
    with session_scope(engine) as session:
        found = getattr(service, call)(session, demo.settings, **kwargs)
    engine.dispose()
    return found


def test_findings_are_the_services_with_their_evidence_and_kpi_links(
    client: TestClient, demo: Demo
) -> None:
    sign_in_as(client, demo.url, "viewer")
    answer = client.get("/insights")
    assert answer.status_code == 200
    page = text_of(answer.text)
    rows = _service(demo, "insights", lang="nb")
    assert isinstance(rows, list)
    findings = [r for r in rows if r["kind"] != "priority"]
    assert findings, "the demo store has planted findings"
    for row in rows:
        assert norm(row["text"]) in page
    weekend = next(
        r for r in findings if r["dim"] == "weekend" and r["kpi"] == "first_response_hours"
    )
    region = next(r for r in findings if r["dim"] == "region")
    assert region["value"] == demo.planted.falling_region
    assert region["size"] < 0
    assert "/kpis/nps?grain=week&amp;where=region%3DVestfold" in answer.text
    assert (
        f"/kpis/first_response_hours?grain=week&amp;where=weekend%3D{weekend['value']}"
        in answer.text
    )
    f = Formats("nb")
    assert f.number(region["n"]) in page
    assert f"q-verdi {f.number(region['q_value'], 3)}" in page
    assert "Fiks dette først" in page
    since = region["since"]
    assert f"/insights/change?kpi=nps&amp;by=region&amp;from={since}" in answer.text
    explained = client.get(f"/insights/change?kpi=nps&by=region&from={since}")
    assert explained.status_code == 200
    assert "Vestfold" in text_of(explained.text)
    assert 'method="post"' not in answer.text.split("<main", 1)[1].split("</main>")[0]


def test_the_drivers_page_draws_the_services_drivers_with_intervals(
    client: TestClient, demo: Demo
) -> None:
    sign_in_as(client, demo.url, "viewer")
    answer = client.get("/insights/drivers?outcome=nps")
    assert answer.status_code == 200
    report = _service(demo, "key_drivers", outcome="nps", lang="nb")
    assert isinstance(report, dict)
    chart = chart_json(answer.text)
    drivers = report["drivers"]
    assert chart["labels"] == [d["label"] for d in drivers]
    assert chart["importance"] == pytest.approx([100 * d["importance"] for d in drivers])
    assert chart["low"] == pytest.approx([100 * d["ci_low"] for d in drivers])
    assert chart["high"] == pytest.approx([100 * d["ci_high"] for d in drivers])
    shown = [p["label"] for p in chart["priorities"]]
    assert shown == [d["label"] for d in report["priorities"] if d["performance"] is not None]
    page = text_of(answer.text)
    f = Formats("nb")
    top = drivers[0]
    assert f"{top['label']} {f.number(100 * top['importance'], 1)}" in page
    assert "/vendor/plotly.min.js" in answer.text
    assert 'id="drivers-table"' in answer.text
    assert 'id="priorities-table"' in answer.text
    assert "Fiks dette først" in page


def test_what_drove_a_change_is_the_services_split_into_mix_and_rate(
    client: TestClient, demo: Demo
) -> None:
    sign_in_as(client, demo.url, "analyst", "en")
    span = {
        "from": "2026-09-01",
        "to": "2026-11-30",
        "vs_from": "2026-06-01",
        "vs_to": "2026-08-31",
    }
    answer = client.get("/insights/change", params={"kpi": "nps", "by": "region", **span})
    assert answer.status_code == 200
    change = _service(demo, "explain_change", kpi="nps", by="region", start=span["from"],
                      end=span["to"], vs_start=span["vs_from"], vs_end=span["vs_to"])  # fmt: skip
    assert isinstance(change, dict)
    chart = chart_json(answer.text)
    assert chart["segments"] == [s["segment"] for s in change["segments"]]
    assert chart["mix"] == pytest.approx([s["mix"] for s in change["segments"]])
    assert chart["rate"] == pytest.approx([s["rate"] for s in change["segments"]])
    assert sum(chart["contribution"]) == pytest.approx(change["total"])
    page = text_of(answer.text)
    f = Formats("en")
    assert f"a change of {f.signed(change['total'], 1)}" in page
    assert "What drove the change?" in page
    # The falling region's own rate pulls NPS down.
    vestfold = next(s for s in change["segments"] if s["segment"] == demo.planted.falling_region)
    assert vestfold["rate"] < 0


def test_the_heat_map_greys_low_sample_cells(client: TestClient, demo: Demo) -> None:
    sign_in_as(client, demo.url, "viewer")
    answer = client.get("/insights/heatmap")
    assert answer.status_code == 200
    cells = _service(demo, "heatmap", kpi="first_response_hours")
    assert isinstance(cells, list)
    chart = chart_json(answer.text)
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    for cell in cells:
        row, hour = days.index(cell["weekday"]), cell["hour"]
        assert chart["n"][row][hour] == cell["n"]
        if cell["low_sample"]:
            assert chart["value"][row][hour] is None
            assert chart["grey"][row][hour] == 1
        else:
            assert chart["value"][row][hour] == pytest.approx(cell["value"])
    assert any(c["low_sample"] for c in cells)
    assert any(not c["low_sample"] for c in cells)
    assert chart["lower_is_better"] is True
    assert "for få observasjoner" in answer.text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/insights?since=i-går", "«i-går» er ikke en dato"),
        ("/insights/drivers?outcome=fcr", "Velg NPS, CSAT eller CES"),
        ("/insights/change?kpi=nps&by=planet", "Ukjent dimensjon «planet»"),
        ("/insights/change?kpi=nope", "Ukjent nøkkeltall «nope»"),
        ("/insights/change?kpi=nps&from=2026-12-01&to=2026-01-01", "is after"),
        ("/insights/heatmap?kpi=first_response_hours&to=31.12.2026", "ikke en dato"),
    ],
)
def test_bad_parameters_are_a_clear_message_on_the_page(
    client: TestClient, demo: Demo, path: str, message: str
) -> None:
    sign_in_as(client, demo.url, "viewer")
    answer = client.get(path)
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text
    assert message in text_of(answer.text)


def test_the_findings_read_in_english_for_an_english_reader(client: TestClient, demo: Demo) -> None:
    sign_in_as(client, demo.url, "viewer", "en")
    answer = client.get("/insights")
    page = text_of(answer.text)
    assert "Fix these first" in page
    assert "Findings, most important first" in page
    assert "at weekends" in page
    assert "Vestfold" in page
    assert '<html lang="en">' in answer.text
