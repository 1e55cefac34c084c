"""Benchmark: ingest N transaction rows from CSV (default 10 M).

Target (docs/benchmarks.md): at least 1 M rows/s on 2 cores with peak memory under 2 GB.
Baseline, measured in the same run on the same file: pandas ``read_csv`` of the whole file,
then an insert of the DataFrame into a DuckDB table (no validation at all). A second reference,
the floor: DuckDB's own parallel CSV reader copying the raw text into a persistent table.
Each contender runs in its own process, so its peak resident memory is its own.

    .venv/bin/python bench/ingest.py [--rows 10000000] [--keep]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent

# A US bank extract: the columns of the canonical transactions table under their own names,
# with the variety that makes validation work: cash and wires, two currencies, amounts with
# thousands separators, accented city names, an occasional blank description.
GENERATE = """
COPY (
  SELECT 'T' || lpad(CAST(i AS VARCHAR), 9, '0') AS txn_id,
         strftime(TIMESTAMP '2024-01-01' + to_seconds(i * 3 + (i * 7919) % 3), '%Y-%m-%d %H:%M:%S') AS ts,
         CASE WHEN i % 5 = 0 THEN '' ELSE 'A' || ((i * 7919) % 500000) END AS from_account,
         CASE WHEN i % 5 = 3 THEN '' ELSE 'A' || ((i * 104729) % 500000) END AS to_account,
         CASE WHEN i % 7 = 0 THEN printf('%,.2f', (i * 37 % 5000000) / 100.0)
              ELSE printf('%.2f', (i * 37 % 1000000) / 100.0) END AS amount,
         CASE WHEN i % 3 = 0 THEN 'MXN' ELSE 'USD' END AS currency,
         ['cash_deposit', 'wire', 'ach', 'cash_withdrawal', 'check', 'msb_transfer'][i % 6 + 1] AS channel,
         CASE WHEN i % 3 = 0 THEN 'MEX' ELSE 'USA' END AS country,
         ['TX', 'AZ', 'CA', 'NM', 'CHH', 'SON', 'BC'][i % 7 + 1] AS state,
         ['El Paso', 'Nogales', 'San Diego', 'Las Cruces', 'Ciudad Juárez', 'Hermosillo', 'Tijuana'][i % 7 + 1] AS city,
         'B' || (i % 900) AS branch,
         CASE WHEN i % 10 = 0 THEN 'pago factura ' || i ELSE '' END AS description
  FROM range({rows}) AS r(i)
) TO '{path}' (HEADER, DELIMITER ',')
"""

TENAZA = """
import sys, time
from tenaza.store import Workspace
from tenaza.ingest import ingest_file
ws = Workspace.create(sys.argv[2])
t = time.perf_counter()
r = ingest_file(ws, sys.argv[1], "transactions", originator="FINCEN", releasable_to=["USA", "MEX"])
secs = time.perf_counter() - t
assert r.reconciles and r.rows_accepted == r.rows_read, r
print("RESULT", secs, r.rows_read)
"""

# The floor: DuckDB's own parallel CSV reader writing the raw text columns to a persistent
# table, with no typing, validation, line numbers or markings. No ingest can be faster.
FLOOR = """
import sys, time
import duckdb
con = duckdb.connect(sys.argv[2])
t = time.perf_counter()
con.execute(f"CREATE TABLE transactions AS SELECT * FROM read_csv('{sys.argv[1]}', all_varchar=true)").fetchall()
con.execute("CHECKPOINT").fetchall()  # written to the file, as tenaza's ingest is when it returns
secs = time.perf_counter() - t
print("RESULT", secs, con.execute("SELECT count(*) FROM transactions").fetchall()[0][0])
"""

PANDAS = """
import sys, time
import duckdb, pandas as pd
con = duckdb.connect(sys.argv[2])
t = time.perf_counter()
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
con.execute("CREATE TABLE transactions AS SELECT * FROM df").fetchall()
con.execute("CHECKPOINT").fetchall()  # written to the file, as tenaza's ingest is when it returns
secs = time.perf_counter() - t
print("RESULT", secs, len(df))
"""


def run(code: str, *args: str) -> tuple[float, int, float, float]:
    """(seconds inside the process, rows, peak RSS in GB, CPU seconds) of a fresh Python process."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read() if proc.stdout else ""
    if status != 0:
        raise SystemExit(f"contender failed (status {status}): {out}")
    _, secs, rows = next(line for line in out.splitlines() if line.startswith("RESULT")).split()
    return float(secs), int(rows), usage.ru_maxrss / 1024 / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="Where to write the files (default: a temp dir).")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    tmp = Path(args.dir or tempfile.mkdtemp(prefix="tenaza-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    csv = tmp / f"transactions_{args.rows}.csv"
    if not csv.exists():
        t = time.perf_counter()
        duckdb.connect().execute(GENERATE.format(rows=args.rows, path=csv)).fetchall()
        print(f"wrote {csv} ({csv.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - t:.1f}s")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"DuckDB {duckdb.__version__}")
    results = []
    contenders = (("tenaza ingest", TENAZA), ("pandas read_csv + insert (baseline)", PANDAS),
                  ("duckdb read_csv, raw text, no checks (floor)", FLOOR))
    for name, code in contenders:
        if args.skip_baseline and code is not TENAZA:
            continue
        db = tmp / f"{name.split()[0]}.duckdb"
        db.unlink(missing_ok=True)
        secs, rows, peak, cpu = run(code, str(csv), str(db))
        results.append((name, rows, secs, rows / secs, peak, cpu))
        db.unlink(missing_ok=True)
    load = os.getloadavg()[0]
    print(f"\n{'contender':40s} {'rows':>12s} {'seconds':>8s} {'rows/s':>12s} {'peak GB':>8s} {'CPU s':>7s}")
    for name, rows, secs, rate, peak, cpu in results:
        print(f"{name:40s} {rows:12,d} {secs:8.1f} {rate:12,.0f} {peak:8.2f} {cpu:7.1f}")
    print(f"load average at the end: {load:.1f} (other work on the machine slows both contenders)")
    print("\ntarget: tenaza >= 1,000,000 rows/s with peak < 2 GB")


if __name__ == "__main__":
    main()
