"""The indicator load on both engines: the same rows, record ids and series.

`tenaza analyze` loads the shipped public series (tenaza.outcomes.series.load_series, through
ingest). On Spark the load runs in a DuckDB stage and appends its rows to the Parquet tables
(tenaza.store.staging); here the same files are loaded into two copies of one empty workspace, one
on each engine, and what they hold must be the same: every indicator row with its record id and
markings, the ingest log, and the series read back; and the rows an interrupted load left behind
are replaced, not added to.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tenaza.outcomes.series import available, load_series, read_series, shipped_files
from tenaza.schema import TABLES
from tenaza.store import Workspace
from tenaza.store.dialect import ident

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark")

SHIPPED = ("atf_traces.csv.gz", "nsduh_oud.csv.gz", "poppy.csv.gz")
# A value that is not a number (cleared, kept in extras with its reason), one finer than storage
# keeps (its exact text kept in extras), and a month missing (a warning, not a problem).
OWN = """indicator,geo_level,geo_code,period_start,period_end,value,unit,publisher
test_rate,state,02,2020-01-01,2020-01-31,1.5,per 100k,test
test_rate,state,02,2020-02-01,2020-02-29,n/d,per 100k,test
test_rate,state,02,2020-03-01,2020-03-31,2.123456789,per 100k,test
test_rate,state,02,2020-05-01,2020-05-31,3,per 100k,test
"""


def _contents(ws: Workspace) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every indicator row (its moment of loading left out) and every ingest log entry (its
    moment and duration left out), in one order."""
    rows = [c.name for c in TABLES["indicators"].columns if c.name != "ingested_at"]
    log = [c.name for c in TABLES["ingest_log"].columns if c.name not in ("started_at", "seconds")]
    return (sorted(ws.backend.fetch("indicators", f"SELECT {', '.join(rows)} FROM indicators"), key=repr),
            sorted(ws.backend.fetch("ingest log", f"SELECT {', '.join(log)} FROM ingest_log"), key=repr))


def test_the_indicators_loaded_on_spark_are_duckdbs(tmp_path: Path) -> None:
    own = tmp_path / "own_series.csv"
    own.write_text(OWN)
    files = [p for p in shipped_files() if p.name in SHIPPED] + [own]
    assert len(files) == len(SHIPPED) + 1
    duck_path, spark_path = tmp_path / "duck.duckdb", tmp_path / "spark.duckdb"
    Workspace.create(duck_path).close()
    shutil.copy(duck_path, spark_path)

    with Workspace.open(duck_path, engine="duckdb") as ws:
        duck_loads = load_series(ws, files)
        duck_rows, duck_log = _contents(ws)
        duck_series = [read_series(ws, "poppy_hectares_ondcp", "MEX"), read_series(ws, "test_rate", "02")]
        duck_available = available(ws)
    with Workspace.open(spark_path, engine="spark:local[1]") as ws:
        # a row of a load interrupted before its log entry, under the id the first file takes:
        # never seen (the view joins the log), then replaced by that file's rows
        ws.backend.execute("an interrupted load", f"INSERT INTO {ident(TABLES['indicators'].physical_name)} "
                           "(indicator, geo_level, geo_code, period_start, period_end, ingest_id, source_row) "
                           "VALUES ('orphan', 'national', 'MEX', DATE '2020-01-01', DATE '2020-01-31', 1, 2)")
        assert ws.count("indicators") == 0
        spark_loads = load_series(ws, files)
        spark_rows, spark_log = _contents(ws)
        spark_series = [read_series(ws, "poppy_hectares_ondcp", "MEX"), read_series(ws, "test_rate", "02")]
        spark_available = available(ws)
        again = load_series(ws, files)
        assert ws.count("indicators") == len(spark_rows)

    assert [(r.ingest_id, r.rows, r.warnings) for r in spark_loads] == [(r.ingest_id, r.rows, r.warnings)
                                                                       for r in duck_loads]
    assert any(r.warnings for r in duck_loads)  # the missing month of test_rate
    assert len(duck_rows) > 80 and spark_rows == duck_rows
    assert len(duck_log) == len(files) and spark_log == duck_log
    extras = {r[-1] for r in duck_rows if r[0] == "test_rate"}  # extras is the view's last column
    assert any(e and "_invalid" in e for e in extras) and any(e and "_exact" in e for e in extras)
    assert spark_available == duck_available
    for spark, duck in zip(spark_series, duck_series, strict=True):
        assert spark.record_ids == duck.record_ids and len(duck.record_ids) >= 3
        assert spark.values.equals(duck.values)
    assert all(r.already_loaded for r in again) and [r.ingest_id for r in again] == [r.ingest_id for r in duck_loads]
