"""The comments, surveys and data pages in Debian's chromium against ``kundepuls serve``.

An importer uploads a CSV with a bad row and watches it through to the rejects; a reader
filters the comments by a theme and previews a survey. Screenshots of each page go to
``test-artifacts/screenshots/``.
"""

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kundepuls.accounts import service as accounts
from kundepuls.db import make_engine, session_scope
from kundepuls.facts.models import Response
from kundepuls.surveys import service as surveys
from kundepuls.surveys.definitions import parse_definition
from kundepuls.surveys.models import Invitation
from kundepuls.text import service as text
from tests.browser import SHOTS, chromium, log_in, serve
from tests.demo.conftest import build_store

pytestmark = pytest.mark.browser

PASSWORD = "fjord-og-fjell-2026"
USERS = {"analyst": "ola@butikk.no", "admin": "eva@butikk.no"}
SURVEYS = [
    {"key": "etter-kjop", "title": {"nb": "Hvordan var handelen?", "nn": "Korleis var handelen?",
     "en": "How was your purchase?"}, "touchpoint": "etter_kjop",
     "questions": [{"id": "nps", "type": "nps", "follow_up": True}],
     "trigger": {"kind": "after_purchase", "delay_hours": 24}},
    {"key": "etter-support", "title": {"nb": "Hvordan var hjelpen?", "en": "How was our help?"},
     "touchpoint": "etter_support", "questions": [{"id": "csat", "type": "csat",
     "follow_up": True}], "trigger": {"kind": "ticket_resolved", "delay_hours": 2}},
    {"key": "relasjon", "title": {"nb": "Hvor fornøyd er du med oss?",
     "en": "How happy are you with us?"}, "questions": [{"id": "nps", "type": "nps"}],
     "trigger": {"kind": "schedule", "every": "quarter", "sample": 200}},
]  # fmt: skip


