"""The KPI pages over HTTP on SQLite and PostgreSQL: numbers, drill-down rows, exports, errors.

The pages' numbers are checked against ``kundepuls.kpis.show``/``compare`` for the same
parameters, the drill-down's row count against the KPI's n, and the downloads are read back
with pandas and openpyxl.
"""

import html
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kundepuls import kpis
from kundepuls.app import create_app
from kundepuls.config import Settings
from kundepuls.kpis import service
from tests.kpis import factory
from tests.support import sign_in

PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}


@pytest.fixture
def client(database_url: str, data: factory.Data) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        sign_in(client, database_url, "viewer")
        yield client


def _settings(url: str) -> Settings:
    return Settings(database_url=url)


def _attr(page: str, selector_id: str, name: str) -> str:
    found = re.search(rf'<section[^>]*aria-labelledby="{selector_id}"[^>]*>', page)
    assert found, f"no element {selector_id}"
    value = re.search(rf'{name}="([^"]*)"', found.group(0))
    assert value, f"no {name} on {selector_id}"
    return html.unescape(value.group(1))


def _json(page: str, element_id: str) -> dict[str, Any]:
    found = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S
    )
    assert found, f"no chart data {element_id}"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def _close(a: Any, b: Any) -> bool:
    if a is None or (isinstance(a, float) and np.isnan(a)):
        return b is None or (isinstance(b, float) and np.isnan(b))
    return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=1e-9))


CASES = [
    ("nps", "region", []),
    ("csat", "segment", ["channel=email"]),
    ("first_response_hours", "channel", ["team=A"]),
    ("aov", "product_line", ["region=Nord"]),
    ("complaint_rate", "channel", []),
]


@pytest.mark.parametrize(("key", "by", "where"), CASES)
def test_the_detail_page_shows_the_numbers_of_kpis_show(
    client: TestClient, database_url: str, key: str, by: str, where: list[str]
) -> None:
    params = {**PERIOD, "grain": "month", "by": by, "where": where}
    answer = client.get(f"/kpis/{key}", params=params)
    assert answer.status_code == 200, answer.text
    page = answer.text
    settings = _settings(database_url)
    start, end = PERIOD["from"], PERIOD["to"]
    whole = kpis.show(key, start=start, end=end, where=where, settings=settings).iloc[0]
    assert _close(float(_attr(page, "headline-heading", "data-value")), whole["value"])
    assert int(_attr(page, "headline-heading", "data-n")) == whole["n"]
    assert _close(float(_attr(page, "headline-heading", "data-ci-low")), whole["ci_low"])

    trend = _json(page, "trend-data")
    monthly = kpis.show(key, grain="month", start=start, end=end, where=where, settings=settings)
    assert trend["x"] == monthly["period_start"].tolist()
    assert trend["n"] == monthly["n"].tolist()
    assert all(_close(a, b) for a, b in zip(trend["y"], monthly["value"], strict=True))
    assert all(_close(a, b) for a, b in zip(trend["high"], monthly["ci_high"], strict=True))

    split = kpis.show(key, by=[by], start=start, end=end, where=where, settings=settings)
    shown = _json(page, "breakdown-data")
    assert sorted(shown["n"]) == sorted(split["n"].tolist())
    expected = {str(v) if v is not None else "(mangler)": r for v, r in
                zip(split[by], split.itertuples(), strict=True)}  # fmt: skip
    for label, value, n in zip(shown["labels"], shown["y"], shown["n"], strict=True):
        assert _close(value, expected[label].value)
        assert n == expected[label].n
    values = [v for v in shown["y"] if v is not None]
    kpi = next(k for k in kpis.list_kpis(settings).to_dict("records") if k["key"] == key)
    assert values == sorted(values, reverse=kpi["higher_is_better"])


def test_breakdown_q_values_match_compare_against_the_rest(
    client: TestClient, database_url: str
) -> None:
    answer = client.get("/kpis/nps", params={**PERIOD, "by": "region", "format": "csv",
                                             "table": "breakdown"})  # fmt: skip
    assert answer.status_code == 200
    frame = pd.read_csv(io.BytesIO(answer.content), sep=";", encoding="utf-8-sig")
    rest = kpis.compare("nps", by=["region"], start=PERIOD["from"], end=PERIOD["to"],
                        against="rest", settings=_settings(database_url))  # fmt: skip
    merged = frame.merge(rest, left_on=frame["Region"].fillna(""),
                         right_on=rest["region"].fillna(""))  # fmt: skip
    assert len(merged) == len(rest)
    np.testing.assert_allclose(merged["q (BH)"], merged["q_value"])
    np.testing.assert_allclose(merged["Mot resten"], merged["diff"])
    np.testing.assert_allclose(merged["Verdi"], merged["value"])


