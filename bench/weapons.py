"""Benchmark: link firearm sales to traces (tenaza's SQL link) against a naive pandas baseline.

    .venv/bin/python bench/weapons.py --sales 5000000 --traces 200000

Sales and traces are generated in DuckDB: serials of three letters and six digits over nine
makes; each trace copies a sold gun's serial, a tenth of them with one transcription error
(neighbours swapped, a character dropped or mistyped), some with O for 0 or punctuation. The
baseline is what an analyst would write in pandas: an exact merge on a cleaned serial, then for
every unmatched trace a Python edit-distance scan over the sales of the same make. That scan is
timed on a sample of the unmatched traces and extrapolated (it is quadratic; running it whole
would take hours), which the output says.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from tenaza.pillars.weapons.link import link_sql

MAKES = ("Glock", "Smith & Wesson", "Ruger", "Sig Sauer", "Colt", "Century Arms", "Taurus", "Barrett", "Mossberg")


def build(con: duckdb.DuckDBPyConnection, n_sales: int, n_traces: int) -> None:
    makes = ", ".join(f"'{m}'" for m in MAKES)
    con.execute(f"""
CREATE TABLE firearm_sales AS
SELECT 'S' || i AS sale_id, DATE '2020-01-01' + CAST(i % 1400 AS INTEGER) AS date, 'F' || (i % 20000) AS ffl_id,
       'TX' AS ffl_state, 'BUYER ' || (i % 3000000) AS purchaser, [{makes}][1 + CAST(i % 9 AS INTEGER)] AS make,
       'M' || (i % 7) AS model, '9mm' AS caliber,
       chr(65 + CAST(hash(i) % 26 AS INTEGER)) || chr(65 + CAST(hash(i + 1) % 26 AS INTEGER))
         || chr(65 + CAST(hash(i + 2) % 26 AS INTEGER)) || lpad(CAST(hash(i + 3) % 1000000 AS VARCHAR), 6, '0')
         AS serial,
       'pistol' AS firearm_type, FALSE AS multiple_sale_report, '1:' || i AS record_id
FROM range({n_sales}) AS r(i)""")
    step = max(1, n_sales // n_traces)
    con.execute(f"""
CREATE TABLE firearm_traces AS
SELECT 'T' || i AS trace_id, s.date + 200 AS recovery_date, 'MEX' AS recovery_country, 'Sinaloa' AS recovery_state,
       'Culiacan' AS recovery_city, s.make, s.model, s.caliber,
       CASE i % 20 WHEN 0 THEN substr(s.serial, 1, 4) || substr(s.serial, 6, 1) || substr(s.serial, 5, 1)
                               || substr(s.serial, 7)
                   WHEN 1 THEN substr(s.serial, 1, 5) || substr(s.serial, 7)
                   WHEN 2 THEN substr(s.serial, 1, 8) || CAST((CAST(substr(s.serial, 9, 1) AS INTEGER) + 1) % 10
                                                          AS VARCHAR)
                   WHEN 3 THEN replace(s.serial, '0', 'O') WHEN 4 THEN lower(substr(s.serial, 1, 3)) || '-'
                               || substr(s.serial, 4)
                   ELSE s.serial END AS serial,
       NULL::VARCHAR AS possessor, NULL::VARCHAR AS purchaser, NULL::VARCHAR AS ffl_id, NULL::DATE AS purchase_date,
       '2:' || i AS record_id, s.sale_id AS true_sale
FROM range({n_traces}) AS r(i) JOIN firearm_sales AS s ON s.sale_id = 'S' || (i * {step})""")


def edits(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def baseline(con: duckdb.DuckDBPyConnection, sample: int) -> dict[str, Any]:
    import pandas as pd

    t0 = time.perf_counter()
    sales = con.execute("SELECT sale_id, make, serial FROM firearm_sales").df()
    traces = con.execute("SELECT trace_id, make, serial, true_sale FROM firearm_traces").df()
    for df in (sales, traces):
        df["key"] = df["serial"].str.upper().str.replace(r"[^A-Z0-9]", "", regex=True).str.replace("O", "0")
    merged = traces.merge(sales, on=["key", "make"], how="left", suffixes=("", "_s"))
    exact_s = time.perf_counter() - t0
    open_ = merged[merged["sale_id"].isna()]
    by_make = {m: g for m, g in sales.groupby("make")}
    t1 = time.perf_counter()
    found = 0
    chosen = open_.head(sample)
    for row in chosen.itertuples():
        cand = by_make[row.make]
        d = cand["key"].map(lambda k, key=row.key: edits(key, k))
        found += int((d <= 2).any())
    per = (time.perf_counter() - t1) / max(1, len(chosen))
    del pd
    return {"exact_s": exact_s, "unmatched": len(open_), "per_trace_s": per,
            "fuzzy_extrapolated_s": per * len(open_), "sample": len(chosen), "sample_found": found}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sales", type=int, default=5_000_000)
    ap.add_argument("--traces", type=int, default=200_000)
    ap.add_argument("--baseline-sample", type=int, default=5)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        t = time.perf_counter()
        build(con, a.sales, a.traces)
        print(f"built {a.sales:,} sales and {a.traces:,} traces in {time.perf_counter() - t:.1f}s; "
              f"load average {os.getloadavg()[0]:.1f}")
        params: dict[str, Any] = {}
        sql = link_sql(params=params)
        t = time.perf_counter()
        con.execute(f"CREATE TABLE linked AS {sql}", params)
        secs = time.perf_counter() - t
        right, linked, n = con.execute("SELECT count(*) FILTER (WHERE l.sale_id = t.true_sale), count(l.sale_id), "
                                       "count(*) FROM linked AS l JOIN firearm_traces AS t USING (trace_id)").fetchone()
        print(f"tenaza link: {secs:.1f}s; {linked:,} of {n:,} traces linked, {right:,} to the right sale "
              f"(recall {right / n:.4f}, precision {right / max(1, linked):.4f})")
        b = baseline(con, a.baseline_sample)
        print(f"pandas baseline: exact merge {b['exact_s']:.1f}s; fuzzy scan {b['per_trace_s']:.2f}s per unmatched "
              f"trace (sample {b['sample']}, {b['sample_found']} found) x {b['unmatched']:,} unmatched = "
              f"{b['fuzzy_extrapolated_s'] / 3600:.1f} h extrapolated")


if __name__ == "__main__":
    main()
