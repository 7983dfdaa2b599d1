"""The actions pages over HTTP on SQLite and PostgreSQL: the numbers are measure_effect's
(and an independent computation's), the forms create, change and delete with per-field
errors and an audit entry, viewers change nothing, CSRF is checked, downloads read back."""

import io
import random
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from scipy import stats as sps
from sqlalchemy import func, insert, select

from kundepuls.accounts.models import AuditEntry
from kundepuls.actions import service
from kundepuls.actions.models import Action
from kundepuls.actions.schemas import ActionCreate
from kundepuls.db import make_engine, session_scope
from kundepuls.facts.models import Ticket
from kundepuls.kit.times import local_midnight
from tests.pages_support import app_client, chart_json, cheap_hashes, csrf, log_in, text_of

TZ = ZoneInfo("Europe/Oslo")
BEFORE_DAYS = 56  # the start is 56 days ago: before and after are both 56 days long
FORM = {"title": "Helgevakt", "kpi": "first_response_hours", "segment": "weekend=true",
        "compare": "weekend=false", "start_date": "", "end_date": "", "status": "running",
        "owner": "Kari", "expected_effect": "-2", "description": ""}  # fmt: skip


def _today() -> date:
    return datetime.now(TZ).date()


def _tickets(url: str) -> None:
    """Four tickets a day for 112 days: weekends answered in ~10 h before the start, ~5 h after;
    weekdays in ~4 h throughout."""
    rnd = random.Random(7)
    today = _today()
    start = today - timedelta(days=BEFORE_DAYS)
    rows = []
    for day in range(2 * BEFORE_DAYS):
        local = today - timedelta(days=2 * BEFORE_DAYS - day)
        weekend = local.weekday() >= 5
        mean = (10.0 if local < start else 5.0) if weekend else 4.0
        for k in range(4):
            created = local_midnight(local, TZ) + timedelta(hours=8 + 3 * k)
            hours = max(0.1, rnd.gauss(mean, 2.0))
            rows.append({"ticket_id": f"t{day}-{k}", "created_at": created,
                         "first_response_at": created + timedelta(hours=hours),
                         "attributes": {}, "updated_at": datetime.now(UTC)})  # fmt: skip
    engine = make_engine(url)
    with session_scope(engine) as session:
        session.execute(insert(Ticket.__table__), rows)
    engine.dispose()


def _add(url: str, **fields: object) -> int:
    data = {"title": "Helgevakt", "kpi": "first_response_hours",
            "start_date": _today() - timedelta(days=BEFORE_DAYS), "segment": "weekend=true",
            "compare": "weekend=false", "status": "running", **fields}  # fmt: skip
    engine = make_engine(url)
    with session_scope(engine) as session:
        action_id = service.add_action(session, ActionCreate.model_validate(data)).id
    engine.dispose()
    return action_id


def _effect(url: str, action_id: int) -> object:
    engine = make_engine(url)
    with session_scope(engine) as session:
        result = service.measure_effect(session, action_id, tz=TZ)
    engine.dispose()
    return result


def _count(url: str, model: type, **where: object) -> int:
    engine = make_engine(url)
    with session_scope(engine) as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        n = int(session.scalar(query) or 0)
    engine.dispose()
    return n


@pytest.fixture
def client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    cheap_hashes(monkeypatch)
    with app_client(database_url) as client:
        yield client


