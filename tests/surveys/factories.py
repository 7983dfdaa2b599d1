"""Small factories and a real SMTP server on loopback for the survey tests."""

import asyncio
import email
import socket
import threading
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from kundepuls.facts.models import Customer, Order, Ticket
from kundepuls.surveys import service
from kundepuls.surveys.definitions import parse_definition
from kundepuls.surveys.models import Survey

NPS_SURVEY: dict[str, Any] = {
    "key": "etter-kjop",
    "title": {"nb": "Hvordan var handelen?", "nn": "Korleis var handelen?", "en": "How was it?"},
    "touchpoint": "purchase",
    "questions": [{"id": "nps", "type": "nps", "follow_up": True}],
    "trigger": {"kind": "after_purchase", "delay_hours": 24},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Inbox:
    """An aiosmtpd handler that keeps every accepted message; it can refuse or hang."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.reply: str | None = None  # e.g. "451 try later": refuse instead of accepting
        self.hang_on: int | None = None  # the n-th DATA (1-based) waits until the client dies
        self.hanging = threading.Event()
        self.data_calls = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_calls += 1
            calls = self.data_calls
        if self.reply:
            return self.reply
        if self.hang_on == calls:
            self.hanging.set()
            # Cancelled by aiosmtpd when the client's connection drops: nothing accepted.
            await asyncio.sleep(60)
            return "451 gave up waiting"
        message = email.message_from_bytes(envelope.original_content, policy=default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SMTPServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SMTPServer":
        self.controller.start()
        return self

    def restart(self) -> None:
        """Start again on the same port after ``stop`` (a controller runs only once)."""
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller.loop.is_running():
            self.controller.stop()


def text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def add_survey(session: Session, **changes: Any) -> Survey:
    data = {**NPS_SURVEY, **changes}
    survey, _new = service.save_survey(session, parse_definition(data))
    return survey


def add_customer(
    session: Session, customer_id: str, email_address: str | None = "", **fields: Any
) -> Customer:
    address = f"{customer_id}@example.no" if email_address == "" else email_address
    customer = Customer(customer_id=customer_id, email=address, attributes={}, **fields)
    session.add(customer)
    session.flush()
    return customer


def add_order(session: Session, order_id: str, customer_id: str, when: datetime) -> Order:
    order = Order(order_id=order_id, customer_id=customer_id, ordered_at=when, amount=100)
    session.add(order)
    session.flush()
    return order


def add_ticket(session: Session, ticket_id: str, customer_id: str, resolved: datetime) -> Ticket:
    ticket = Ticket(
        ticket_id=ticket_id, customer_id=customer_id, created_at=resolved, resolved_at=resolved
    )
    session.add(ticket)
    session.flush()
    return ticket


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


class LiveServer:
    """The app served by uvicorn on 127.0.0.1 in a thread: real HTTP on loopback."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        import time

        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
