"""Restart safety: a worker killed with SIGKILL mid-send loses and doubles nothing."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.surveys import triggers
from kundepuls.surveys.models import Invitation, OutboxMessage
from tests.support import SRC, run_cli
from tests.surveys.factories import SMTPServer, add_customer, add_order, add_survey

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_worker_killed_mid_send_sends_every_email_exactly_once(
    session: Session, settings: Settings, smtp: SMTPServer
) -> None:
    now = datetime.now(UTC)
    add_survey(session)
    for n in range(5):
        add_customer(session, f"c{n}")
        add_order(session, f"o{n}", f"c{n}", now - timedelta(hours=25))
    assert triggers.scan(session, settings, now).invited == 5
    # Due now whatever the time of day (the quiet hours are tested elsewhere).
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.kind == "invitation")
        .values(next_attempt_at=now - timedelta(seconds=1))
    )
    session.commit()

    smtp.inbox.hang_on = 3  # the third message hangs in DATA until its sender dies
    worker = subprocess.Popen(
        [sys.executable, "-m", "kundepuls", "jobs", "run", "--once", "--lease", "2"],
        env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert smtp.inbox.hanging.wait(20), "the worker never reached the third message"
    finally:
        worker.kill()  # SIGKILL: no clean-up of any kind
        worker.wait(10)
    assert len(smtp.inbox.messages) == 2
    stuck = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == "sending")).all()
    assert len(stuck) == 1, "the message being sent is left leased, not lost"

    time.sleep(2.2)  # let the dead worker's lease run out
    second = run_cli("jobs", "run", "--once", "--lease", "2", timeout=60)
    assert second.returncode == 0, second.stderr
    assert "sent 3" in second.stdout

    received = [_to(m) for m in smtp.inbox.messages]
    assert sorted(received) == sorted(f"c{n}@example.no" for n in range(5))
    assert len({m["Message-ID"] for m in smtp.inbox.messages}) == 5
    session.expire_all()
    invitations = session.scalars(sa.select(Invitation)).all()
    assert {i.status for i in invitations} == {"sent"}
    stuck_again = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.status == "sending")
    ).all()
    assert stuck_again == []


def _to(message: EmailMessage) -> str:
    return str(message["To"])
