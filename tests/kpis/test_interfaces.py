"""The CLI (in a child process, as a user runs it) and the REST API."""

import json
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from kundepuls.app import create_app
from kundepuls.config import get_settings
from kundepuls.kpis import service
from tests.conftest import CliRun
from tests.kpis.factory import Data
from tests.support import api_headers, run_cli, uvicorn_thread

ROW_KEYS = {"kpi", "value", "n", "ci_low", "ci_high", "low_sample"}
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@sqlite_only
def test_cli_show_json_csv_and_table(data: Data, kundepuls_cli: Callable[..., CliRun]) -> None:
    result = run_cli("kpi", "show", "nps", "--by", "region", "--grain", "month",
                     "--from", "2026-01-01", "--to", "2026-03-31", "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {frozenset(r) for r in rows} == {frozenset(ROW_KEYS | {"region", "period_start"})}
    assert {r["period_start"] for r in rows} == {"2026-01-01", "2026-02-01", "2026-03-01"}
    expected = service.show(
        None, get_settings(), "nps",
        service.make_query(["region"], "month", "2026-01-01", "2026-03-31"),
    )  # fmt: skip
    assert [r["n"] for r in rows] == expected.n.tolist()
    run = kundepuls_cli("kpi", "show", "csat", "--by", "weekend", "--format", "csv")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "kpi,weekend,value,n,ci_low,ci_high,low_sample"
    run = kundepuls_cli("kpi", "show", "first_response_hours", "--by", "team")
    assert run.returncode == 0, run.stderr
    assert "95 % CI" in run.stdout
    run = kundepuls_cli("kpi", "list", "--format", "json")
    assert {k["key"] for k in json.loads(run.stdout)} >= {"nps", "churn_rate", "fcr"}
    run = kundepuls_cli("kpi", "compare", "csat", "--by", "region", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert {"diff", "diff_low", "diff_high", "p_value", "q_value"} <= set(json.loads(run.stdout)[0])


@sqlite_only
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("kpi", "show", "npss"), 1, "unknown KPI 'npss'; did you mean nps"),
        (("kpi", "show", "nps", "--by", "regoin"), 2, "did you mean region"),
        (("kpi", "show", "nps", "--from", "2026-03-01", "--to", "2026-01-01"), 2, "after --to"),
        (("kpi", "show", "nps", "--grain", "decade"), 2, "unsupported grain"),
        (("kpi", "show", "nps", "--where", "region"), 2, "DIM=VALUE"),
    ],
)
def test_cli_bad_input_is_one_clear_line(
    database_url: str,
    kundepuls_cli: Callable[..., CliRun],
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    run = kundepuls_cli(*args)
    assert run.returncode == code
    assert message in " ".join(run.stderr.split())
    assert "Traceback" not in run.stderr


@pytest.fixture
def client(data: Data, database_url: str) -> Iterator[httpx.Client]:
    """The app served by uvicorn on a free loopback port, and a client for it."""
    with uvicorn_thread(create_app()) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/api/v1/kpis").status_code == 401
        client.headers.update(api_headers(database_url, "admin"))
        yield client


def test_api_rows_are_the_cli_rows(client: httpx.Client) -> None:
    assert {k["key"] for k in client.get("/api/v1/kpis").json()} >= {"nps", "aov"}
    params = {"by": ["region", "weekend"], "grain": "quarter", "from": "2026-01-01",
              "to": "2026-06-30", "where": ["channel=web"]}  # fmt: skip
    response = client.get("/api/v1/kpis/aov", params=params)
    assert response.status_code == 200, response.text
    expected = service.show(
        None, get_settings(), "aov",
        service.make_query(["region", "weekend"], "quarter", "2026-01-01", "2026-06-30",
                           ["channel=web"]),
    )  # fmt: skip
    rows = response.json()
    assert len(rows) == len(expected)
    assert [r["n"] for r in rows] == expected.n.tolist()
    assert set(rows[0]) == ROW_KEYS | {"region", "weekend", "period_start"}
    compared = client.get("/api/v1/kpis/nps/compare", params={"by": "region"})
    assert compared.status_code == 200, compared.text
    assert all(r["baseline"] == "rest" for r in compared.json())


def test_api_errors_targets_and_custom_kpis(client: httpx.Client) -> None:
    missing = client.get("/api/v1/kpis/npss")
    assert missing.status_code == 404
    assert "did you mean nps" in missing.json()["detail"]
    bad = client.get("/api/v1/kpis/nps", params={"by": "regoin"})
    assert bad.status_code == 422
    assert "region" in bad.json()["detail"]
    target = client.put("/api/v1/kpis/nps/target", json={"value": 20, "where": {"region": "Nord"}})
    assert target.status_code == 200, target.text
    rows = client.get("/api/v1/kpis/nps", params={"by": "region"}).json()
    nord = next(r for r in rows if r["region"] == "Nord")
    assert nord["target"] == 20
    assert nord["target_status"] in {"on_track", "off_track", "uncertain"}
    definition = {"key": "web_aov", "table": "orders", "type": "mean", "value": "amount",
                  "filter": "channel == 'web'"}  # fmt: skip
    created = client.post("/api/v1/kpis", json=definition)
    assert created.status_code == 201, created.text
    shown = client.get("/api/v1/kpis/web_aov")
    assert shown.status_code == 200, shown.text
    assert shown.json()[0]["n"] > 0
    wrong = client.post("/api/v1/kpis", json={**definition, "key": "w2", "value": "amont"})
    assert wrong.status_code == 422
    assert "amount" in wrong.json()["detail"]
    assert client.delete("/api/v1/kpis/web_aov").status_code == 204
    # The request's session commits as the response goes out; give it a moment.
    deadline = time.monotonic() + 5
    while client.get("/api/v1/kpis/web_aov").status_code != 404:
        assert time.monotonic() < deadline, "the deleted KPI is still listed"
        time.sleep(0.05)
