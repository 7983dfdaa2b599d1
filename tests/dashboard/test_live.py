"""/live: server-sent events after new data, and a server that stops with a stream open."""

import json
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from kundepuls.accounts import service as accounts
from kundepuls.db import make_engine, migrate, session_scope
from kundepuls.facts.models import Response
from tests.browser import serve
from tests.dashboard.helpers import tiles
from tests.support import PASSWORD, sign_in


def read_event(lines: object) -> tuple[str, dict[str, object]]:
    """The next event (name and JSON data) from an iterator of stream lines."""
    name, data = "", ""
    for line in lines:  # type: ignore[attr-defined]
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data = line.removeprefix("data: ")
        elif line == "" and name:
            return name, json.loads(data)
    raise AssertionError("the stream ended before an event")


def add_answer(database_url: str, nps: int = 10) -> None:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        session.add(
            Response(
                response_id=f"live-{uuid.uuid4().hex[:8]}",
                submitted_at=datetime.now(UTC),
                nps=nps,
                csat=5,
            )
        )
    engine.dispose()


def test_the_stream_tells_of_a_new_answer(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url)
    before = tiles(client.get("/overview/tiles").text)["nps"]
    with client.stream("GET", "/live", timeout=60) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        name, ready = read_event(lines)
        assert name == "ready"
        add_answer(database_url)
        name, data = read_event(lines)
    assert name == "data"
    assert data["tables"] == ["responses"]
    assert data["marker"] != ready["marker"]
    after = tiles(client.get("/overview/tiles").text)["nps"]
    assert int(after["data-n"]) == int(before["data-n"]) + 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_outdated_marker_gets_data_at_once(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url)
    with client.stream("GET", "/live", params={"since": "0" * 16}, timeout=60) as stream:
        name, data = read_event(stream.iter_lines())
    assert name == "data"
    assert "responses" in data["tables"]  # cannot tell what changed: all tables


def test_the_server_stops_while_a_stream_is_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kundepuls.db'}"
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        accounts.create_user(session, "eva@butikk.no", "viewer", PASSWORD)
    engine.dispose()
    seen: list[str] = []
    with serve(url, tmp_path) as base:
        client = httpx.Client(base_url=base, timeout=60)
        client.post("/login", data={"email": "eva@butikk.no", "password": PASSWORD})
        opened = threading.Event()

        def listen() -> None:
            try:
                with client.stream("GET", "/live") as stream:
                    for line in stream.iter_lines():
                        seen.append(line)
                        if line.startswith("event: ready"):
                            opened.set()
            except httpx.HTTPError as error:  # the server went away: also an end
                seen.append(f"error: {error}")
            seen.append("closed")

        reader = threading.Thread(target=listen, daemon=True)
        reader.start()
        assert opened.wait(60), seen
        # Leaving `serve` sends SIGTERM and waits (at most 20 s) for the process to exit;
        # an open stream that held the graceful shutdown would fail the test there.
    reader.join(30)
    client.close()
    assert seen[-1] == "closed"
