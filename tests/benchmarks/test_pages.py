"""The benchmarks page: our numbers against each benchmark as the service computes them;
viewers read, analysts and admins add, delete and import (CSRF-checked, per-field errors)."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from statsmodels.stats import proportion as smp

from kundepuls.app import create_app
from kundepuls.benchmarks import service
from kundepuls.config import Settings, get_settings
from kundepuls.kit.i18n import Formats
from tests.benchmarks.conftest import plant, scores
from tests.pages_support import csrf, sign_in_as, text_of

CSAT = scores(2, 300, 1, 5, [1, 2, 3, 6, 5])
FORM = {"kpi": "csat", "kind": "industry", "source": "Norsk Kundebarometer",
        "period_start": "2026-03-01", "period_end": "2026-03-31", "value": "62,5",
        "n": "800"}  # fmt: skip


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        yield client


def _add(client: TestClient, **fields: str) -> tuple[int, str]:
    token = csrf(client.get("/benchmarks").text)
    answer = client.post("/benchmarks", data={**FORM, **fields, "csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    return answer.status_code, answer.text


def test_an_analyst_adds_a_benchmark_and_sees_the_services_verdict(
    client: TestClient, database_url: str, session: Session
) -> None:
    plant(session, [], CSAT, [])
    sign_in_as(client, database_url, "analyst")
    status, _ = _add(client)
    assert status == 303
    page = client.get("/benchmarks?done=added").text
    result = service.compare(session, get_settings(), lang="nb")[0]
    ours = sum(s >= 4 for s in CSAT)
    # The difference the page shows is the Wald two-sample one (statsmodels), 62,5 read as 62.5.
    test = smp.test_proportions_2indep(ours, len(CSAT), 500, 800, method="wald", compare="diff")
    assert result.benchmark.value == 62.5
    assert result.p_value == pytest.approx(test.pvalue, rel=1e-9)
    text = text_of(page)
    f = Formats("nb")
    assert result.verdict in text
    assert f.signed(result.diff, 1) in text
    assert f.number(result.value, 1) in text
    assert f"n = {f.number(result.n)}" in text
    assert "Sammenligningen er lagret." in text
    assert 'action="/benchmarks"' in page  # the form is there for an analyst


def test_a_viewer_reads_but_every_change_is_refused(
    client: TestClient, database_url: str, session: Session
) -> None:
    plant(session, [], CSAT, [])
    sign_in_as(client, database_url, "analyst")
    assert _add(client)[0] == 303
    client.cookies.clear()
    sign_in_as(client, database_url, "viewer")
    page = client.get("/benchmarks").text
    assert "Norsk Kundebarometer" in page
    assert 'action="/benchmarks"' not in page
    assert '/delete"' not in page
    assert 'action="/benchmarks/import"' not in page
    token = csrf(page)
    bench_id = service.listed(session)[0].id
    refused = [
        client.post("/benchmarks", data={**FORM, "csrf_token": token}),
        client.post(f"/benchmarks/{bench_id}/delete", data={"csrf_token": token}),
        client.post("/benchmarks/import", data={"csrf_token": token},
                    files={"file": ("b.csv", b"kpi\n", "text/csv")}),
    ]  # fmt: skip
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert len(service.listed(session)) == 1


def test_changes_without_the_csrf_token_are_refused(
    client: TestClient, database_url: str, session: Session
) -> None:
    sign_in_as(client, database_url, "admin")
    answer = client.post("/benchmarks", data=FORM)
    assert answer.status_code == 403
    assert "CSRF" in answer.text
    assert service.listed(session) == []


def test_an_analyst_deletes_a_benchmark(
    client: TestClient, database_url: str, session: Session
) -> None:
    sign_in_as(client, database_url, "analyst")
    assert _add(client)[0] == 303
    bench_id = service.listed(session)[0].id
    token = csrf(client.get("/benchmarks").text)
    answer = client.post(f"/benchmarks/{bench_id}/delete", data={"csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    session.expire_all()
    assert service.listed(session) == []
    assert "Sammenligningen er slettet." in client.get(answer.headers["location"]).text


@pytest.mark.parametrize(
    ("lang", "fields", "expected"),
    [
        ("nb", {"value": "mye"}, {"value": "Skriv et tall"}),
        ("nb", {"period_end": "2026-02-01"}, {"period_end": "Sluttdatoen kan ikke komme før"}),
        (
            "nb",
            {"source": " ", "period_start": "1. mars"},
            {"source": "Fyll ut", "period_start": "Skriv en dato"},
        ),
        ("nb", {"ci_low": "60"}, {"ci_high": "begge endene"}),
        ("nb", {"kpi": "lykke"}, {"kpi": "Ukjent nøkkeltall"}),
        ("en", {"value": "lots", "n": "0"}, {"value": "Write a number", "n": "whole number"}),
        ("en", {"kind": "friend"}, {"kind": "Choose one of the values"}),
    ],
)
def test_bad_input_gives_a_message_under_each_wrong_field(
    client: TestClient,
    database_url: str,
    session: Session,
    lang: str,
    fields: dict[str, str],
    expected: dict[str, str],
) -> None:
    sign_in_as(client, database_url, "admin", lang)
    status, page = _add(client, **({"value": "62.5"} if lang == "en" else {}) | fields)
    assert status == 422
    for field, message in expected.items():
        found = re.search(rf'<span class="field-error" id="e-{field}">([^<]*)</span>', page)
        assert found, f"no error under {field}"
        assert message in found.group(1)
        assert f'id="f-{field}"' in page
    assert service.listed(session) == []
    # What was typed is kept.
    assert "Norsk Kundebarometer" in page or fields.get("source") == " "


def test_an_import_stores_the_good_rows_and_lists_the_rejected(
    client: TestClient, database_url: str, session: Session
) -> None:
    sign_in_as(client, database_url, "analyst")
    token = csrf(client.get("/benchmarks").text)
    content = (
        b"kpi,source,kind,period_start,period_end,value,n\n"
        b"nps,Bransjen,industry,2026-01-01,2026-03-31,32,1200\n"
        b"nps,Konkurrent AS,competitor,2026-01-01,2026-03-31,abc,\n"
        b"lykke,Bransjen,industry,2026-01-01,2026-03-31,3,\n"
    )
    answer = client.post("/benchmarks/import", data={"csrf_token": token},
                         files={"file": ("bransje.csv", content, "text/csv")})  # fmt: skip
    assert answer.status_code == 200
    text = text_of(answer.text)
    assert "Importert: 1 nye, 0 oppdatert, 2 avvist." in text
    assert "row 3: field 'value'" in text
    assert "row 4: field 'kpi'" in text
    assert [b.source for b in service.listed(session)] == ["Bransjen"]
    wrong = client.post("/benchmarks/import", data={"csrf_token": token},
                        files={"file": ("b.txt", b"x", "text/plain")})  # fmt: skip
    assert wrong.status_code == 422
    assert "Velg en CSV- eller Excel-fil" in wrong.text


def test_an_excel_file_is_imported_too(
    client: TestClient, database_url: str, session: Session, tmp_path: Path
) -> None:
    import pandas as pd

    sign_in_as(client, database_url, "admin", "en")
    rows = pd.DataFrame(
        {"kpi": ["csat", "ces"], "source": ["Konkurrent AS"] * 2, "kind": ["competitor"] * 2,
         "period_start": ["2026-03-01"] * 2, "period_end": ["2026-03-31", "2026-02-01"],
         "value": [70, 5.1]}
    )  # fmt: skip
    path = tmp_path / "benchmarks.xlsx"
    rows.to_excel(path, index=False)
    token = csrf(client.get("/benchmarks").text)
    answer = client.post("/benchmarks/import", data={"csrf_token": token},
                         files={"file": ("benchmarks.xlsx", path.read_bytes())})  # fmt: skip
    text = text_of(answer.text)
    assert "Imported: 1 new, 0 updated, 1 rejected." in text
    assert "row 3: period_end: comes before period_start" in text
    assert [b.kpi for b in service.listed(session)] == ["csat"]