def test_list_and_detail_show_measure_effects_numbers(
    database_url: str, client: TestClient
) -> None:
    _tickets(database_url)
    action_id = _add(database_url, owner="Kari", description="Ring kari@butikk.no, 912 34 567")
    effect = _effect(database_url, action_id)
    did = effect.difference_in_differences  # type: ignore[attr-defined]
    assert did is not None
    assert did.significant
    assert did.effect < 0
    log_in(client, database_url, "viewer")

    page = client.get("/actions").text
    row = re.search(rf'<tr id="action-{action_id}"[^>]*>', page)
    assert row
    assert f'data-effect="{did.effect}"' in row.group(0)
    assert f'data-ci-low="{did.ci_low}"' in row.group(0)
    assert f'data-ci-high="{did.ci_high}"' in row.group(0)
    assert 'data-outcome="worked"' in row.group(0)
    text = text_of(page)
    low, high = (f"{v:.1f}".replace("-", "−").replace(".", ",") for v in (did.ci_low, did.ci_high))
    assert f"Virket {f'{did.effect:+.1f}'.replace('-', '−').replace('.', ',')}" in text
    assert f"(95 % KI {low} til {high})" in text
    assert "forskjell i forskjeller" in text

    detail = client.get(f"/actions/{action_id}")
    assert detail.status_code == 200
    body = text_of(detail.text)
    assert "Virket" in body
    assert f"endret seg med {f'{did.effect:+.1f}'.replace('-', '−').replace('.', ',')}" in body
    assert "mer enn for «Helg: nei»" in body
    assert "Ring [e-post], [telefon]" in body  # free text is masked
    assert "kari@butikk.no" not in detail.text
    assert "Metoden: vi sammenligner" in body
    chart = chart_json(detail.text)
    series = {s["group"]: s for s in chart["series"]}
    assert set(series) == {"treated", "compare"}
    weekly = [w for w in effect.weekly if w.group == "treated"]  # type: ignore[attr-defined]
    assert series["treated"]["y"] == [w.value for w in weekly]
    assert series["treated"]["n"] == [w.n for w in weekly]
    assert chart["start"] == effect.start.isoformat()  # type: ignore[attr-defined]
    assert chart["before_start"] == effect.before_start.isoformat()  # type: ignore[attr-defined]
    assert 'id="weekly-table"' in detail.text
    _check_periods(database_url, effect, detail.text)


