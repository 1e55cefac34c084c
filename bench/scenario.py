"""Benchmark: generate a scenario of N transactions (default 10 M) plus every other file.

Target (docs/benchmarks.md): 10 M transactions and the other files in under 2 minutes on
2 cores, peak memory under 4 GB. Baseline, measured in the same run: the naive way, a per-row
Python loop (``random`` and ``csv.writer``) writing the same US bank layout (same columns,
date and amount formats, account draws, channel mix), timed on ``--baseline-rows`` rows and
extrapolated to N. Each contender runs in its own process and reports its own peak memory.

    .venv/bin/python bench/scenario.py [--transactions 10000000] [--baseline-rows 1000000] [--keep]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TENAZA = """
import resource, sys, time
from tenaza.scenario.world.config import ScenarioConfig
from tenaza.scenario.generate import generate
t = time.perf_counter()
r = generate(ScenarioConfig(int(sys.argv[1]), seed=1), sys.argv[2])
secs = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_SELF)
c = resource.getrusage(resource.RUSAGE_CHILDREN)  # the forked process that writes the transaction files
size = sum(p.stat().st_size for p in r.out.iterdir() if p.is_file())
print("RESULT", secs, u.ru_maxrss / 1e6, c.ru_maxrss / 1e6, u.ru_utime + u.ru_stime + c.ru_utime + c.ru_stime, size,
      sum(r.files.values()))
"""

NAIVE = """
import csv, math, random, resource, sys, time
from datetime import datetime, timedelta
n = int(sys.argv[1])
random.seed(1)
accounts = [f"11490017{random.randint(0, 9)}-{1_000_000 + 7 * i:010d}" for i in range(n // 35)]
channels = [("DEBIT CARD", 45, .36), ("ACH", 140, .30), ("CASH WITHDRAWAL", 140, .10), ("CASH DEPOSIT", 450, .08),
            ("CHECK", 700, .07), ("BOOK TRANSFER", 400, .06), ("WIRE", 14000, .03)]
weights = [c[2] for c in channels]
places = [("USA", "TX", "Laredo"), ("USA", "CA", "San Diego"), ("USA", "AZ", "Nogales"), ("USA", "IL", "Chicago")]
start = datetime(2024, 1, 1)
t = time.perf_counter()
with open(sys.argv[2], "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC)
    w.writerow(["TRANSACTION ID", "POST DATE", "POST TIME", "DEBIT ACCOUNT", "CREDIT ACCOUNT", "AMOUNT", "CURRENCY",
                "TRANSACTION TYPE", "BRANCH COUNTRY", "BRANCH STATE", "BRANCH CITY", "BRANCH ID", "MEMO"])
    for i in range(n):
        ts = start + timedelta(seconds=random.randint(0, 366 * 86400 - 1))
        name, mean, _ = random.choices(channels, weights)[0]
        amount = random.lognormvariate(math.log(mean), 0.9)
        frm = "" if name == "CASH DEPOSIT" else random.choice(accounts)
        to = "" if name == "CASH WITHDRAWAL" else random.choice(accounts)
        country, state, city = random.choice(places)
        w.writerow([f"FB{i:010d}", ts.strftime("%m/%d/%Y"), ts.strftime("%H:%M:%S"), frm, to, f"{amount:.2f}", "USD",
                    name, country, state, city, f"BR{i % 90:04d}", name])
secs = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_SELF)
print("RESULT", secs, u.ru_maxrss / 1e6, u.ru_utime + u.ru_stime)
"""


def run(code: str, *args: str) -> list[float]:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT"))
    return [float(x) for x in line.split()[1:]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transactions", type=int, default=10_000_000)
    ap.add_argument("--baseline-rows", type=int, default=1_000_000)
    ap.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = ap.parse_args()
    n = args.transactions
    work = Path(tempfile.mkdtemp(prefix="tenaza-bench-scenario-"))
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
          f"load average {load:.1f}")
    try:
        secs, peak_main, peak_child, cpu, size, rows = run(TENAZA, str(n), str(work / "world"))
        # The child is forked from the finished world and shares its pages, so the sum of the two
        # peaks counts those pages twice: it is an upper bound of the memory the machine needs.
        peak = peak_main + peak_child
        print(f"tenaza scenario generate: {n:,} transactions ({rows:,.0f} rows in all files, {size / 1e9:.2f} GB) "
              f"in {secs:.1f} s = {n / secs:,.0f} transactions/s; peak {peak_main:.2f} GB + forked writer "
              f"{peak_child:.2f} GB (sum {peak:.2f} GB, an upper bound); CPU {cpu:.1f} s (both processes)")
        b = args.baseline_rows
        bsecs, bpeak, bcpu = run(NAIVE, str(b), str(work / "naive.csv"))
        print(f"naive per-row Python (random + csv.writer), transactions file only: {b:,} rows in {bsecs:.1f} s = "
              f"{b / bsecs:,.0f} rows/s; peak {bpeak:.2f} GB; CPU {bcpu:.1f} s; extrapolated to {n:,}: {n / b * bsecs:.0f} s")
        print(f"speed-up over the naive loop: {n / secs / (b / bsecs):.1f}x (and tenaza writes every other file too)")
        verdict = "meets" if secs < 120 and peak < 4 else "misses"
        print(f"target < 120 s and < 4 GB: {verdict}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
