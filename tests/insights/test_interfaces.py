"""``kundepuls insights`` / ``kundepuls drivers`` and ``/api/v1/insights`` on the demo store."""

import json
from collections.abc import Iterator

import httpx
import pytest

from kundepuls.config import get_settings
from tests.insights.conftest import Demo
from tests.support import api_headers, run_cli, served


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI entry point in this process (a child process is slow to import)."""
    from kundepuls.cli import main

    capsys.readouterr()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.argv", ["kundepuls", *args])
        with pytest.raises(SystemExit) as exit_info:
            main()
    out = capsys.readouterr()
    return int(exit_info.value.code or 0), out.out, out.err


@pytest.fixture
def store(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> Demo:
    monkeypatch.setenv("KUNDEPULS_DATABASE_URL", demo.url)
    get_settings.cache_clear()
    return demo


def test_insights_prints_ranked_sentences_in_both_languages(
    store: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "insights")
    assert code == 0, err
    lines = out.splitlines()
    region = store.planted.falling_region
    assert any(f"NPS i region {region} har falt siden uke" in line for line in lines)
    assert any("i helgene er" in line and "× hverdagene" in line for line in lines)
    assert any("Fiks dette først:" in line for line in lines)
    assert all("95\u00a0% KI" in line for line in lines)
    assert [line.split(".")[0].strip() for line in lines] == [
        str(i) for i in range(1, 1 + len(lines))
    ]
    code, out, err = cli(capsys, "insights", "--lang", "en", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    fall = next(r for r in rows if r.get("value") == region)
    assert fall["kind"] == "level_shift"
    assert fall["q_value"] < 0.05
    assert fall["n"] >= 30
    assert f"NPS in region {region} has fallen since week" in fall["text"]
    assert "95% CI" in fall["text"]
    assert "q = " in fall["text"]
    assert rows[-1]["kind"] == "priority" or any(r["kind"] == "priority" for r in rows)


def test_drivers_prints_the_drivers_and_the_priority_list(
    store: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "drivers", "--lang", "en")
    assert code == 0, err
    assert out.startswith("What drives NPS")
    assert "Priority (impact × performance):" in out
    assert "Fix this first:" in out
    code, out, err = cli(capsys, "drivers", "--format", "json", "--outcome", "csat")
    assert code == 0, err
    report = json.loads(out)
    assert report["outcome"] == "csat"
    assert "csat" not in [d["name"] for d in report["drivers"]]
    assert sum(d["importance"] for d in report["drivers"]) == pytest.approx(report["r2"])


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("insights", "--since", "yesterday"), 2, "--since 'yesterday' is not a date"),
        (("insights", "--lang", "sv"), 2, "--lang 'sv': use nb"),
        (("insights", "--grain", "month"), 2, "grain 'month'"),
        (("insights", "--kpi", "npx"), 1, "unknown KPI 'npx'"),
        (("drivers", "--outcome", "aov"), 2, "outcome 'aov'"),
        (("insights", "--since", "2030-01-01"), 2, "after the last day with data (2026-11-30)"),
        (("insights", "--by", "regoin"), 2, "unknown dimension 'regoin'; did you mean region"),
    ],
)
def test_bad_input_is_one_clear_line(
    store: Demo,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    exit_code, _out, err = cli(capsys, *args)
    assert exit_code == code
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_the_command_runs_as_a_user_runs_it(store: Demo) -> None:
    result = run_cli("insights", "--lang", "en", "--kpi", "nps", "--by", "region",
                     env={"KUNDEPULS_DATABASE_URL": store.url})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"in region {store.planted.falling_region} has fallen" in result.stdout


@pytest.fixture
def client(demo: Demo) -> Iterator[httpx.Client]:
    """The app served by uvicorn on a free loopback port, and a client for it."""
    with served(demo.url) as client:
        yield client


def test_api_answers_findings_drivers_changes_and_heat_maps(
    client: httpx.Client, demo: Demo
) -> None:
    assert client.get("/api/v1/insights").status_code == 401  # viewers hold no API token
    client.headers.update(api_headers(demo.url, "analyst"))
    rows = client.get("/api/v1/insights", params={"lang": "en"}).json()
    region = demo.planted.falling_region
    assert any(r.get("value") == region and "has fallen" in r["text"] for r in rows)
    report = client.get("/api/v1/insights/drivers", params={"outcome": "nps"}).json()
    assert report["drivers"][0]["name"] == "csat"
    assert report["priorities"]
    params = {"kpi": "nps", "by": "region", "from": "2026-09-01", "to": "2026-11-30"}
    change = client.get("/api/v1/insights/change", params=params).json()
    assert change["vs_end"] == "2026-08-31"
    total = sum(s["contribution"] for s in change["segments"])
    assert total == pytest.approx(change["total"], abs=1e-9)
    cells = client.get("/api/v1/insights/heatmap", params={"kpi": "first_response_hours"}).json()
    assert {"weekday", "hour", "value", "n", "low_sample"} <= set(cells[0])
    bad = client.get("/api/v1/insights/change", params={**params, "from": "2026-13-01"})
    assert bad.status_code == 422
    assert "from '2026-13-01' is not a date" in bad.json()["detail"]
    unknown = client.get("/api/v1/insights/heatmap", params={"kpi": "npx"})
    assert unknown.status_code == 404
    assert "unknown KPI" in unknown.json()["detail"]
    assert client.get("/api/v1/insights", params={"lang": "de"}).status_code == 422
    only = client.get("/api/v1/insights", params={"kpi": "nps", "by": "region"}).json()
    assert {r["kpi"] for r in only} == {"nps"}
    assert any(r.get("dim") == "region" for r in only)
    assert "/api/v1/insights/drivers" in client.get("/openapi.json").json()["paths"]


def test_an_empty_store_has_no_findings_and_says_so(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from kundepuls.kpis import backends

    try:
        code, out, err = cli(capsys, "insights")
        assert code == 0, err
        assert out.strip() == "Ingen funn."
        code, out, err = cli(capsys, "insights", "--lang", "en")
        assert out.strip() == "No findings."
        code, _out, err = cli(capsys, "drivers")
        assert code == 2
        assert "too few customers with a nps answer" in " ".join(err.split())
    finally:
        backends.forget()
