"""The data page over HTTP: the store summary, uploads imported in the background, rejects."""

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kundepuls.db import make_engine
from kundepuls.ingest.uploads import Upload, Uploads
from tests.pages_support import app_client, cheap_hashes, log_in, wait_for

ORDERS = (
    "order_id,customer_id,ordered_at,amount,currency\n"
    "o1,c1,2026-11-02 10:00,499.00,NOK\n"
    "o2,c2,2026-11-03 11:30,1299.50,NOK\n"
    "o3,c1,ikke en dato,100,NOK\n"
    "o4,c3,2026-11-04 09:15,mye,NOK\n"
    "o5,c3,2026-11-05 09:15,250,NOK\n"
)


@pytest.fixture(autouse=True)
def _cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashes(monkeypatch)


def _upload(
    client: TestClient, csrf: str, name: str, body: bytes, kind: str = "orders", **extra: str
) -> "object":
    return client.post(
        "/data/imports",
        data={"kind": kind, "csrf_token": csrf, **extra},
        files={"file": (name, body, "text/csv")},
        follow_redirects=False,
    )


def _finished(client: TestClient, url: str) -> dict[str, object]:
    status: dict[str, object] = {}

    def done() -> bool:
        status.update(client.get(url, headers={"Accept": "application/json"}).json())
        return status["state"] in ("done", "failed")

    wait_for(done)
    return status


def test_an_upload_with_bad_rows_ends_with_the_counts_and_the_rejects(database_url: str) -> None:
    with app_client(database_url) as client:
        csrf = log_in(client, database_url, "admin")
        page = client.get("/data").text
        assert 'id="upload-form"' in page
        assert 'name="kind"' in page
        answer = _upload(client, csrf, "ordrer nov.csv", ORDERS.encode())
        assert answer.status_code == 303
        url = answer.headers["location"]
        status = _finished(client, url)
        assert status["state"] == "done", status
        assert status["result"] == {
            "rows": 5,
            "inserted": 3,
            "updated": 0,
            "unchanged": 0,
            "rejected": 2,
            "duplicates": 0,
        }
        result = client.get(url).text
        assert 'data-count="inserted">3<' in result
        assert 'data-count="rejected">2<' in result
        assert "<code>ordered_at</code>" in result
        assert "<code>amount</code>" in result
        assert "Last ned avviste rader" in result
        # The upload itself is gone once imported; only its rejects wait for download.
        registry = client.app.state.uploads  # type: ignore[attr-defined]
        kept = sorted(p.name for p in registry.root.rglob("*") if p.is_file())
        assert kept == ["ordrer_nov.csv.rejects.csv"]
        rejects = client.get(f"{url}/rejects.csv")
        assert rejects.status_code == 200
        rows = list(csv.DictReader(io.StringIO(rejects.content.decode("utf-8-sig"))))
        assert [r["order_id"] for r in rows] == ["o3", "o4"]
        assert all(r["reason"].startswith("row ") for r in rows)
        # The history names the user's file and the user, not the temp path.
        data = client.get("/data").text
        assert "ordrer_nov.csv (upload)" in data
        assert f'href="{url}"' in data  # the user's recent uploads link to their results
        assert 'data-rows="3"' in data


def test_a_dry_run_counts_and_stores_nothing(database_url: str) -> None:
    with app_client(database_url) as client:
        csrf = log_in(client, database_url, "owner")
        answer = _upload(client, csrf, "o.csv", ORDERS.encode(), dry_run="1")
        status = _finished(client, answer.headers["location"])
        assert status["result"]["inserted"] == 3  # type: ignore[index]
        assert status["rejects_url"] is None
        summary = client.get("/api/v1/store/summary").json()
        assert summary["total_rows"] == 0


def test_a_wrong_file_gets_a_clear_message(database_url: str) -> None:
    with app_client(database_url) as client:
        csrf = log_in(client, database_url, "admin", language="en")
        answer = _upload(client, csrf, "notes.txt", b"hello")
        assert answer.status_code == 422
        assert "The file was not imported" in answer.text
        assert "notes.txt is not a file kundepuls can import" in answer.text
        # Tickets uploaded as orders: the import fails and says which columns are missing.
        tickets = b"ticket_id,created_at\nt1,2026-11-01 10:00\n"
        answer = _upload(client, csrf, "tickets.csv", tickets)
        status = _finished(client, answer.headers["location"])
        assert status["state"] == "failed"
        assert "missing required column(s)" in str(status["error"])
        assert "tickets.csv" in str(status["error"]) or "orders" in str(status["error"])
        page = client.get(answer.headers["location"]).text
        assert "The import failed" in page
        # A script gets the reason as JSON.
        answer = client.post(
            "/data/imports",
            data={"kind": "bogus"},
            files={"file": ("x.csv", b"a\n1\n", "text/csv")},
            headers={"Accept": "application/json", "X-CSRF-Token": csrf},
        )
        assert answer.status_code == 422
        assert answer.json()["detail"].startswith("kind:")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_file_above_the_limit_is_refused(database_url: str) -> None:
    with app_client(database_url, upload_max_mb=1) as client:
        csrf = log_in(client, database_url, "admin")
        big = b"order_id,customer_id,ordered_at,amount\n" + b"x" * (3 << 20)
        answer = _upload(client, csrf, "big.csv", big)
        assert answer.status_code == 413
        assert "larger than the limit of 1 MB" in answer.text


def test_viewers_see_the_store_but_may_not_import(database_url: str) -> None:
    with app_client(database_url) as client:
        csrf = log_in(client, database_url, "viewer")
        page = client.get("/data")
        assert page.status_code == 200
        assert 'id="upload-form"' not in page.text
        assert "Din rolle kan ikke importere data" in page.text
        assert _upload(client, csrf, "o.csv", ORDERS.encode()).status_code == 403
        assert client.get("/data/imports/whatever").status_code == 403


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_history_downloads_and_quality_warnings_show(database_url: str) -> None:
    # A quarter of the answers lack their survey: the data-quality report says so.
    responses = "response_id,submitted_at,nps,survey\n" + "".join(
        f"r{i},2026-11-{1 + i % 20:02d} 10:00,{i % 11},{'' if i % 4 == 0 else 'etter-kjop'}\n"
        for i in range(40)
    )
    with app_client(database_url) as client:
        csrf = log_in(client, database_url, "admin")
        answer = _upload(client, csrf, "svar.csv", responses.encode(), kind="responses")
        assert _finished(client, answer.headers["location"])["state"] == "done"
        history = client.get("/data", params={"format": "csv"}).content.decode("utf-8-sig")
        assert history.splitlines()[0] == "Type;Fil;Status;Nye;Endret;Avvist;Startet;Av"
        assert "Svar på undersøkelser;svar.csv (upload);ferdig;40;0;0;" in history
        page = client.get("/data").text
        assert 'id="quality-heading"' in page  # the store's data-quality findings
        assert 'data-check="missing"' in page


def test_forgotten_uploads_leave_no_files(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'unused.db'}")
    registry = Uploads(engine, tmp_path / "uploads")
    upload = Upload("u1", "orders", "o.csv", False, "a@b.no", tmp_path / "uploads" / "u1")
    upload.directory.mkdir(parents=True)
    (upload.directory / "o.csv.rejects.csv").write_text("x")
    upload.finished = datetime.now(UTC) - timedelta(days=2)
    registry._uploads[upload.id] = upload
    registry.sweep()
    assert registry.get("u1") is None
    assert not upload.directory.exists()
    root = registry.root
    registry.close()
    engine.dispose()
    assert not root.exists()