def test_comparisons_match_kpis_compare(client: TestClient, database_url: str) -> None:
    settings = _settings(database_url)
    params = {**PERIOD, "compare": "previous", "vs_from": "2026-01-01", "vs_to": "2026-02-28",
              "from": "2026-03-01", "to": "2026-04-30"}  # fmt: skip
    page = client.get("/kpis/csat", params=params).text
    expected = kpis.compare("csat", start="2026-03-01", end="2026-04-30",
                            previous=(datetime(2026, 1, 1).date(), datetime(2026, 2, 28).date()),
                            settings=settings).iloc[0]  # fmt: skip
    assert _close(float(_attr(page, "comparison-heading", "data-diff")), expected["diff"])
    assert _close(float(_attr(page, "comparison-heading", "data-p")), expected["p_value"])
    assert "p = " in page or "p < 0,001" in page

    segment = client.get("/kpis/nps", params={**PERIOD, "compare": "segment",
                                              "where": "region=Vest"}).text  # fmt: skip
    rest = kpis.compare("nps", by=["region"], start=PERIOD["from"], end=PERIOD["to"],
                        against="rest", settings=settings)  # fmt: skip
    vest = rest[rest["region"] == "Vest"].iloc[0]
    assert _close(float(_attr(segment, "comparison-heading", "data-diff")), vest["diff"])
    assert "Resten av Region" in segment


DRILLS = [
    ("nps", []),
    ("nps", ["region=Nord"]),
    ("csat", ["weekday=Saturday"]),
    ("ces", ["store=Bodø"]),
    ("first_response_hours", ["channel=chat", "tier=gold"]),
    ("resolution_hours_median", []),
    ("fcr", ["weekend=true"]),
    ("complaint_count", ["severity=high"]),
    ("complaint_resolution_hours", []),
    ("complaint_rate", ["hour=14"]),
    ("aov", ["segment=business"]),
]


@pytest.mark.parametrize(("key", "where"), DRILLS)
def test_the_drill_down_lists_exactly_the_rows_counted(
    client: TestClient, database_url: str, key: str, where: list[str]
) -> None:
    n = int(kpis.show(key, start=PERIOD["from"], end=PERIOD["to"], where=where,
                      settings=_settings(database_url)).iloc[0]["n"])  # fmt: skip
    page = client.get(f"/kpis/{key}/rows", params={**PERIOD, "where": where})
    assert page.status_code == 200, page.text
    assert int(re.search(r'data-total="(\d+)"', page.text).group(1)) == n  # type: ignore[union-attr]
    assert page.text.count("<tr data-id=") == min(n, 50)
    exported = client.get(f"/kpis/{key}/rows", params={**PERIOD, "where": where, "format": "csv"})
    assert exported.status_code == 200
    frame = pd.read_csv(io.BytesIO(exported.content), sep=";", encoding="utf-8-sig")
    assert len(frame) == n
    assert exported.headers["x-kundepuls-rows-total"] == str(n)
    assert frame.iloc[:, 1].is_unique


def test_rows_are_paged_sorted_and_exported_to_excel(
    client: TestClient, data: factory.Data
) -> None:
    first = client.get("/kpis/nps/rows", params={**PERIOD, "sort": "nps", "dir": "asc"}).text
    second = client.get("/kpis/nps/rows", params={**PERIOD, "sort": "nps", "dir": "asc",
                                                  "page": "2"}).text  # fmt: skip
    ids = re.findall(r'<tr data-id="([^"]+)"', first) + re.findall(r'<tr data-id="([^"]+)"', second)
    assert len(ids) == len(set(ids)) == 100
    scores = data.responses.set_index("response_id")["nps"]
    ordered = [scores[i] for i in ids]
    assert ordered == sorted(ordered)
    assert 'aria-sort="ascending"' in first
    answer = client.get("/kpis/nps/rows", params={**PERIOD, "sort": "nps", "dir": "asc",
                                                  "format": "xlsx"})  # fmt: skip
    assert answer.headers["content-disposition"].startswith('attachment; filename="nps-rows-')
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Besvart", "Svar-id"]
    assert all(c.font.bold for c in sheet[1])
    column = header.index("NPS-score") + 1
    values = [sheet.cell(row=r, column=column).value for r in range(2, sheet.max_row + 1)]
    assert values == sorted(values)
    assert all(isinstance(v, int) for v in values)
    assert isinstance(sheet.cell(row=2, column=1).value, datetime)


