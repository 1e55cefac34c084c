"""Loads and the outcome series on both engines: the same rows, record ids and series.

`tenaza analyze` loads the shipped public series (tenaza.outcomes.series.load_series, through
ingest), and `tenaza outcomes evaluate` and the report read them back, with the counts by month
of the workspace's own tables. On Spark a load runs in a DuckDB stage and appends its rows to the
Parquet tables (tenaza.store.staging). Here the same files are loaded into two copies of one
empty workspace, one on each engine, and what they hold must be the same: every row with its
record id and markings, the quarantine, the ingest log, the load reports (the overlap warning
included, which on Spark reads the workspace after the append), and the series read back. The
rows an interrupted load left behind are replaced, not added to.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tenaza.ingest import ingest_file
from tenaza.outcomes.series import available, load_series, read_panel, read_series, shipped_files, workspace_series
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
# Seizures, which a workspace series counts by month: a duplicate id (flagged, quarantined), a
# country written out (resolved to its code) and one that is none (quarantined: it is required),
# party lists; the second file repeats a seizure of the first (the overlap warning).
SEIZURES = """seizure_id,date,country,kind,quantity,unit,party_refs
S1,2021-01-05,MEX,drug,12.5,kg,P1;P2
S2,2021-01-20,Mexico,drug,3,kg,
S2,2021-01-21,MEX,drug,4,kg,
S3,2021-03-02,USA,cash,1000,u,P3
S4,2021-03-09,Atlantis,drug,1,kg,
S5,2021-03-30,USA,drug,7,kg,P4
"""
MORE_SEIZURES = """seizure_id,date,country,kind,quantity,unit,party_refs
S5,2021-03-30,USA,drug,7,kg,P4
S6,2021-04-02,MEX,drug,2,kg,
"""


def _rows(ws: Workspace, table: str) -> list[tuple[Any, ...]]:
    """Every row of a canonical table, its moment of loading left out, in one order."""
    columns = [c.name for c in TABLES[table].columns if c.name != "ingested_at"]
    return sorted(ws.backend.fetch(table, f"SELECT {', '.join(columns)} FROM {table}"), key=repr)


def _observe(ws: Workspace, files: list[Path], seizures: list[Path]) -> dict[str, Any]:
    loads = load_series(ws, files)
    reports = [ingest_file(ws, f, "seizures", originator="CBP", releasable_to=["USA"]) for f in seizures]
    log = [c.name for c in TABLES["ingest_log"].columns if c.name not in ("started_at", "seconds")]
    drugs = workspace_series(ws, "workspace_seizures_drug")
    return {
        "loads": [(r.ingest_id, r.rows, r.warnings) for r in loads],
        "seizure loads": [(r.ingest_id, r.rows_accepted, r.rows_quarantined, r.warnings) for r in reports],
        "indicators": _rows(ws, "indicators"),
        "seizures": _rows(ws, "seizures"),
        "quarantine": sorted(ws.backend.fetch("quarantine", "SELECT ingest_id, line, column_name, reason, raw "
                                              "FROM quarantine"), key=repr),
        "ingest log": sorted(ws.backend.fetch("ingest log", f"SELECT {', '.join(log)} FROM ingest_log"), key=repr),
        "available": available(ws),
        "series": [(s.values.to_dict(), s.record_ids) for s in
                   (read_series(ws, "poppy_hectares_ondcp", "MEX"), read_series(ws, "test_rate", "02"))],
        "panel": read_panel(ws, "test_rate").to_dict(),
        "drug seizures": (drugs.values.to_dict(), drugs.record_ids),
        "loaded again": [(r.already_loaded, r.ingest_id) for r in load_series(ws, files)],
    }


def test_loads_and_series_are_the_same_on_duckdb_and_spark(tmp_path: Path) -> None:
    for name, text in (("own_series.csv", OWN), ("seizures.csv", SEIZURES), ("more_seizures.csv", MORE_SEIZURES)):
        (tmp_path / name).write_text(text)
    files = [p for p in shipped_files() if p.name in SHIPPED] + [tmp_path / "own_series.csv"]
    seizures = [tmp_path / "seizures.csv", tmp_path / "more_seizures.csv"]
    assert len(files) == len(SHIPPED) + 1
    duck_path, spark_path = tmp_path / "duck.duckdb", tmp_path / "spark.duckdb"
    Workspace.create(duck_path).close()
    shutil.copy(duck_path, spark_path)

    with Workspace.open(duck_path, engine="duckdb") as ws:
        duck = _observe(ws, files, seizures)
    with Workspace.open(spark_path, engine="spark:local[1]") as ws:
        # a row of a load interrupted before its log entry, under the id the first file takes:
        # never seen (the views join the log), then replaced by that file's rows
        ws.backend.execute("an interrupted load", f"INSERT INTO {ident(TABLES['indicators'].physical_name)} "
                           "(indicator, geo_level, geo_code, period_start, period_end, ingest_id, source_row) "
                           "VALUES ('orphan', 'national', 'MEX', DATE '2020-01-01', DATE '2020-01-31', 1, 2)")
        assert ws.count("indicators") == 0
        spark = _observe(ws, files, seizures)

    # what DuckDB holds is worth comparing: each check of the load left its mark
    assert len(duck["indicators"]) > 80 and any(w for _, _, w in duck["loads"])  # test_rate's missing month
    extras = {r[-1] for r in duck["indicators"] if r[0] == "test_rate"}  # extras is the view's last column
    assert any(e and "_invalid" in e for e in extras) and any(e and "_exact" in e for e in extras)
    assert [r[1:3] for r in duck["seizure loads"]] == [(4, 2), (2, 0)]  # S2 again and Atlantis quarantined
    assert "same seizure_id" in " ".join(duck["seizure loads"][1][3])
    assert {r[2] for r in duck["seizures"]} == {"MEX", "USA"}  # Mexico resolved to its code
    # January, none in February, March (S5 twice: the files overlap), April
    assert list(duck["drug seizures"][0].values()) == [2.0, 0.0, 2.0, 1.0]
    assert all(again for again, _ in duck["loaded again"])
    for key, value in duck.items():
        assert spark[key] == value, key
