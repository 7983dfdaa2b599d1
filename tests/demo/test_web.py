"""The first page and the store summary over HTTP."""

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kundepuls.db import migrate
from tests.demo.conftest import BuiltDemo
from tests.support import served, sign_in


@pytest.fixture
def client(small_demo: BuiltDemo) -> Iterator[httpx.Client]:
    with served(small_demo.url) as client:
        sign_in(client, small_demo.url)
        yield client


def test_the_summary_api_gives_the_counts(client: httpx.Client, small_demo: BuiltDemo) -> None:
    response = client.get("/api/v1/store/summary")
    assert response.status_code == 200
    body = response.json()
    assert {k["kind"]: k["rows"] for k in body["kinds"]} == small_demo.build.counts
    assert body["total_rows"] == sum(small_demo.build.counts.values())
    assert [b["kind"] for b in body["imports"]] == [
        "responses",
        "complaints",
        "tickets",
        "orders",
        "customers",
    ]
    assert all(k["first"] and k["last"] for k in body["kinds"])
    assert "/api/v1/store/summary" in client.get("/openapi.json").json()["paths"]


def test_the_first_page_shows_the_counts_and_the_imports(
    client: httpx.Client, small_demo: BuiltDemo
) -> None:
    response = client.get("/data")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="nb">' in page
    for kind, rows in small_demo.build.counts.items():
        assert f'data-kind="{kind}"' in page
        assert f'data-rows="{rows}"' in page
    assert "Siste importer" in page
    assert "demo (seed 42, 2026-12-01)" in page
    assert re.search(r"\d{1,2}\. [a-z]{3}\. \d{4}", page)  # Norwegian dates (1. des. 2026)
    assert 'aria-current="page">Data<' in page  # in the signed-in layout
    assert "/static/app.css" in page
    assert "<script" not in page  # a viewer's page needs no JavaScript
    css = client.get("/static/app.css")
    assert css.status_code == 200
    assert "prefers-color-scheme" in css.text
    head = page.split("<body>")[0]
    # Every stylesheet comes from kundepuls itself: no CDN.
    assert set(re.findall(r"https?://[^/\"]+", head)) == {str(client.base_url).rstrip("/")}


def test_an_empty_store_says_how_to_fill_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrate(url)
    with served(url) as client:
        assert "/login" in client.get("/data").headers["location"]
        sign_in(client, url)
        page = client.get("/data").text
    assert "Databasen er tom" in page
    assert "kundepuls demo" in page


def test_the_data_page_speaks_english(small_demo: BuiltDemo) -> None:
    with served(small_demo.url) as client:
        sign_in(client, small_demo.url)
        page = client.get("/data").text
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert csrf
        switched = client.post(
            "/account/language",
            data={"lang": "en", "next": "/data", "csrf_token": csrf.group(1)},
            follow_redirects=True,
        )
    assert '<html lang="en">' in switched.text
    assert "Latest imports" in switched.text
    assert "Survey responses" in switched.text
    assert re.search(r"\d{1,2} [A-Z][a-z]{2,3} \d{4}", switched.text)  # 1 Dec 2026
