"""The customers pages over real HTTP on SQLite and PostgreSQL: the numbers are the service's
(and an independent count's), filters and bad parameters, downloads read back, masked
comments, 404, the empty state with "compute now" (CSRF, admins only) and the nightly job."""

import io
import re
from collections.abc import Iterator

import httpx
import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from kundepuls.accounts.models import AuditEntry
from kundepuls.app import create_app
from kundepuls.config import Settings
from kundepuls.db import make_engine, migrate, session_scope
from kundepuls.facts.models import Customer
from kundepuls.jobs import schedule
from kundepuls.kit.i18n import Formats
from kundepuls.predict import customers, tasks
from kundepuls.predict.customers import Filters
from kundepuls.predict.models import CustomerPrediction, PredictionFit
from kundepuls.predict.page_texts import TEXTS
from kundepuls.predict.pages import reason_text
from kundepuls.predict.rfm import SEGMENTS, label
from tests.conftest import BACKENDS, new_store_url
from tests.pages_support import csrf, csrf_of, norm, sign_in_as, text_of
from tests.predict.pages_store import EMAIL, PHONE, TZ, Store, build_store
from tests.support import served, uvicorn_thread


class _Shown:
    """Numbers as the page's text shows them (text_of turns no-break spaces into spaces)."""

    def __init__(self, lang: str) -> None:
        self.formats = Formats(lang, TZ)

    def number(self, value: float | None, digits: int = 0) -> str:
        return norm(self.formats.number(value, digits))

    def interval(self, low: float | None, high: float | None) -> str:
        return norm(self.formats.interval(low, high))


NB = _Shown("nb")


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """The small demo with predictions, once per backend (the tests only read it)."""
    with new_store_url(request.param, tmp_path_factory.mktemp("customers")) as url:
        migrate(url)
        yield build_store(url)


@pytest.fixture(scope="module")
def base(store: Store) -> Iterator[str]:
    """The app over the store on loopback, once per backend."""
    app = create_app(Settings(database_url=store.url, secret_key="test-secret"))
    with uvicorn_thread(app) as base:
        yield base


@pytest.fixture
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as client:
        yield client


def _overview(store: Store, filters: Filters | None = None) -> customers.Overview:
    engine = make_engine(store.url)
    with session_scope(engine) as session:
        data = customers.overview(session, filters or Filters())
        session.expunge_all()
    engine.dispose()
    return data


def _card(page: str, key: str) -> str:
    """The card's figures (its text after the heading)."""
    found = re.search(rf'data-key="{key}">.*?</h3>(.*?)</li>', page, re.S)
    assert found, f"no card {key}"
    return text_of(found.group(1)).strip()


def _list_ids(page: str, key: str) -> list[str]:
    found = re.search(rf'<table id="list-{key}".*?</table>', page, re.S)
    assert found, f"no list {key}"
    return re.findall(r'<tr data-customer="([^"]+)"', found.group(0))