def _check_periods(url: str, effect: object, page: str) -> None:
    """The before/after table against the tickets read back and a t interval from scipy."""
    engine = make_engine(url)
    frame = pd.read_sql(sa.select(Ticket.created_at, Ticket.first_response_at), engine)
    engine.dispose()
    created = pd.to_datetime(frame["created_at"], utc=True)
    answered = pd.to_datetime(frame["first_response_at"], utc=True)
    frame["hours"] = (answered - created).dt.total_seconds() / 3600
    frame["weekend"] = created.dt.tz_convert(TZ).dt.day_of_week >= 5
    start = local_midnight(effect.start, TZ)  # type: ignore[attr-defined]
    lower = local_midnight(effect.before_start, TZ)  # type: ignore[attr-defined]
    upper = local_midnight(effect.after_end + timedelta(days=1), TZ)  # type: ignore[attr-defined]
    rows = re.findall(r'<tr data-group="(\w+)">(.*?)</tr>', page, re.S)
    assert [g for g, _ in rows] == ["treated", "compare"]
    frame["at"] = created
    nb = lambda v: f"{v:.1f}".replace("-", "−").replace(".", ",")  # noqa: E731
    for group, html in rows:
        cells = [text_of(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]
        wanted = frame[frame["weekend"] == (group == "treated")]
        stats = [p for p in effect.periods if p.group == group]  # type: ignore[attr-defined]
        windows = ((lower, start), (start, upper))
        for offset, (a, b), stat in zip((0, 3), windows, stats, strict=True):
            hours = wanted.loc[(wanted["at"] >= a) & (wanted["at"] < b), "hours"].to_numpy()
            n, mean, se = len(hours), hours.mean(), hours.std(ddof=1) / np.sqrt(len(hours))
            t = sps.t.ppf(0.975, n - 1)
            assert (stat.n, stat.value) == (n, pytest.approx(mean, rel=1e-12))
            assert stat.ci_low == pytest.approx(mean - t * se, rel=1e-9)
            assert cells[offset] == nb(mean)
            assert cells[offset + 1] == f"{nb(mean - t * se)} til {nb(mean + t * se)}"
            assert cells[offset + 2].replace("\xa0", " ") == f"{n:,}".replace(",", " ")


def _post(client: TestClient, url: str, page_url: str, **fields: str) -> object:
    token = csrf(client.get(page_url).text)
    return client.post(url, data={**FORM, **fields, "csrf_token": token}, follow_redirects=False)


def test_an_analyst_creates_edits_and_deletes_an_action(
    database_url: str, client: TestClient
) -> None:
    _tickets(database_url)
    log_in(client, database_url, "analyst")
    assert 'href="/actions/new"' in client.get("/actions").text
    start = (_today() - timedelta(days=BEFORE_DAYS)).isoformat()
    answer = _post(client, "/actions/new", "/actions/new", start_date=start,
                   description="Spør ola@example.no")  # fmt: skip
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    location = answer.headers["location"]  # type: ignore[attr-defined]
    action_id = int(re.search(r"/actions/(\d+)", location).group(1))  # type: ignore[union-attr]
    page = text_of(client.get(location).text)
    assert "Tiltaket er lagret." in page
    assert "Virket" in page
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        action = session.get(Action, action_id)
        assert action is not None
        assert (action.title, action.kpi, action.owner) == (
            "Helgevakt",
            "first_response_hours",
            "Kari",
        )
        assert (action.segment, action.compare) == ("weekend=true", "weekend=false")
        assert (action.start_date.isoformat(), action.expected_effect, action.status) == (
            start, -2.0, "running")  # fmt: skip
    edit = client.get(f"/actions/{action_id}/edit").text
    assert 'value="Helgevakt"' in edit
    assert 'value="-2"' in edit
    answer = _post(client, f"/actions/{action_id}/edit", f"/actions/{action_id}/edit",
                   title="Helgevakt i kundeservice", start_date=start, end_date="",
                   expected_effect="-1,5", status="done", segment="weekend=true")  # fmt: skip
    assert answer.status_code == 303
    with session_scope(engine) as session:
        action = session.get(Action, action_id)
        assert action is not None
        assert (action.title, action.expected_effect, action.status) == (
            "Helgevakt i kundeservice", -1.5, "done")  # fmt: skip
    token = csrf(client.get(f"/actions/{action_id}").text)
    answer = client.post(f"/actions/{action_id}/delete", data={"csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    assert "Tiltaket er slettet." in text_of(client.get(answer.headers["location"]).text)
    with session_scope(engine) as session:
        assert session.get(Action, action_id) is None
        entries = session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "action", AuditEntry.object_id == str(action_id)
        ).order_by(AuditEntry.id)).all()  # fmt: skip
    engine.dispose()
    assert list(entries) == ["action.create", "action.update", "action.delete"]


BAD = [
    ("nb", {"title": "  "}, {"title": "Skriv et navn"}),
    ("nb", {"kpi": "happiness"}, {"kpi": "Velg et nøkkeltall"}),
    ("nb", {"segment": "region Vestfold"}, {"segment": "DIMENSJON=VERDI"}),
    ("nb", {"segment": "", "compare": "weekend=false"}, {"compare": "krever at tiltaket"}),
    ("nb", {"start_date": "31.12.2026"}, {"start_date": "ÅÅÅÅ-MM-DD"}),
    ("nb", {"end_date": "2020-01-01"}, {"end_date": "etter startdatoen"}),
    ("nb", {"expected_effect": "mye"}, {"expected_effect": "Skriv et tall"}),
    ("en", {"status": "someday", "start_date": ""}, {"status": "Choose a status",
                                                     "start_date": "YYYY-MM-DD"}),
]  # fmt: skip


def test_bad_input_names_the_field_and_saves_nothing(database_url: str, client: TestClient) -> None:
    action_id = _add(database_url, title="Uendret")
    edit = f"/actions/{action_id}/edit"
    for lang in ("nb", "en"):
        log_in(client, database_url, "analyst", lang)
        for fields in [f for case_lang, f, _ in BAD if case_lang == lang]:
            expected = next(e for c, f, e in BAD if f is fields)
            for url in ("/actions/new", edit):  # the edit form refuses the same way
                answer = _post(client, url, url, **{"start_date": "2026-06-01", **fields})
                assert answer.status_code == 422, (url, fields)  # type: ignore[attr-defined]
                page = answer.text  # type: ignore[attr-defined]
                for field, message in expected.items():
                    found = re.search(rf'<span class="field-error" id="e-{field}">([^<]*)</span>',
                                      page)  # fmt: skip
                    assert found, f"no error under {field}"
                    assert message in found.group(1)
                assert 'value="Kari"' in page  # what was typed is kept
    assert _count(database_url, Action) == 1
    assert _count(database_url, Action, title="Uendret", segment="weekend=true") == 1
    assert _count(database_url, AuditEntry, object_type="action") == 0


def test_a_viewer_sees_no_forms_and_every_change_is_refused(
    database_url: str, client: TestClient
) -> None:
    action_id = _add(database_url)
    log_in(client, database_url, "viewer")
    listing = client.get("/actions").text
    detail = client.get(f"/actions/{action_id}").text
    for page in (listing, detail):
        assert "Helgevakt" in page
        assert "/actions/new" not in page
        assert "/edit" not in page
        assert "/delete" not in page
        assert "format=csv" not in page  # viewers may not download
    assert "Du kan se tiltakene, men ikke endre dem." in text_of(listing)
    token = csrf(listing) if 'name="csrf_token"' in listing else ""
    token = token or re.search(r'name="csrf-token" content="([^"]+)"', listing).group(1)  # type: ignore[union-attr]
    start = {"start_date": "2026-06-01", "csrf_token": token}
    refused = [
        client.get("/actions/new"),
        client.get(f"/actions/{action_id}/edit"),
        client.get("/actions?format=csv"),
        client.get(f"/actions/{action_id}?format=xlsx"),
        client.post("/actions/new", data={**FORM, **start}),
        client.post(f"/actions/{action_id}/edit", data={**FORM, **start, "title": "X"}),
        client.post(f"/actions/{action_id}/delete", data={"csrf_token": token}),
    ]
    assert [r.status_code for r in refused] == [403] * 7
    assert _count(database_url, Action) == 1
    assert _count(database_url, Action, title="Helgevakt") == 1


def test_changes_without_a_valid_csrf_token_are_refused(
    database_url: str, client: TestClient
) -> None:
    action_id = _add(database_url)
    log_in(client, database_url, "analyst")
    data = {**FORM, "start_date": "2026-06-01"}
    refused = [
        client.post("/actions/new", data=data),
        client.post("/actions/new", data={**data, "csrf_token": "forged"}),
        client.post(f"/actions/{action_id}/edit", data={**data, "title": "X"}),
        client.post(f"/actions/{action_id}/delete", data={"csrf_token": "forged"}),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    assert _count(database_url, Action) == 1
    assert _count(database_url, Action, title="Helgevakt") == 1


def _csv(client: TestClient, url: str) -> pd.DataFrame:
    answer = client.get(url)
    assert answer.status_code == 200
    return pd.read_csv(io.BytesIO(answer.content), sep=";", encoding="utf-8-sig")


def test_downloads_read_back_with_the_pages_numbers(database_url: str, client: TestClient) -> None:
    _tickets(database_url)
    action_id = _add(database_url, description='=HYPERLINK("x") ring 912 34 567')
    planned = _add(
        database_url, title="Neste år", start_date=_today() + timedelta(days=30), status="planned"
    )
    effect = _effect(database_url, action_id)
    did = effect.difference_in_differences  # type: ignore[attr-defined]
    log_in(client, database_url, "analyst")
    answer = client.get("/actions?format=csv")
    assert answer.status_code == 200
    frame = pd.read_csv(io.BytesIO(answer.content), sep=";", encoding="utf-8-sig")
    assert list(frame["id"]) == [action_id, planned]  # running before planned
    first = frame.iloc[0]
    assert first["Effekt"] == pytest.approx(did.effect, rel=1e-12)
    assert first["ci_low"] == pytest.approx(did.ci_low, rel=1e-12)
    assert first["ci_high"] == pytest.approx(did.ci_high, rel=1e-12)
    assert first["Vurdering"] == "Virket"
    assert first["Beskrivelse"] == '\'=HYPERLINK("x") ring [telefon]'
    assert frame.iloc[1]["Vurdering"] == "For tidlig å si"
    assert pd.isna(frame.iloc[1]["Effekt"])

    url = f"/actions/{action_id}"
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"{url}?format=xlsx&table=periods").content)
    )
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("Gruppe", "Segment", "period", "Verdi", "ci_low", "ci_high", "n")
    got = {(r[0], r[2]): r[3:] for r in rows[1:]}
    for p in effect.periods:  # type: ignore[attr-defined]
        assert got[(p.group, p.period)] == pytest.approx((p.value, p.ci_low, p.ci_high, p.n),
                                                         rel=1e-14)  # fmt: skip
    weekly = _csv(client, f"{url}?format=csv&table=weekly")
    assert len(weekly) == len(effect.weekly)  # type: ignore[attr-defined]
    assert list(weekly["n"]) == [w.n for w in effect.weekly]  # type: ignore[attr-defined]
    estimates = _csv(client, f"{url}?format=csv&table=estimates")
    assert estimates.iloc[0]["Metode"] == "difference_in_differences"
    assert estimates.iloc[0]["Effekt"] == pytest.approx(did.effect, rel=1e-12)
    assert client.get(f"/actions/{action_id}?format=csv&table=nope").status_code == 422


def test_the_english_page_and_an_action_that_has_not_started(
    database_url: str, client: TestClient
) -> None:
    action_id = _add(database_url, title="Next year", start_date=_today() + timedelta(days=30))
    log_in(client, database_url, "owner", "en")
    text = text_of(client.get("/actions").text)
    assert "Too early to tell" in text
    assert "starts" in text
    detail = client.get(f"/actions/{action_id}")
    assert detail.status_code == 200
    assert "its effect can be measured once there is data after the start" in text_of(detail.text)
    assert 'id="effect-chart"' not in detail.text
    assert client.get("/actions/999999").status_code == 404
