"""One real-browser flow: Debian's chromium through Playwright against uvicorn on loopback.

Open the link from the email, pick a score, write a comment, submit, and find the answer
in the store. Skipped when /usr/bin/chromium is missing, unless KUNDEPULS_REQUIRE_BROWSER=1.
"""

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.app import create_app
from kundepuls.config import Settings, get_settings
from kundepuls.facts.models import Response
from kundepuls.surveys import outbox, triggers
from kundepuls.surveys.models import OutboxMessage
from tests.surveys.factories import (
    LiveServer,
    SMTPServer,
    add_customer,
    add_order,
    add_survey,
    text_part,
)

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


@pytest.fixture
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (make browser installs Debian's chromium)"
        if os.environ.get("KUNDEPULS_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def test_answer_from_the_email_link_in_chromium(
    chromium_path: Path,
    session: Session,
    engine: Engine,
    settings: Settings,
    smtp: SMTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import sync_playwright

    app = create_app(settings)
    with LiveServer(app) as server:
        monkeypatch.setenv("KUNDEPULS_BASE_URL", server.url)
        get_settings.cache_clear()
        live = get_settings()
        now = datetime.now(UTC)
        add_survey(session)
        add_customer(session, "kari", language="nb")
        add_order(session, "o1", "kari", now - timedelta(hours=25))
        triggers.scan(session, live, now)
        due = sa.update(OutboxMessage).where(OutboxMessage.kind == "invitation")
        session.execute(due.values(next_attempt_at=now))
        session.commit()
        assert outbox.drain(engine, live).sent == 1
        (message,) = smtp.inbox.to("kari@example.no")
        link = re.search(r"Svar på undersøkelsen: (\S+)", text_part(message))
        assert link is not None

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium_path), args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 390, "height": 844})
                page.goto(link.group(1))
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.get_by_text("9", exact=True).click()
                page.screenshot(path=str(SCREENSHOTS / "survey-score.png"), full_page=True)
                page.get_by_role("button", name="Neste").click()
                page.get_by_label("Hva likte du best?").fill("Rask levering og hyggelig service")
                page.screenshot(path=str(SCREENSHOTS / "survey-follow-up.png"), full_page=True)
                page.get_by_role("button", name="Send svar").click()
                page.get_by_role("heading", name="Takk for svaret ditt!").wait_for()
                page.screenshot(path=str(SCREENSHOTS / "survey-thanks.png"))
            finally:
                browser.close()

    session.expire_all()
    row = session.scalars(sa.select(Response)).one()
    assert (row.nps, row.customer_id) == (9, "kari")
    assert row.comment == "Rask levering og hyggelig service"
    assert row.attributes["complete"] is True
