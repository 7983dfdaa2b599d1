"""Our KPI against benchmarks: statistics checked against scipy/statsmodels, and the words."""

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import stats as sps
from sqlalchemy.orm import Session
from statsmodels.stats import proportion as smp

from kundepuls.benchmarks import service
from kundepuls.benchmarks.schemas import BenchmarkCreate
from kundepuls.config import get_settings
from kundepuls.kit.errors import NotFoundError
from tests.benchmarks.conftest import plant, scores

NPS = scores(1, 400, 0, 10, [3, 1, 1, 1, 2, 2, 4, 6, 10, 14, 12])
CSAT = scores(2, 300, 1, 5, [1, 2, 3, 6, 5])
CES = scores(3, 250, 1, 7, [1, 1, 2, 3, 5, 6, 4])


def _bench(session: Session, **fields: object) -> int:
    data = {"source": "Norsk Kundebarometer", "kind": "industry", "period_start": "2026-03-01",
            "period_end": "2026-03-31", **fields}  # fmt: skip
    found, _new = service.add(session, get_settings(), BenchmarkCreate.model_validate(data))
    session.commit()
    return found.id


def test_a_share_against_a_benchmark_with_n_is_the_wald_two_sample_test(
    session: Session,
) -> None:
    plant(session, NPS, CSAT, CES)
    ours = sum(s >= 4 for s in CSAT)
    bench_id = _bench(session, kpi="csat", value=62.5, n=800)
    result = service.compare(session, get_settings(), benchmark_id=bench_id, lang="en")[0]
    test = smp.test_proportions_2indep(ours, len(CSAT), 500, 800, method="wald", compare="diff")
    low, high = smp.confint_proportions_2indep(ours, len(CSAT), 500, 800, method="wald")
    assert result.value == pytest.approx(100 * ours / len(CSAT))
    assert result.diff == pytest.approx(100 * (ours / len(CSAT) - 0.625))
    assert result.p_value == pytest.approx(test.pvalue, rel=1e-9)
    assert result.diff_low == pytest.approx(100 * low, rel=1e-9)
    assert result.diff_high == pytest.approx(100 * high, rel=1e-9)
    assert result.benchmark_uncertainty == "n"


def test_a_mean_against_a_benchmark_interval(session: Session) -> None:
    plant(session, NPS, CSAT, CES)
    bench_id = _bench(session, kpi="ces", value=5.0, ci_low=4.8, ci_high=5.2, kind="competitor",
                      source="Konkurrent AS")  # fmt: skip
    result = service.compare(session, get_settings(), benchmark_id=bench_id, lang="en")[0]
    values = np.array(CES, dtype=float)
    se_ours = values.std(ddof=1) / np.sqrt(len(values))
    se_bench = 0.4 / (2 * sps.norm.ppf(0.975))
    z = (values.mean() - 5.0) / np.hypot(se_ours, se_bench)
    assert result.diff == pytest.approx(values.mean() - 5.0)
    assert result.p_value == pytest.approx(2 * sps.norm.sf(abs(z)), rel=1e-9)
    assert result.benchmark_uncertainty == "interval"
    side = "above" if result.diff and result.diff > 0 else "below"
    assert f"{side} Konkurrent AS" in result.verdict


def test_nps_against_a_fixed_number_is_a_one_sample_z_test(session: Session) -> None:
    plant(session, NPS, CSAT, CES)
    bench_id = _bench(session, kpi="nps", value=20.0)
    result = service.compare(session, get_settings(), benchmark_id=bench_id)[0]
    points = np.array([1.0 if s >= 9 else -1.0 if s <= 6 else 0.0 for s in NPS])
    z = (100 * points.mean() - 20.0) / (100 * points.std(ddof=0) / np.sqrt(len(points)))
    assert result.p_value == pytest.approx(2 * sps.norm.sf(abs(z)), rel=1e-9)
    assert result.benchmark_uncertainty == "none"


def test_nps_benchmark_with_only_n_uses_the_largest_variance_of_its_value(
    session: Session,
) -> None:
    plant(session, NPS, CSAT, CES)
    bench_id = _bench(session, kpi="nps", value=30.0, n=500)
    result = service.compare(session, get_settings(), benchmark_id=bench_id)[0]
    points = np.array([1.0 if s >= 9 else -1.0 if s <= 6 else 0.0 for s in NPS])
    se = np.hypot(100 * points.std(ddof=0) / np.sqrt(len(points)), 100 * np.sqrt((1 - 0.09) / 500))
    assert result.diff_high == pytest.approx(result.diff + sps.norm.ppf(0.975) * se)


@pytest.mark.parametrize(
    ("value", "lang", "words"),
    [
        (46.0, "nb", "over bransjen, men ikke signifikant"),
        (46.0, "en", "above the industry, but not significantly"),
        (10.0, "nb", "signifikant over bransjen"),
        (80.0, "en", "significantly below the industry"),
    ],
)
def test_the_verdict_in_words(session: Session, value: float, lang: str, words: str) -> None:
    # 200 answers: 130 promoters and 30 detractors, NPS exactly 50.
    plant(session, [10] * 130 + [8] * 40 + [2] * 30, [], [])
    bench_id = _bench(session, kpi="nps", value=value, n=300)
    result = service.compare(session, get_settings(), benchmark_id=bench_id, lang=lang)[0]
    assert result.value == pytest.approx(50.0)
    assert result.verdict == words
    assert words in result.text


def test_few_answers_are_never_called_different(session: Session) -> None:
    plant(session, [0] * 10, [], [])
    bench_id = _bench(session, kpi="nps", value=60.0)
    result = service.compare(session, get_settings(), benchmark_id=bench_id, lang="en")[0]
    assert result.low_sample
    assert result.verdict == "too few answers to compare with the industry (n = 10 < 30)"


def test_a_segment_and_missing_data(session: Session) -> None:
    plant(session, NPS, CSAT, CES)
    plant(session, [10] * 40, [], [], channel="app")
    bench_id = _bench(session, kpi="nps", value=60.0)
    app = service.compare(session, get_settings(), kpi="nps", where=["channel=app"])[0]
    assert app.value == 100.0
    assert app.n == 40
    empty = _bench(session, kpi="nps", value=60.0, period_start="2025-01-01",
                   period_end="2025-01-31")  # fmt: skip
    result = service.compare(session, get_settings(), benchmark_id=empty)[0]
    assert result.verdict == "ingen egne data i perioden å sammenligne med bransjen"
    assert bench_id != empty


def test_bad_benchmarks_name_the_field(session: Session) -> None:
    base = {"kpi": "nps", "source": "X", "kind": "industry", "period_start": "2026-03-01",
            "period_end": "2026-03-31", "value": 10}  # fmt: skip
    with pytest.raises(ValidationError, match="period_end: comes before period_start"):
        BenchmarkCreate.model_validate({**base, "period_end": "2026-02-01"})
    with pytest.raises(ValidationError, match="the interval must contain the value"):
        BenchmarkCreate.model_validate({**base, "ci_low": 20, "ci_high": 30})
    with pytest.raises(ValidationError, match="kind"):
        BenchmarkCreate.model_validate({**base, "kind": "friend"})
    with pytest.raises(NotFoundError, match="unknown KPI 'npx'"):
        service.add(session, get_settings(), BenchmarkCreate.model_validate({**base, "kpi": "npx"}))
    with pytest.raises(NotFoundError, match="benchmark 7: no such benchmark"):
        service.remove(session, 7)
