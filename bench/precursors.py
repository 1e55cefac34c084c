"""Benchmark: screen declaration descriptions for precursor chemicals.

    .venv/bin/python bench/precursors.py --rows 1000000

Descriptions are generated in DuckDB from a vocabulary of ordinary goods (with free-text
variation: lot numbers, quantities) and, in one row of a hundred, a listed chemical's name,
some misspelt or by CAS number. tenaza's set-based screen is timed against the naive baseline:
a Python loop testing every description against every listed name with a compiled regular
expression (exact names only, so it does less), timed on a sample and extrapolated.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from tenaza.pillars.production.reference import load
from tenaza.pillars.production.screening import fold_phrase, screen_sql

GOODS = ("COTTON T-SHIRTS", "AUTO PARTS BRAKE PADS", "TOMATOES FRESH", "LAPTOP COMPUTERS", "STEEL PIPES",
         "POLYETHYLENE RESIN", "METANOL", "ACETONA GRADO INDUSTRIAL", "PAPEL KRAFT", "JUGUETES DE PLASTICO",
         "COMPUESTOS HETEROCICLICOS CON NITROGENO", "LACTOSE MONOHYDRATE", "AGUACATE HASS")
CHEMS = ("N-PHENETHYL-4-PIPERIDONE", "4-ANPP", "1-BOC-4-PIPERIDONA", "ACIDO FENILACETICO", "PHENYLACETONE",
         "METHYLAMINE 40%", "PSEUDOEFEDRINA HCL", "NORFENTANIL", "EFEDRINE", "CAS 103-79-7", "4-PIPERIDONE HCL")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--baseline-sample", type=int, default=20_000)
    a = ap.parse_args()
    goods = ", ".join(f"'{g}'" for g in GOODS)
    chems = ", ".join(f"'{c}'" for c in CHEMS)
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        con.execute(f"""
CREATE TABLE trade_declarations AS
SELECT 'D' || i AS decl_id, '1:' || i AS record_id,
       CASE WHEN i % 100 = 0 THEN [{chems}][1 + CAST(i // 100 % {len(CHEMS)} AS INTEGER)]
            ELSE [{goods}][1 + CAST(hash(i) % {len(GOODS)} AS INTEGER)] || ' LOTE ' || (i % 5000) END AS description,
       '29339901' AS hs_code
FROM range({a.rows}) AS r(i)""")
        chemicals = load()
        params: dict[str, Any] = {}
        sql = screen_sql(chemicals, params, ("materia prima",))
        t = time.perf_counter()
        con.execute(f"CREATE TABLE hits AS {sql}", params)
        secs = time.perf_counter() - t
        named, planted = con.execute("SELECT count(*) FILTER (WHERE how IN ('name', 'cas')), "
                                     f"{(a.rows + 99) // 100} FROM hits").fetchone()
        print(f"load average {os.getloadavg()[0]:.1f}")
        print(f"tenaza screen: {a.rows:,} descriptions in {secs:.1f}s ({a.rows / secs:,.0f}/s); "
              f"{named:,} named a precursor of {planted:,} planted")
        names = sorted({fold_phrase(n) for c in chemicals for n in c.names()} - {""}, key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")
        rows = [r[0] for r in con.execute(f"SELECT description FROM trade_declarations LIMIT {a.baseline_sample}"
                                          ).fetchall()]
        t = time.perf_counter()
        found = sum(1 for d in rows if pattern.search(fold_phrase(d)))
        per = (time.perf_counter() - t) / len(rows)
        print(f"python regex baseline (exact names only): {per * 1e6:.1f} us per description on a {len(rows):,} "
              f"sample ({found} found) = {per * a.rows:.1f}s for {a.rows:,} extrapolated")


if __name__ == "__main__":
    main()