def test_comments_are_masked_and_formulas_neutralised(client: TestClient, session: Session) -> None:
    factory.insert(session, responses=[{
        "response_id": "evil", "submitted_at": datetime(2026, 3, 3, 12, tzinfo=UTC),
        "customer_id": "c1", "nps": 0,
        "comment": "=HYPERLINK(\"http://evil.example\") skriv til kari@example.no",
    }])  # fmt: skip
    page = client.get("/kpis/nps/rows", params={**PERIOD, "where": "nps=0"})
    assert page.status_code == 422  # nps is a score, not a dimension
    rows = client.get("/kpis/nps/rows", params={**PERIOD, "sort": "nps", "dir": "asc"}).text
    assert "kari@example.no" not in rows
    exported = client.get("/kpis/nps/rows", params={**PERIOD, "format": "csv", "sort": "nps",
                                                    "dir": "asc"})  # fmt: skip
    frame = pd.read_csv(io.BytesIO(exported.content), sep=";", encoding="utf-8-sig")
    comment = frame.loc[frame["Svar-id"] == "evil", "Kommentar"].iloc[0]
    assert comment.startswith("'=HYPERLINK(")
    assert "kari@example.no" not in comment
    assert "[e-post]" in comment


def test_the_list_shows_every_kpi_with_its_value(client: TestClient, database_url: str) -> None:
    answer = client.get("/kpis", params=PERIOD)
    assert answer.status_code == 200
    settings = _settings(database_url)
    keys = kpis.list_kpis(settings)["key"].tolist()
    for key in keys:
        assert f'data-kpi="{key}"' in answer.text
        assert f'href="/kpis/{key}?from=2026-01-01' in answer.text
    nps = kpis.show("nps", start=PERIOD["from"], end=PERIOD["to"], settings=settings).iloc[0]
    value = re.search(r'data-kpi="nps".*?data-value="([^"]+)"', answer.text, re.S)
    assert value
    assert _close(float(value.group(1)), nps["value"])
    book = client.get("/kpis", params={**PERIOD, "format": "xlsx"})
    frame = pd.read_excel(io.BytesIO(book.content))
    assert frame["Nøkkel"].tolist() == keys
    row = frame.set_index("Nøkkel").loc["nps"]
    assert _close(row["Verdi"], nps["value"])
    assert row["n"] == nps["n"]


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/kpis/nps", {"by": "regon"}, "unknown dimension &#39;regon&#39;; did you mean region?"),
        ("/kpis/nps", {"from": "2026-05-01", "to": "2026-04-01"}, "from 2026-05-01 is after to"),
        ("/kpis/nps", {"from": "1. mai"}, "from: &#39;1. mai&#39; is not a date"),
        ("/kpis/nps", {"grain": "hour"}, "grain &#39;hour&#39;: use one of day"),
        ("/kpis/nps", {"where": "region"}, "write it as DIM=VALUE"),
        ("/kpis/nps", {"compare": "segment"}, "filter on a segment first"),
        ("/kpis/nps", {"vs_from": "2026-01-01"}, "give both dates"),
        ("/kpis/nps/rows", {"page": "x"}, "page &#39;x&#39;: use a whole number"),
        ("/kpis/nps/rows", {"sort": "email"}, "sort &#39;email&#39;: sort by one of"),
        ("/kpis/nps/rows", {"where": "hour=25"}, "use a whole hour 0–23"),
        ("/kpis", {"to": "2026-13-01"}, "to: &#39;2026-13-01&#39; is not a date"),
    ],
)
def test_bad_parameters_get_a_clear_message_on_the_page(
    client: TestClient, path: str, params: dict[str, str], message: str
) -> None:
    answer = client.get(path, params=params)
    assert answer.status_code == 422
    assert "text/html" in answer.headers["content-type"]
    assert message in answer.text
    assert 'role="alert"' in answer.text
    assert "Traceback" not in answer.text


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/kpis/nps", {"by": "regon", "format": "csv", "table": "breakdown"}, 422, "regon"),
        ("/kpis/nps", {"format": "pdf"}, 422, "format 'pdf'"),
        ("/kpis/nps", {"format": "csv", "table": "pie"}, 422, "table 'pie'"),
        ("/kpis/nps/rows", {"format": "xlsx", "from": "2026-05-01", "to": "2026-01-01"}, 422,
         "after to"),
        ("/kpis/nope", {"format": "csv"}, 404, "unknown KPI 'nope'"),
    ],
)  # fmt: skip
def test_bad_export_parameters_are_4xx_with_a_detail(
    client: TestClient, path: str, params: dict[str, str], status: int, message: str
) -> None:
    answer = client.get(path, params=params)
    assert answer.status_code == status
    assert message in answer.json()["detail"]


