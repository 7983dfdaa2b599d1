"""Live updates over server-sent events: ``GET /live`` tells open pages that data arrived.

The overview listens to it, and so can any signed-in page (the KPI detail page does the
same): open ``new EventSource("/live?since=<marker>")`` and refetch what you show when an
``event: data`` arrives. The stream (``text/event-stream``) sends:

``retry: 3000``
    once: reconnect after 3 s if the connection drops.
``event: ready``
    once after connecting when nothing changed since ``since`` (or none was given).
``event: data``
    whenever the store's change marker moves (and first, instead of ``ready``, when it
    differs from ``since`` or from the ``Last-Event-ID`` a reconnecting browser sends).
    ``id:`` is the new marker; ``data:`` is JSON
    ``{"marker": "3f9c0d1e2a7b4c55", "tables": ["responses"], "at": "2026-12-04T22:51:04Z"}``:
    ``marker`` is 16 hex digits (the same one the overview's page carries in
    ``data-marker``), ``tables`` the tables whose rows changed (responses, orders,
    tickets, complaints, customers, invitations, kpi_targets, kpi_definitions; all of them
    when the server cannot tell, after a reconnect), ``at`` the server's UTC time.
``: keepalive``
    a comment every 15 s so proxies keep the connection open.

The store is polled every 2 s with one query (counts and newest change times of the
marked tables, :func:`kundepuls.dashboard.repository.marker`), shared by every open
stream of the process. A stream ends when the client goes away, after 10 minutes (the
browser reconnects at once), or when the server shuts down (SIGTERM/SIGINT), so a
graceful shutdown never waits for open dashboards.
"""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine

from kundepuls.dashboard import repository
from kundepuls.dashboard.service import marker_text
from kundepuls.deps import EngineDep, ViewerUser

router = APIRouter(include_in_schema=False)

POLL = 2.0
HEARTBEAT = 15.0
LIFETIME = 600.0
RETRY_MS = 3000


@dataclass(frozen=True)
class Snapshot:
    marker: dict[str, str]
    text: str
    taken: float


class Hub:
    """One poller per app: every stream reads the same, at most ``POLL``-old, marker."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = asyncio.Lock()
        self.stopping = asyncio.Event()
        self.loop = asyncio.get_running_loop()
        self.last: Snapshot | None = None

    async def current(self) -> Snapshot:
        async with self.lock:
            if self.last is None or time.monotonic() - self.last.taken >= POLL * 0.9:
                marker = await run_in_threadpool(repository.marker, self.engine)
                self.last = Snapshot(marker, marker_text(marker), time.monotonic())
            return self.last

    def stop(self) -> None:
        """Ask every stream of this hub to end (safe from a signal handler)."""
        self.loop.call_soon_threadsafe(self.stopping.set)


_hubs: weakref.WeakSet[Hub] = weakref.WeakSet()
_hooked: set[int] = set()


def _hook_signals() -> None:
    """Chain a handler before the server's own SIGTERM/SIGINT one that ends the streams.

    uvicorn waits for open responses before it shuts down; a stream that never ends would
    hold it forever. Only the main thread may set handlers (uvicorn.run serves there).
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if id(previous) in _hooked:
            continue

        def handler(number: int, frame: FrameType | None, previous: Any = previous) -> None:
            for hub in list(_hubs):
                hub.stop()
            if callable(previous):
                previous(number, frame)

        _hooked.add(id(handler))
        signal.signal(sig, handler)


def hub_of(request: Request, engine: Engine) -> Hub:
    hub: Hub | None = getattr(request.app.state, "live_hub", None)
    if hub is None:
        hub = request.app.state.live_hub = Hub(engine)
        _hubs.add(hub)
    _hook_signals()
    return hub


def _event(name: str, snapshot: Snapshot, tables: list[str]) -> str:
    at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    data = json.dumps({"marker": snapshot.text, "tables": tables, "at": at})
    return f"event: {name}\nid: {snapshot.text}\ndata: {data}\n\n"


async def events(hub: Hub, since: str | None) -> AsyncIterator[str]:
    """The stream: ``ready`` or ``data`` first, then ``data`` on every change."""
    yield f"retry: {RETRY_MS}\n\n"
    seen = await hub.current()
    if since and since != seen.text:
        yield _event("data", seen, sorted(seen.marker))
    else:
        yield _event("ready", seen, [])
    started = beat = time.monotonic()
    while time.monotonic() - started < LIFETIME:
        try:
            await asyncio.wait_for(hub.stopping.wait(), POLL)
            return  # the server is shutting down
        except TimeoutError:
            pass
        now = await hub.current()
        if now.text != seen.text:
            changed = sorted(k for k, v in now.marker.items() if seen.marker.get(k) != v)
            yield _event("data", now, changed)
            seen, beat = now, time.monotonic()
        elif time.monotonic() - beat >= HEARTBEAT:
            yield ": keepalive\n\n"
            beat = time.monotonic()


@router.get("/live")
async def live(
    request: Request, _user: ViewerUser, engine: EngineDep, since: str | None = None
) -> StreamingResponse:
    """Server-sent events: ``data`` whenever new data arrived in the store."""
    since = request.headers.get("last-event-id") or since
    return StreamingResponse(
        events(hub_of(request, engine), since),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
