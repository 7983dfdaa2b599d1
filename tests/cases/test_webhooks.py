"""The webhook sender against a real HTTP server on loopback."""

import threading
import time

from kundepuls.kit import webhooks
from tests.cases.conftest import Receiver, free_port, serve


def test_delivers_signed_json_with_a_slack_text(receiver: Receiver) -> None:
    body = webhooks.payload("case.opened", "Case 1 opened", {"id": 1})
    delivery = webhooks.send(receiver.url, body, secret="hemmelig")
    assert delivery.ok
    assert delivery.attempts == 1
    assert receiver.bodies == [{"event": "case.opened", "text": "Case 1 opened", "data": {"id": 1}}]
    signature = receiver.headers[0][webhooks.SIGNATURE_HEADER]
    assert webhooks.verify(receiver.raw[0], "hemmelig", signature)
    assert not webhooks.verify(receiver.raw[0], "feil", signature)


def test_retries_when_the_receiver_answers_503_first(receiver: Receiver) -> None:
    receiver.fail_first = 2
    delivery = webhooks.send(receiver.url, webhooks.payload("x", "y"), backoff=0.01)
    assert delivery.ok
    assert delivery.attempts == 3
    assert len(receiver.bodies) == 1


def test_retries_until_a_server_that_was_down_comes_up() -> None:
    got = Receiver(url="", port=free_port())
    got.url = f"http://127.0.0.1:{got.port}/hook"
    servers = []
    timer = threading.Timer(0.3, lambda: servers.append(serve(got)))
    timer.start()
    try:
        delivery = webhooks.send(got.url, webhooks.payload("x", "y"), retries=6, backoff=0.1)
    finally:
        timer.join()
        time.sleep(0.01)
        for server in servers:
            server.shutdown()
            server.server_close()
    assert delivery.ok
    assert delivery.attempts > 1
    assert got.bodies[0]["text"] == "y"


def test_gives_up_after_the_retries_without_raising() -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    delivery = webhooks.send(url, webhooks.payload("x", "y"), retries=2, backoff=0.01)
    assert not delivery.ok
    assert delivery.attempts == 3
    assert delivery.error
