"""Every built-in KPI against a plain pandas reference, on every backend."""

from datetime import date

from ibis.backends import BaseBackend

from kundepuls.kpis.catalog import KPIS
from kundepuls.kpis.engine import evaluate
from kundepuls.kpis.frames import Query
from tests.kpis.conftest import TZ
from tests.kpis.factory import Data
from tests.kpis.reference import close, reference, region

START, END = date(2026, 2, 1), date(2026, 4, 30)


def test_every_builtin_kpi_matches_its_pandas_reference(backend: BaseBackend, data: Data) -> None:
    problems = []
    for key in KPIS:
        if key == "response_rate":
            continue  # reads invitations; see test_response_rate_*
        rows = evaluate(backend, KPIS[key], Query(by=("region",), start=START, end=END), TZ)
        expected = reference(data, key, START, END)
        got = {region(r.region): r for r in rows.itertuples()}
        wanted = {region(r.region): r for r in expected.itertuples()}
        assert set(wanted) <= set(got), key
        for name, want in wanted.items():
            have = got[name]
            for field in ("n", "value", "ci_low", "ci_high"):
                if not close(getattr(have, field), getattr(want, field)):
                    problems.append(
                        f"{key} {name} {field}: {getattr(have, field)} != {getattr(want, field)}"
                    )
        extra = set(got) - set(wanted)
        assert all(got[r].n == 0 for r in extra), key
    assert not problems, "\n".join(problems)


def test_totals_without_breakdown_match_the_reference(backend: BaseBackend, data: Data) -> None:
    for key in ("nps", "aov", "fcr", "complaint_rate"):
        (row,) = evaluate(backend, KPIS[key], Query(start=START, end=END), TZ).itertuples()
        by_region = reference(data, key, START, END)
        assert row.n == by_region.n.sum(), key
