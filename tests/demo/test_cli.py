"""``kundepuls demo`` as a user runs it."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

from kundepuls.db import make_engine, migrate, session_scope
from kundepuls.facts.models import Customer
from tests.support import SRC, api_headers, run_cli

SMALL = ("--customers", "300", "--today", "2026-12-01")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_demo_builds_a_fresh_store_each_time(tmp_path: Path) -> None:
    stale = f"sqlite:///{tmp_path / 'kundepuls-demo.db'}"
    migrate(stale)  # a demo store from an earlier run, changed since
    engine = make_engine(stale)
    with session_scope(engine) as session:
        session.add(Customer(customer_id="stale"))
    engine.dispose()
    result = run_cli("demo", "--no-serve", *SMALL, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "300  customers" in result.stdout
    assert "survey responses" in result.stdout
    assert "data from 2024-12-01 to 2026-11-30" in result.stdout
    assert "Open http://127.0.0.1:8000/" in result.stdout
    assert not (tmp_path / "kundepuls.db").exists()  # a user's own store is never touched
    engine = make_engine(stale)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM customers")) == 300
        assert (
            conn.scalar(sa.text("SELECT count(*) FROM customers WHERE customer_id = 'stale'")) == 0
        )
        assert conn.scalar(sa.text("SELECT count(*) FROM import_batches")) == 5
    engine.dispose()


def test_bad_options_and_a_used_store_get_one_clear_line(tmp_path: Path) -> None:
    bad = run_cli("demo", "--no-serve", "--today", "yesterday", cwd=tmp_path)
    assert bad.returncode == 2
    assert "--today" in bad.stderr
    assert "Traceback" not in bad.stderr
    url = f"sqlite:///{tmp_path / 'mine.db'}"
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        session.add(Customer(customer_id="c1"))
    engine.dispose()
    used = run_cli("demo", "--no-serve", *SMALL, "--database-url", url, cwd=tmp_path)
    assert used.returncode == 1
    assert "already holds data" in used.stderr
    assert "Traceback" not in used.stderr


def test_demo_serves_what_it_built(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kundepuls", "demo", *SMALL, "--port", str(port)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        up = False
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                up = httpx.get(f"{base}/health").status_code == 200
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert up, process.stderr.read() if process.stderr else ""
        assert httpx.get(f"{base}/api/v1/store/summary").status_code == 401
        headers = api_headers(f"sqlite:///{tmp_path / 'kundepuls-demo.db'}", "analyst")
        summary = httpx.get(f"{base}/api/v1/store/summary", headers=headers).json()
        rows = {k["kind"]: k["rows"] for k in summary["kinds"]}
        assert rows["customers"] == 300
        assert rows["orders"] > 0
        assert "/login" in str(httpx.get(f"{base}/").headers.get("location"))
    finally:
        process.terminate()
        out, _err = process.communicate(timeout=20)
    assert re.search(r"sign in as demo@kundepuls\.local with the password \S{12,}", out)
