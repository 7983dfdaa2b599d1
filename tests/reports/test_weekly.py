"""The weekly summary email over a real SMTP server on loopback: sent once per user and week."""

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from kundepuls.accounts import service as accounts
from kundepuls.config import Settings, get_settings
from kundepuls.db import engine_for, make_engine, session_scope
from kundepuls.demo.service import build_demo
from kundepuls.jobs import schedule
from kundepuls.kpis import backends
from kundepuls.reports import tasks, weekly
from kundepuls.reports.models import ReportDelivery
from kundepuls.reports.periods import parse_period
from tests.conftest import CliRun
from tests.reports import helpers
from tests.support import PASSWORD
from tests.surveys.factories import SMTPServer, html_part, text_part

OSLO = ZoneInfo("Europe/Oslo")
MONDAY_MORNING = datetime(2026, 11, 30, 8, 0, tzinfo=OSLO)  # week 48 is due
WEEK_48 = (date(2026, 11, 23), date(2026, 11, 29))


@pytest.fixture(autouse=True)
def _no_shared_connections() -> Iterator[None]:
    yield
    backends.forget()


@pytest.fixture
def people(database_url: str, smtp: SMTPServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Users of every role (one opted in, one out, one inactive); no data yet."""
    monkeypatch.setenv("KUNDEPULS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KUNDEPULS_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("KUNDEPULS_BASE_URL", "https://kundepuls.butikk.no")
    monkeypatch.setenv("KUNDEPULS_MAIL_FROM", "Kundepuls <rapport@butikk.no>")
    get_settings.cache_clear()
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        users = {
            "eier@butikk.no": ("owner", "nb"),
            "admin@butikk.no": ("admin", "en"),
            "leser@butikk.no": ("viewer", "nb"),
            "analytiker@butikk.no": ("analyst", "nb"),
            "nei@butikk.no": ("admin", "nb"),
            "borte@butikk.no": ("owner", "nb"),
        }
        for email, (role, language) in users.items():
            accounts.create_user(session, email, role, PASSWORD, display_name=email.split("@")[0],
                                 language=language)  # fmt: skip
    with session_scope(engine) as session:
        weekly.subscribe(session, "analytiker@butikk.no", True)
        weekly.subscribe(session, "nei@butikk.no", False)
        session.execute(sa.text("UPDATE users SET active = :no WHERE email = 'borte@butikk.no'"),
                        {"no": False})  # fmt: skip
    engine.dispose()
    return get_settings()


@pytest.fixture
def store(people: Settings) -> Settings:
    """The users and a small demo: who should get the summary is in ``EXPECTED``."""
    engine = make_engine(people.database_url)
    with session_scope(engine) as session:
        build_demo(session, today=date(2026, 12, 1), customers=400)
    engine.dispose()
    return people


EXPECTED = {"eier@butikk.no", "admin@butikk.no", "analytiker@butikk.no"}


def deliveries(url: str) -> list[ReportDelivery]:
    with session_scope(engine_for(url)) as session:
        return list(session.scalars(sa.select(ReportDelivery).order_by(ReportDelivery.email)))


def test_the_job_sends_each_user_one_email_even_when_it_runs_twice(
    store: Settings, smtp: SMTPServer
) -> None:
    first = tasks.send_weekly_summaries(MONDAY_MORNING)
    second = tasks.send_weekly_summaries(MONDAY_MORNING + timedelta(hours=1))
    assert first == "week 2026-W48: sent 3, already sent 0, retry later 0, failed 0"
    assert second == "week 2026-W48: sent 0, already sent 3, retry later 0, failed 0"
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(EXPECTED)
    rows = deliveries(store.database_url)
    assert {r.email for r in rows} == EXPECTED
    assert all(r.status == "sent" and r.attempts == 1 and r.sent_at for r in rows)


def test_the_email_shows_the_weeks_kpis_in_the_users_language(
    store: Settings, smtp: SMTPServer
) -> None:
    tasks.send_weekly_summaries(MONDAY_MORNING)
    owner = smtp.inbox.to("eier@butikk.no")[0]
    assert owner["Subject"].startswith("Kundepuls uke 48: NPS ")
    assert owner["Message-ID"].startswith("<kundepuls-weekly-2026-W48-")
    text = helpers.plain(text_part(owner))
    value, low, high, n = helpers.nps_reference(store.database_url, *WEEK_48)
    interval = f"{helpers.nb(low, 0)}–{helpers.nb(high, 0)}"
    if low < 0:
        interval = f"{helpers.nb(low, 0)} til {helpers.nb(high, 0)}"
    marker = " († lite utvalg)" if n < store.min_sample else ""
    assert f"NPS: {helpers.nb(value, 0)}{marker} (95 %-intervall {interval}, n = {n})" in text
    assert "Endring fra uke 47 2026" in text
    assert "Første svartid (timer)" in text
    assert "https://kundepuls.butikk.no/" in text
    html = html_part(owner)
    assert 'href="https://kundepuls.butikk.no/"' in html
    assert "https://kundepuls.butikk.no/reports/2026-W48.pdf" in html
    english = text_part(smtp.inbox.to("admin@butikk.no")[0])
    assert "Here are the key figures for week 48, 2026" in english
    assert "First response time (hours)" in english


def test_a_failed_send_is_retried_later_and_still_sent_once(
    store: Settings, smtp: SMTPServer
) -> None:
    if not store.database_url.startswith("sqlite"):
        pytest.skip("the leases are checked on PostgreSQL by the crash and two-worker tests")
    smtp.stop()
    down = tasks.send_weekly_summaries(MONDAY_MORNING)
    assert down.endswith("sent 0, already sent 0, retry later 3, failed 0")
    assert {r.status for r in deliveries(store.database_url)} == {"retry"}
    smtp.restart()
    # Before the retry time nothing goes out; after it, every email once.
    assert "sent 0," in tasks.send_weekly_summaries(MONDAY_MORNING + timedelta(minutes=10))
    tasks.send_weekly_summaries(MONDAY_MORNING + timedelta(minutes=31))
    tasks.send_weekly_summaries(MONDAY_MORNING + timedelta(minutes=32))
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(EXPECTED)
    assert {r.attempts for r in deliveries(store.database_url)} == {2}


def test_a_send_cut_off_by_a_crash_is_sent_again_after_its_lease(
    store: Settings, smtp: SMTPServer
) -> None:
    """A worker that died after claiming leaves 'sending' with a lease; it runs out, then sends."""
    with session_scope(engine_for(store.database_url)) as session:
        for user in weekly.recipients(session):
            crashed = user.email == "eier@butikk.no"
            session.add(
                ReportDelivery(
                    kind="weekly", period="2026-W48", user_id=user.id, email=user.email,
                    status="sending" if crashed else "sent", attempts=1, message_id="",
                    lease_until=MONDAY_MORNING + timedelta(minutes=5 if crashed else 0),
                )
            )  # fmt: skip
    held = tasks.send_weekly_summaries(MONDAY_MORNING + timedelta(minutes=1))
    assert held == "week 2026-W48: sent 0, already sent 2, retry later 0, failed 0"
    assert smtp.inbox.messages == []
    tasks.send_weekly_summaries(MONDAY_MORNING + timedelta(minutes=6))
    assert [m["To"] for m in smtp.inbox.messages] == ["eier@butikk.no"]
    rows = {r.email: r for r in deliveries(store.database_url)}
    assert rows["eier@butikk.no"].status == "sent"
    assert rows["eier@butikk.no"].attempts == 2


def test_two_workers_at_once_send_each_email_once(store: Settings, smtp: SMTPServer) -> None:
    results: list[str] = []
    workers = [
        threading.Thread(target=lambda: results.append(tasks.send_weekly_summaries(MONDAY_MORNING)))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert len(results) == 2
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(EXPECTED)


@pytest.mark.parametrize(
    ("local", "week"),
    [
        (datetime(2026, 11, 30, 6, 59, tzinfo=OSLO), "2026-W47"),
        (datetime(2026, 11, 30, 7, 0, tzinfo=OSLO), "2026-W48"),
        (datetime(2026, 12, 5, 23, 0, tzinfo=OSLO), "2026-W48"),
        (datetime(2026, 6, 29, 7, 0, tzinfo=OSLO), "2026-W26"),  # summer time: 05:00 UTC
        (datetime(2026, 6, 29, 4, 59, tzinfo=UTC), "2026-W25"),
        (datetime(2027, 1, 4, 7, 0, tzinfo=OSLO), "2026-W53"),
    ],
)
def test_the_due_week_starts_on_monday_at_seven_local_time(local: datetime, week: str) -> None:
    assert weekly.due_week(Settings(), local).label == week


def test_the_job_is_on_the_schedule() -> None:
    job, when = schedule()["reports.send_weekly_summaries"]
    assert job is tasks.send_weekly_summaries
    assert when == {"minute": "5"}


def test_only_an_iso_week_is_a_week() -> None:
    with pytest.raises(Exception, match="ISO week such as 2026-W48"):
        weekly.choose_week(Settings(), "2026-11")
    assert weekly.choose_week(Settings(), "2026-W48") == parse_period("2026-W48")


def test_the_command_previews_then_sends_once(
    store: Settings, smtp: SMTPServer, kundepuls_cli: Callable[..., CliRun]
) -> None:
    if not store.database_url.startswith("sqlite"):
        pytest.skip("the command calls the same job, tested on PostgreSQL above")
    preview = kundepuls_cli("report", "weekly", "--week", "2026-W48")
    assert preview.returncode == 0, preview.stderr
    assert "Subject: Kundepuls uke 48: NPS" in preview.stdout
    assert "To: " in preview.stdout
    assert "eier@butikk.no" in preview.stdout
    assert smtp.inbox.messages == []
    sent = kundepuls_cli("report", "weekly", "--send", "--week", "2026-W48")
    again = kundepuls_cli("report", "weekly", "--send", "--week", "2026-W48")
    assert sent.stdout.strip() == "week 2026-W48: sent 3, already sent 0, retry later 0, failed 0"
    assert "sent 0, already sent 3" in again.stdout
    assert len(smtp.inbox.messages) == 3


def test_a_user_turns_the_summary_off_and_on(
    people: Settings, kundepuls_cli: Callable[..., CliRun]
) -> None:
    off = kundepuls_cli("report", "subscribe", "eier@butikk.no", "--no-weekly")
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "Weekly summary off for eier@butikk.no"
    with session_scope(engine_for(people.database_url)) as session:
        weekly.subscribe(session, "leser@butikk.no", True)
    with session_scope(engine_for(people.database_url)) as session:
        assert {u.email for u in weekly.recipients(session)} == {
            "admin@butikk.no", "analytiker@butikk.no", "leser@butikk.no"
        }  # fmt: skip
    unknown = kundepuls_cli("report", "subscribe", "ingen@butikk.no")
    assert unknown.returncode == 1
    assert "no user with the email 'ingen@butikk.no'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
