"""Warehouse mode on Spark: the same engine over tables that follow the data contract.

One local Spark session serves the whole test session; the tables are temporary views
made from the same seeded rows the other backends get.
"""

import json
import os
import sys
from collections.abc import Iterator
from datetime import date
from typing import Any

import pandas as pd
import pytest

from kundepuls.kpis.catalog import KPIS
from kundepuls.kpis.engine import evaluate
from kundepuls.kpis.frames import Query
from tests.kpis.conftest import TZ
from tests.kpis.factory import Data, generate
from tests.kpis.reference import close, reference, region

pytestmark = [
    pytest.mark.spark,
    # pyspark 4.0 and Ibis's Spark backend still use pandas options that pandas 3 deprecates.
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
    # py4j leaves its gateway sockets to the garbage collector.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
START, END = date(2026, 2, 1), date(2026, 4, 30)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        if not column.endswith("_at"):  # missing values must reach Spark as NULL, not NaN
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        if column.endswith("_at"):  # the contract stores naive UTC
            frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_localize(None)
    if "attributes" in frame:
        frame["attributes"] = frame["attributes"].map(json.dumps)
    if "amount" in frame:
        frame["amount"] = frame["amount"].astype(float)
    return frame


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pyspark = pytest.importorskip("pyspark.sql")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        pyspark.SparkSession.builder.master("local[2]")
        .appName("kundepuls-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def warehouse(spark: Any) -> tuple[Any, Data]:
    import ibis

    rows = generate()
    for name, items in rows.items():
        spark.createDataFrame(_frame(items)).createOrReplaceTempView(name)
    data = Data(*(pd.DataFrame(rows[k]) for k in
                  ("customers", "orders", "tickets", "complaints", "responses")))  # fmt: skip
    return ibis.pyspark.connect(spark), data


@pytest.mark.parametrize("key", ["nps", "fcr", "churn_rate", "complaint_rate"])
def test_kpis_on_spark_match_the_reference(warehouse: tuple[Any, Data], key: str) -> None:
    backend, data = warehouse
    rows = evaluate(backend, KPIS[key], Query(by=("region",), start=START, end=END), TZ)
    got = {region(r.region): r for r in rows.itertuples()}
    for want in reference(data, key, START, END).itertuples():
        have = got[region(want.region)]
        assert have.n == want.n
        assert close(have.value, want.value), key
        assert close(have.ci_low, want.ci_low), key


def test_time_parts_and_attributes_on_spark(warehouse: tuple[Any, Data]) -> None:
    backend, data = warehouse
    rows = evaluate(backend, KPIS["nps"], Query(by=("weekday", "store"), grain="quarter"), TZ)
    responses = data.responses.dropna(subset=["nps"])
    local = pd.to_datetime(responses.submitted_at, utc=True).dt.tz_convert("Europe/Oslo")
    saturday_bodo = (local.dt.weekday == 5) & responses.attributes.map(
        lambda a: a.get("store") == "Bodø"
    )
    got = rows[(rows.weekday == "Saturday") & (rows.store == "Bodø")].n.sum()
    assert got == saturday_bodo.sum()