def test_an_unknown_kpi_is_a_page_that_says_so(client: TestClient) -> None:
    answer = client.get("/kpis/nsp")
    assert answer.status_code == 404
    assert "unknown KPI &#39;nsp&#39;; did you mean nps?" in answer.text


def test_pages_need_a_sign_in(database_url: str) -> None:
    with TestClient(create_app(Settings(database_url=database_url))) as anonymous:
        answer = anonymous.get("/kpis/nps", follow_redirects=False)
    assert answer.status_code in (302, 303, 307)
    assert "/login" in answer.headers["location"]


def test_english_pages_use_english_texts_and_formats(client: TestClient) -> None:
    page = client.get("/account").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/account/language", data={"lang": "en", "next": "/kpis", "csrf_token": token})
    detail = client.get("/kpis/aov", params={**PERIOD, "by": "weekday"}).text
    assert "Break down by" in detail
    assert "Weekday × hour" in detail
    assert re.search(r"\d,\d{3}\xa0NOK", detail), "thousands with a comma in English"
    assert ">Sat<" in detail or "Sat " in detail
    exported = client.get("/kpis/aov", params={**PERIOD, "by": "weekday", "format": "csv",
                                               "table": "breakdown"})  # fmt: skip
    frame = pd.read_csv(io.BytesIO(exported.content), encoding="utf-8-sig")
    assert list(frame.columns[:2]) == ["Weekday", "Value"]
    assert set(frame["Weekday"]) <= {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                     "Saturday", "Sunday"}  # fmt: skip


def test_custom_kpis_and_targets_appear_and_drill_down(
    client: TestClient, database_url: str, session: Session
) -> None:
    settings = _settings(database_url)
    definition = {
        "key": "delivery_csat",
        "label": {"nb": "CSAT levering", "en": "Delivery CSAT"},
        "table": "responses",
        "type": "share",
        "condition": "csat >= 4",
        "unit": "csat is not None",
        "filter": "touchpoint == 'delivery'",
    }
    service.define_kpi(session, settings, definition, None)
    service.set_target(session, settings, "nps", 30)
    session.commit()
    listing = client.get("/kpis", params=PERIOD).text
    assert 'data-kpi="delivery_csat"' in listing
    assert "CSAT levering" in listing
    n = int(kpis.show("delivery_csat", start=PERIOD["from"], end=PERIOD["to"],
                      settings=settings).iloc[0]["n"])  # fmt: skip
    rows = client.get("/kpis/delivery_csat/rows", params=PERIOD).text
    assert f'data-total="{n}"' in rows
    assert "<td>delivery</td>" in rows
    assert "<td>web</td>" not in rows
    detail = client.get("/kpis/nps", params=PERIOD).text
    assert _attr(detail, "headline-heading", "data-target") == "30.0"
    assert "Intet mål satt" not in detail


def test_heat_map_cells_link_to_their_rows(client: TestClient, database_url: str) -> None:
    page = client.get("/kpis/csat", params=PERIOD).text
    links = re.findall(r'href="(/kpis/csat/rows\?[^"]*weekday%3D[^"]*hour%3D[^"]*)"', page)
    assert links
    cells = kpis.show("csat", by=["weekday", "hour"], start=PERIOD["from"], end=PERIOD["to"],
                      settings=_settings(database_url))  # fmt: skip
    for link in links[:3]:
        href = html.unescape(link)
        day = re.search(r"weekday%3D(\w+)", href).group(1)  # type: ignore[union-attr]
        hour = int(re.search(r"hour%3D(\d+)", href).group(1))  # type: ignore[union-attr]
        n = cells[(cells["weekday"] == day) & (cells["hour"] == hour)]["n"].iloc[0]
        rows = client.get(href).text
        assert f'data-total="{n}"' in rows


def test_each_built_in_kpi_says_what_it_measures_in_both_languages(
    client: TestClient, database_url: str
) -> None:
    from kundepuls.kpis.catalog import KPIS
    from kundepuls.kpis.texts import DESCRIPTIONS_NB

    assert set(DESCRIPTIONS_NB) == set(KPIS)
    sign_in(client, database_url, "viewer")
    page = html.unescape(client.get("/kpis/nps").text)
    assert DESCRIPTIONS_NB["nps"] in page
    assert KPIS["nps"].description not in page
