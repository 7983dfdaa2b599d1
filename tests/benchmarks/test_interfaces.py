"""Benchmarks through files, the command line and the REST API."""

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kundepuls.app import create_app
from kundepuls.benchmarks import service
from kundepuls.config import get_settings
from tests.benchmarks.conftest import plant
from tests.conftest import CliRun
from tests.support import api_headers

HEADER = "kpi,source,kind,period_start,period_end,value,ci_low,ci_high,n,note\n"
GOOD = (
    "nps,Norsk Kundebarometer,industry,2026-03-01,2026-03-31,31.5,,,1200,\n"
    "csat,Konkurrent AS,competitor,2026-03-01,2026-03-31,78,74,82,,fra rapport\n"
)
BAD = (
    "nps,X,industry,2026-03-01,2026-03-31,abc,,,,\n"
    "nps,X,friend,2026-03-01,2026-03-31,10,,,,\n"
    "npx,X,industry,2026-03-01,2026-03-31,10,,,,\n"
    "nps,X,industry,2026-03-31,2026-03-01,10,,,,\n"
    "nps,X,industry,2026-03-01,2026-03-31,10,20,30,,\n"
)


def test_import_keeps_good_rows_and_names_each_bad_one(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "bench.csv"
    path.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    result = service.import_file(session, get_settings(), path)
    session.commit()
    assert (result.inserted, result.updated) == (2, 0)
    assert result.errors[0].startswith("row 4: field 'value': Input should be a valid number")
    assert result.errors[1].startswith("row 5: field 'kind': Input should be 'competitor'")
    assert result.errors[2] == "row 6: field 'kpi': unknown KPI 'npx'; did you mean nps?"
    assert result.errors[3] == "row 7: period_end: comes before period_start"
    assert result.errors[4] == "row 8: ci_low/ci_high: the interval must contain the value"
    again = service.import_file(session, get_settings(), path)
    assert (again.inserted, again.updated) == (0, 2)
    stored = {(b.kpi, b.value, b.n, b.ci_low) for b in service.listed(session)}
    assert stored == {("nps", 31.5, 1200, None), ("csat", 78.0, None, 74.0)}


def test_import_reads_excel(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "bench.xlsx"
    frame = pd.DataFrame(
        [{"kpi": "ces", "source": "Bransjen", "kind": "industry", "period_start": "2026-01-01",
          "period_end": "2026-03-31", "value": 5.4, "n": 300}]
    )  # fmt: skip
    frame.to_excel(path, index=False)
    result = service.import_file(session, get_settings(), path)
    assert (result.inserted, result.errors) == (1, [])
    assert service.listed(session, "ces")[0].value == 5.4


def test_cli(
    tmp_path: Path, database_url: str, session: Session, kundepuls_cli: Callable[..., CliRun]
) -> None:
    if not database_url.startswith("sqlite"):
        return  # the command line is the same on both stores; once is enough
    plant(session, [10] * 130 + [8] * 40 + [2] * 30, [], [])
    env = {"KUNDEPULS_DATABASE_URL": database_url}
    period = ["--from", "2026-03-01", "--to", "2026-03-31"]
    added = kundepuls_cli("benchmark", "add", "nps", "46", "--source", "Norsk Kundebarometer",
                          *period, "--n", "300", env=env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = json.loads(kundepuls_cli("benchmark", "list", "--json", env=env).stdout)
    assert listed[0]["value"] == 46.0
    compared = kundepuls_cli("benchmark", "compare", "--kpi", "nps", env=env)
    assert compared.returncode == 0, compared.stderr
    assert "NPS 2026-03-01 til 2026-03-31: 50,0" in compared.stdout
    assert "over bransjen, men ikke signifikant." in compared.stdout
    english = kundepuls_cli("benchmark", "compare", "1", "--lang", "en", env=env)
    assert "above the industry, but not significantly." in english.stdout
    path = tmp_path / "b.csv"
    path.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    imported = kundepuls_cli("benchmark", "import", str(path), env=env)
    assert imported.returncode == 2
    assert imported.stdout.startswith("1 inserted, 1 updated, 5 rejected")
    assert "row 6: field 'kpi': unknown KPI 'npx'" in imported.stderr
    bad = kundepuls_cli("benchmark", "add", "nps", "1", "--source", "X", "--from", "2026-03-09",
                        "--to", "2026-03-01", env=env)  # fmt: skip
    assert bad.returncode == 2
    assert "period_end: comes before period_start" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = kundepuls_cli("benchmark", "import", str(tmp_path / "nope.csv"), env=env)
    assert missing.returncode == 1
    assert "no such file" in missing.stderr


def test_api(database_url: str, session: Session) -> None:
    plant(session, [10] * 130 + [8] * 40 + [2] * 30, [], [])
    body = {"kpi": "nps", "source": "Konkurrent AS", "kind": "competitor", "value": 80,
            "period_start": "2026-03-01", "period_end": "2026-03-31", "n": 300}  # fmt: skip
    with TestClient(create_app()) as client:
        assert client.get("/api/v1/benchmarks").status_code == 401
        client.headers.update(api_headers(database_url, "analyst"))
        made = client.post("/api/v1/benchmarks", json=body)
        assert made.status_code == 201, made.text
        bad = client.post("/api/v1/benchmarks", json={**body, "value": "lots"})
        assert bad.status_code == 422
        assert client.get("/api/v1/benchmarks", params={"kpi": "nps"}).json()[0]["value"] == 80
        compared = client.get("/api/v1/benchmarks/compare", params={"kpi": "nps", "lang": "en"})
        assert compared.json()[0]["verdict"] == "significantly below Konkurrent AS"
        assert client.delete(f"/api/v1/benchmarks/{made.json()['id']}").status_code == 204
        assert client.delete(f"/api/v1/benchmarks/{made.json()['id']}").status_code == 404