def test_the_page_shows_the_services_numbers(client: httpx.Client, store: Store) -> None:
    sign_in_as(client, store.url, "viewer")
    answer = client.get("/customers")
    assert answer.status_code == 200
    page = answer.text
    data = _overview(store)
    s = data.summary
    assert s.predicted > 100
    assert s.with_clv == s.predicted
    assert s.churn_scored == s.predicted
    assert _card(page, "customers").startswith(NB.number(s.customers))
    assert f"{NB.number(s.predicted)} med minst én bestilling" in _card(page, "customers")
    alive = _card(page, "alive")
    assert alive.startswith(NB.number(s.expected_alive))
    assert f"95 % intervall {NB.interval(s.alive_low, s.alive_high)}" in alive
    assert _card(page, "value").startswith(f"{NB.number(s.total_clv)} kr")
    assert f"{NB.number(s.mean_clv)} kr per kunde" in _card(page, "value")
    assert _card(page, "risk").startswith(NB.number(s.high_risk))
    assert _card(page, "at_risk") == NB.number(len(data.lists["leaving"]))
    assert _card(page, "ambassadors") == NB.number(len(data.lists["ambassadors"]))
    # An independent count straight from the table: the page agrees with plain SQL.
    engine = make_engine(store.url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                CustomerPrediction.rfm_segment, sa.func.count(), sa.func.sum(CustomerPrediction.clv)
            ).group_by(CustomerPrediction.rfm_segment)
        ).all()
        alive_sum = conn.scalar(sa.select(sa.func.sum(CustomerPrediction.prob_alive)))
        high = conn.scalar(sa.select(sa.func.count()).where(CustomerPrediction.churn_risk >= 0.5))
        fit_n = conn.scalar(sa.select(PredictionFit.customers).where(PredictionFit.kind == "clv"))
    engine.dispose()
    assert s.expected_alive == pytest.approx(alive_sum)
    assert s.high_risk == high
    table = re.search(r'<table id="segments-table".*?</table>', page, re.S)
    assert table
    for key, n, total in rows:
        row = re.search(rf'<tr data-segment="{key}".*?</tr>', table.group(0), re.S)
        assert row, key
        cells = text_of(row.group(0))
        assert label(key, "nb") in cells
        assert NB.number(n) in cells
        assert NB.number(total) in cells
    assert f"på {NB.number(fit_n)} kunder med minst én bestilling" in text_of(page)
    assert "chart-data" in page
    assert "/vendor/plotly.min.js" in page
    # A viewer sees no change form, and may not compute (even with a valid CSRF token).
    assert 'action="/customers/refresh"' not in page
    refused = client.post("/customers/refresh", data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 403
    # Named customers are personal data: analysts and up, as in the predictions API.
    assert 'id="list-valuable"' not in page
    assert "vises bare for analytikere og oppover" in text_of(page)
    assert client.get(f"/customers/{store.customer_id}").status_code == 403
    assert client.get("/customers?table=valuable&format=csv").status_code == 403
    sign_in_as(client, store.url, "analyst")
    page = client.get("/customers").text
    # The first list is cut to the default size, highest value first, as the service ranks.
    assert _list_ids(page, "valuable") == [r.customer_id for r in data.lists["valuable"][:25]]


def test_the_leaving_list_says_why_in_plain_words(client: httpx.Client, store: Store) -> None:
    sign_in_as(client, store.url, "analyst", language="en")
    page = client.get("/customers?tab=leaving").text
    data = _overview(store)
    leaving = data.lists["leaving"]
    assert leaving, "the small demo has customers about to leave"
    assert _list_ids(page, "leaving") == [r.customer_id for r in leaving[:25]]
    text = text_of(page)
    assert "About to leave" in text
    assert "Customers" in text
    fmt = Formats("en", TZ)
    tx = {**TEXTS["en"]}
    for row in leaving:
        for reason in row.reasons:
            assert reason.key != "text", f"a reason without words: {reason}"
            assert "=" not in reason_text(reason, tx, fmt)
    first = leaving[0]
    assert first.reasons
    assert norm(reason_text(first.reasons[0], tx, fmt)) in text
    # Fresh warning signs first, then by churn risk.
    signs = [
        any(r.key in ("alive_fell", "alive_low", "detractor") for r in x.reasons) for x in leaving
    ]
    assert signs == sorted(signs, reverse=True)


def test_filters_live_in_the_url(client: httpx.Client, store: Store) -> None:
    sign_in_as(client, store.url, "analyst")
    data = _overview(store)
    top = data.lists["valuable"][0]
    region, rfm = top.region, top.rfm_segment
    assert region
    answer = client.get("/customers", params={"rfm": rfm, "region": region, "limit": "3"})
    assert answer.status_code == 200
    filtered = _overview(store, Filters(rfm=rfm, region=region, limit=3))
    ids = _list_ids(answer.text, "valuable")
    assert ids == [r.customer_id for r in filtered.lists["valuable"][:3]]
    assert all(r.rfm_segment == rfm and r.region == region
               for r in filtered.lists["valuable"])  # fmt: skip
    assert _card(answer.text, "customers").startswith(NB.number(filtered.summary.customers))
    assert 0 < filtered.summary.predicted < data.summary.predicted


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("limit=abc", ["Antall i listene", "«abc»"]),
        ("limit=100000", ["Antall i listene", "«100000»"]),
        ("rfm=vip", ["RFM-segment", "«vip»"]),
        ("region=Atlantis", ["Region", "«Atlantis»"]),
        ("segment=%3Cscript%3E", ["Kundesegment", "«<script>»"]),
    ],
)
def test_bad_parameters_get_a_message_naming_the_field(
    client: httpx.Client, store: Store, query: str, words: list[str]
) -> None:
    sign_in_as(client, store.url, "viewer")
    answer = client.get(f"/customers?{query}")
    assert answer.status_code == 422
    alert = re.search(r'<div class="message" role="alert">(.*?)</div>', answer.text, re.S)
    assert alert, "no message"
    for word in words:
        assert word in text_of(alert.group(1))
    assert "<script>" not in answer.text.split("<main", 1)[-1]  # escaped, never markup