def _invitations(session: Session) -> None:
    """An invitation behind every answer of the last half year, and some never answered."""
    rng = random.Random(7)
    rows = session.execute(select(Response.response_id, Response.survey, Response.submitted_at))
    answers = rows.all()
    newest = max(at for _, _, at in answers)
    recent = [(rid, key, at) for rid, key, at in answers if at > newest - timedelta(days=180)]
    for i, (rid, key, at) in enumerate(recent):
        sent = at - timedelta(hours=rng.randint(2, 72))
        common = {"survey": key, "survey_version": 1, "channel": "email", "sent_at": sent}
        session.add(Invitation(invitation_id=f"a{i}", status="answered", response_id=rid, **common))
        for j in range(rng.choice((1, 2, 2, 3))):
            session.add(Invitation(invitation_id=f"n{i}-{j}", status="sent", **common))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A demo store (1,500 customers) with analysed comments, surveys and invitations."""
    built = build_store(tmp_path_factory.mktemp("sections") / "kundepuls.db", customers=1500)
    engine = make_engine(built.url)
    with session_scope(engine) as session:
        text.analyze_responses(session)
        for definition in SURVEYS:
            surveys.save_survey(session, parse_definition(definition))
        _invitations(session)
        for role, email in USERS.items():
            name = "Ola Nordmann" if role == "analyst" else "Eva Hansen"
            accounts.create_user(session, email, role, PASSWORD, display_name=name)
    engine.dispose()
    return built.url


@pytest.fixture
def server(store: str, tmp_path: Path) -> Iterator[str]:
    with serve(store, tmp_path) as base:
        yield base


def _orders_csv(path: Path, rows: int) -> Path:
    """An order export with one bad amount and one bad date among many good rows."""
    lines = ["order_id;customer_id;ordered_at;amount;currency;channel"]
    for i in range(rows):
        amount = "ukjent" if i == 41 else f"{100 + i % 900},50"
        when = "32.13.2026" if i == 77 else f"{1 + i % 28:02d}.11.2026 12:{i % 60:02d}"
        lines.append(f"web-{i};kunde-{i % 700};{when};{amount};NOK;nettbutikk")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_upload_comments_and_surveys_in_a_real_browser(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with chromium() as browser:
        # An analyst sees the store but may not import (imports:write is admin and up).
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        log_in(page, server, USERS["analyst"], PASSWORD)
        page.goto(f"{server}/data")
        expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
        expect(page.get_by_text("Din rolle kan ikke importere data")).to_be_visible()

        # Comments: filter by a theme through the form; the URL keeps the filter.
        page.goto(f"{server}/comments")
        expect(page.get_by_role("heading", name="Temaer")).to_be_visible()
        page.screenshot(path=SHOTS / "comments.png", full_page=True)
        page.get_by_label("Tema", exact=True).select_option("delivery")
        page.get_by_role("button", name="Bruk filter").click()
        expect(page).to_have_url(f"{server}/comments?" + page.url.split("?", 1)[1])
        assert "theme=delivery" in page.url
        listed = page.locator("#list-heading ~ ul.comment-list > li")
        expect(listed.first).to_be_visible()
        for i in range(listed.count()):
            expect(listed.nth(i).locator("a.chip", has_text="Levering")).to_have_count(1)
        assert page.locator("blockquote[lang]").count() >= listed.count()

        # Surveys: the list, a survey with its preview in a sandboxed frame.
        page.goto(f"{server}/surveys")
        expect(page.get_by_role("link", name="Hvordan var handelen?")).to_be_visible()
        page.screenshot(path=SHOTS / "surveys-list.png", full_page=True)
        page.get_by_role("link", name="Hvordan var handelen?").click()
        frame = page.frame_locator("iframe.preview-frame")
        expect(frame.get_by_text("Hvor sannsynlig er det at du vil anbefale")).to_be_visible()
        page.get_by_role("link", name="Nynorsk").click()
        expect(frame.get_by_text("Kor sannsynleg er det at du vil tilrå")).to_be_visible()
        frame.locator("label[for=q_nps-9]").click()
        frame.get_by_role("button").click()  # the sandbox and form-action 'none' stop it
        expect(frame.get_by_text("Forhåndsvisning – svar blir ikke lagret.")).to_be_visible()
        page.screenshot(path=SHOTS / "survey-detail.png", full_page=True)

        # The same reader on a phone, in English.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{server}/comments?sentiment=negative")
        page.get_by_role("button", name="Bytt språk til engelsk").click()
        expect(page.get_by_role("heading", name="Comments", exact=True)).to_be_visible()
        assert "sentiment=negative" in page.url
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.screenshot(path=SHOTS / "comments-mobile-en.png", full_page=False)
        page.close()

        # An admin uploads a file with two bad rows and follows it to the rejects.
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        log_in(page, server, USERS["admin"], PASSWORD)
        page.goto(f"{server}/data")
        page.screenshot(path=SHOTS / "data.png", full_page=True)
        page.get_by_label("Type data").select_option("orders")
        page.get_by_label("Fil", exact=True).set_input_files(
            _orders_csv(tmp_path / "ordrer.csv", 30_000)
        )
        page.get_by_role("button", name="Last opp og importer").click()
        expect(page.locator("#import-bar")).to_be_visible()
        expect(page.get_by_role("heading", name="Import av ordrer.csv")).to_be_visible()
        expect(page.get_by_role("status")).to_have_text("Ferdig", timeout=120_000)
        expect(page.locator('[data-count="inserted"]')).to_have_text("29\u00a0998")
        expect(page.locator('[data-count="rejected"]')).to_have_text("2")
        rejects = page.locator("table.rejects tbody tr")
        expect(rejects).to_have_count(2)
        expect(rejects.nth(0)).to_contain_text("42")
        expect(rejects.nth(0)).to_contain_text("amount")
        expect(rejects.nth(1)).to_contain_text("ordered_at")
        with page.expect_download() as download:
            page.get_by_role("link", name="Last ned avviste rader (CSV)").click()
        saved = download.value.path().read_text(encoding="utf-8-sig")
        assert "web-41" in saved
        assert "reason" in saved.splitlines()[0]
        page.screenshot(path=SHOTS / "data-import.png", full_page=True)

        # The survey form: a mistake is shown at its field, in the user's language.
        page.goto(f"{server}/surveys/etter-kjop/edit")
        page.get_by_label("Lenken utløper etter (dager)").fill("0")
        page.get_by_role("button", name="Lagre").click()
        expect(page.locator("#expires_after_days-error")).to_have_text("Må være minst 1.")
        page.screenshot(path=SHOTS / "survey-edit.png", full_page=True)