def test_lists_download_as_csv_and_excel(client: httpx.Client, store: Store) -> None:
    sign_in_as(client, store.url, "viewer")
    assert client.get("/customers?table=leaving&format=csv").status_code == 403
    assert client.get("/customers?table=segments&format=csv").status_code == 403
    sign_in_as(client, store.url, "analyst")
    data = _overview(store)
    for table in ("valuable", "leaving", "ambassadors"):
        rows = data.lists[table]
        answer = client.get(f"/customers?table={table}&format=csv")
        assert answer.status_code == 200, answer.text
        assert "attachment" in answer.headers["content-disposition"]
        frame = pd.read_csv(io.BytesIO(answer.content), sep=";", encoding="utf-8-sig",
                            dtype={"Kunde-ID": str})  # fmt: skip
        assert list(frame["Kunde-ID"]) == [r.customer_id for r in rows]
        assert frame["Forventet verdi 12 mnd."].tolist() == pytest.approx(
            [round(r.clv or 0, 2) for r in rows]
        )
        if table == "leaving":
            assert frame["Hvorfor"].notna().all()
            assert not frame["Hvorfor"].str.contains("=").any()
    xlsx = client.get("/customers?table=segments&format=xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    got = [(r[0], r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert got == [(label(s.key, "nb"), s.customers) for s in data.segments]
    assert [c.value for c in sheet[1]][:2] == ["Segment", "Kunder"]
    wrong = client.get("/customers?table=orders&format=csv")
    assert wrong.status_code == 422
    assert "table" in wrong.text
    assert client.get("/customers?format=pdf").status_code == 422


def test_a_customer_page_with_masked_comments(client: httpx.Client, store: Store) -> None:
    sign_in_as(client, store.url, "analyst")
    answer = client.get(f"/customers/{store.customer_id}")
    assert answer.status_code == 200
    page = answer.text
    assert EMAIL not in page
    assert PHONE not in page
    assert PHONE.replace(" ", "") not in page
    first = store.name.split()[0]
    comment = re.search(r'<td class="comment">(.*?)</td>', page, re.S)
    assert comment
    assert "[e-post]" in comment.group(1)
    assert "[telefon]" in comment.group(1)
    assert first not in comment.group(1)
    text = text_of(page)
    engine = make_engine(store.url)
    with session_scope(engine) as session:
        detail = customers.customer_detail(session, store.customer_id)
        p = detail.prediction
        assert p is not None
        assert p.clv is not None
        assert p.prob_alive is not None
        assert f"{NB.number(p.clv)} kr" in text
        assert f"{NB.number(100 * p.prob_alive)} %" in text
        assert label(p.rfm_segment, "nb") in text
        assert f"Bestillinger ({NB.number(detail.counts['orders'])})" in text
    listed = [r for r in _overview(store).lists["valuable"] if r.customer_id == store.customer_id]
    assert listed[0].orders == detail.counts["orders"]  # the list counts orders as this page
    engine.dispose()
    assert "Historikk" in text
    assert "Svar på undersøkelser" in text


def test_an_unknown_customer_gets_a_clear_404(client: httpx.Client, store: Store) -> None:
    sign_in_as(client, store.url, "analyst")
    answer = client.get("/customers/finnes-ikke%3Cb%3E")
    assert answer.status_code == 404
    text = text_of(answer.text)
    assert "Fant ikke kunden" in text
    assert "«finnes-ikke<b>»" in text
    assert "finnes-ikke<b>" not in answer.text


@pytest.fixture
def bare(database_url: str) -> Store:
    """The small demo without predictions (a fresh store per test)."""
    return build_store(database_url, predictions=False)


def test_empty_state_and_an_admin_computes_now(bare: Store) -> None:
    with served(bare.url, secret_key="test-secret") as client:
        sign_in_as(client, bare.url, "viewer")
        page = client.get("/customers").text
        assert "Ingen spådommer ennå" in text_of(page)
        assert "kundepuls predict clv" in text_of(page)
        assert 'action="/customers/refresh"' not in page
        assert client.get("/customers?table=valuable&format=csv").status_code == 403
        sign_in_as(client, bare.url, "admin")
        page = client.get("/customers").text
        assert 'action="/customers/refresh"' in page
        assert client.post("/customers/refresh", data={}).status_code == 403  # no CSRF token
        assert client.post("/customers/refresh", data={"csrf_token": "forged"}).status_code == 403
        done = client.post("/customers/refresh", data={"csrf_token": csrf(page)},
                           follow_redirects=False)  # fmt: skip
        assert done.status_code == 303
        assert done.headers["location"] == "/customers?done=refreshed"
        page = client.get(done.headers["location"]).text
        assert "Spådommene er beregnet på nytt." in text_of(page)
        assert _list_ids(page, "valuable")
    engine = make_engine(bare.url)
    with session_scope(engine) as session:
        kinds = set(session.scalars(sa.select(PredictionFit.kind)))
        assert kinds == {"clv", "churn"}
        audit = session.scalars(sa.select(AuditEntry.action)).all()
        assert "predictions.refresh" in audit
    engine.dispose()


def test_the_nightly_job_is_scheduled_and_safe_to_run_twice(bare: Store) -> None:
    assert "predict.refresh_predictions" in schedule()
    engine = make_engine(bare.url)

    def stored() -> dict[str, tuple[float | None, float | None, str]]:
        with session_scope(engine) as session:
            rows = session.scalars(sa.select(CustomerPrediction)).all()
            return {p.customer_id: (p.clv, p.churn_risk, p.rfm_segment) for p in rows}

    first = tasks.refresh_predictions(bare.url)
    assert "skipped" not in first, first
    once = stored()
    assert tasks.refresh_predictions(bare.url) == first
    twice = stored()
    assert once.keys() == twice.keys()
    assert len(once) > 100
    for key, (clv, risk, segment) in once.items():
        assert twice[key][2] == segment
        assert twice[key][0] == pytest.approx(clv, rel=1e-3)
        assert twice[key][1] == pytest.approx(risk, rel=1e-3, abs=1e-6)
    engine.dispose()


def test_the_job_on_a_store_without_orders_says_why(database_url: str) -> None:
    result = tasks.refresh_predictions(database_url)
    assert "rfm skipped: no orders in the store yet" in result


def test_texts_exist_in_both_languages() -> None:
    assert TEXTS["nb"].keys() == TEXTS["en"].keys()
    for key in SEGMENTS:
        assert f"seg_help_{key}" in TEXTS["nb"]
    from kundepuls.predict.features import EXPERIENCE, PURCHASE

    for feature in PURCHASE + EXPERIENCE:
        assert f"why_{feature}" in TEXTS["nb"], feature


def test_computing_on_a_store_without_orders_says_so(database_url: str) -> None:
    with served(database_url, secret_key="test-secret") as client:
        sign_in_as(client, database_url, "owner")
        page = client.get("/customers").text
        assert "Databasen har ingen bestillinger ennå" in text_of(page)
        answer = client.post("/customers/refresh", data={"csrf_token": csrf(page)})
        assert answer.status_code == 303
        text = text_of(client.get(answer.headers["location"]).text)
        assert "Ingen spådommer kunne beregnes med dataene som finnes nå." in text
        assert "Ingen spådommer ennå" in text


def test_a_customer_without_orders_has_a_page_without_predictions(
    client: httpx.Client, store: Store
) -> None:
    engine = make_engine(store.url)
    with engine.connect() as conn:
        buyers = sa.select(CustomerPrediction.customer_id)
        quiet = conn.scalar(
            sa.select(Customer.customer_id).where(Customer.customer_id.not_in(buyers)).limit(1)
        )
    engine.dispose()
    assert quiet
    sign_in_as(client, store.url, "analyst", language="en")
    answer = client.get(f"/customers/{quiet}")
    assert answer.status_code == 200
    text = text_of(answer.text)
    assert "No predictions for this customer" in text
    assert "Orders (0)" in text


def test_a_customer_id_with_a_slash_and_spaces_has_its_page(database_url: str) -> None:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        session.add(Customer(customer_id="NO/2026 7", name="Åse Ødegård", attributes={}))
    engine.dispose()
    with served(database_url, secret_key="test-secret") as client:
        sign_in_as(client, database_url, "analyst")
        answer = client.get("/customers/NO%2F2026%207")
        assert answer.status_code == 200
        assert "Åse Ødegård" in text_of(answer.text)
