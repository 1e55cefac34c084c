"""Benchmark: the cash pillar's transaction detectors on N transactions (default 10 M).

Target (docs/benchmarks.md): the whole transaction suite in under 2 minutes on 2 cores with
peak memory under 8 GB. The data is a world of the scenario generator (`tenaza scenario
generate --scale N`), ingested through its manifest, so the detectors read the canonical views
exactly as in use. Baseline, in the same run on the same workspace: a straightforward
pandas/networkx implementation of two of the typologies, structuring (rolling sums per
account in pandas) and fan-in (a networkx multigraph, distinct predecessors per window), which
loads the transactions into a DataFrame as such code does. Every contender runs in its own
process, so its peak resident memory is its own. The alerts of the suite are scored against the
scenario's truth with `tenaza evaluate` at the end.

    .venv/bin/python bench/cash.py [--rows 10000000] [--seed 11] [--dir DIR] [--skip-baseline]

The world and its workspace are kept in --dir and reused by later runs with the same rows and
seed (generating and ingesting 10 M transactions takes about three minutes).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def transaction_detectors() -> tuple[str, ...]:
    """Every registered detector of pillars/cash/transactions but the ranker's alerts (which need a
    ranking run first): the suite grows with the pillar, and a new detector cannot be left out."""
    from tenaza.detect import select

    return tuple(d.NAME for d in select("cash") if d.__module__.startswith("tenaza.pillars.cash.transactions.")
                 and d.NAME != "cash_ranked_risk")


DETECTORS = transaction_detectors()

SUITE = """
import sys, time
from tenaza.detect import run, select
from tenaza.store import Workspace
names = sys.argv[2].split(",")
with Workspace.open(sys.argv[1]) as ws:
    t = time.perf_counter()
    runs = run(ws, select(names=names))
    secs = time.perf_counter() - t
for r in runs:
    print("DETECTOR", r.detector, r.seconds, r.alerts)
print("RESULT", secs, sum(r.alerts for r in runs))
"""

# The baseline as a data scientist would write it: read the table into pandas, filter, group.
BASELINE = """
import sys, time
from collections import defaultdict
import duckdb, networkx as nx, pandas as pd
con = duckdb.connect(sys.argv[1], read_only=True)
t = time.perf_counter()
df = con.execute("SELECT record_id, ts, from_account, to_account, channel, "
                 "CAST(amount_usd AS DOUBLE) AS usd FROM transactions").df()
load = time.perf_counter() - t

t = time.perf_counter()
dep = df[(df.channel == "cash_deposit") & df.to_account.notna()].sort_values(["to_account", "ts"])
under = dep[dep.usd < 10_000].set_index("ts")
sums = under.groupby("to_account")["usd"].rolling("7D").sum().rename("win_sum").reset_index()
counts = under.groupby("to_account")["usd"].rolling("7D").count().rename("win_n").reset_index()
w = sums.merge(counts, on=["to_account", "ts"])
windows = w[(w.win_sum >= 10_000) & (w.win_n >= 2)].groupby("to_account").size()
near = dep[(dep.usd >= 8_000) & (dep.usd < 10_000)].groupby("to_account").size()
over = dep[dep.usd >= 10_000].groupby("to_account").size()
allc = dep.groupby("to_account").size()
acc = pd.DataFrame({"near": near, "over": over, "all": allc, "windows": windows}).fillna(0)
acc = acc[(acc.near >= 3) & (acc.windows >= 1)]
acc = acc[(acc.near / (acc.near + acc.over) >= 0.8) & (acc.near / acc["all"] >= 0.3)]
structuring = len(acc)
s_secs = time.perf_counter() - t

t = time.perf_counter()
tr = df[df.from_account.notna() & df.to_account.notna() & (df.from_account != df.to_account)
        & (df.usd >= 3_000) & df.channel.isin(["wire", "ach", "check", "internal_transfer", "msb_transfer"])]
g = nx.MultiDiGraph()
day = (tr.ts.astype("int64") // 86_400_000_000).to_numpy()
for (src, dst, d) in zip(tr.from_account.to_numpy(), tr.to_account.to_numpy(), day):
    g.add_edge(src, dst, day=int(d))
fan_in = 0
for node in g.nodes:
    per_window = defaultdict(set)
    for src, _, data in g.in_edges(node, data=True):
        per_window[data["day"] // 14].add(src)
        per_window[(data["day"] + 7) // 14 + 100_000].add(src)
    if any(len(s) >= 6 for s in per_window.values()):
        fan_in += 1
f_secs = time.perf_counter() - t
print("BASELINE", load, s_secs, structuring, f_secs, fan_in)
print("RESULT", load + s_secs + f_secs, structuring + fan_in)
"""


def run(code: str, *args: str) -> tuple[str, float, float]:
    """(stdout, peak RSS in GB, CPU seconds) of a fresh Python process."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read() if proc.stdout else ""
    if status != 0:
        raise SystemExit(f"contender failed (status {status}): {out}")
    return out, usage.ru_maxrss / 1024 / 1024, usage.ru_utime + usage.ru_stime


def tenaza(*args: str) -> None:
    exe = Path(sys.executable).with_name("tenaza")
    subprocess.run([str(exe), *args], check=True, stdout=subprocess.DEVNULL)


def world(rows: int, seed: int, folder: Path) -> tuple[Path, Path]:
    """The scenario's files and a workspace holding them, made once per rows and seed."""
    out = folder / f"world_{rows}_{seed}"
    ws = folder / f"world_{rows}_{seed}.duckdb"
    if not (ws.exists() and (out / "truth.parquet").exists()):
        shutil.rmtree(out, ignore_errors=True)
        ws.unlink(missing_ok=True)
        t = time.perf_counter()
        tenaza("scenario", "generate", "--scale", str(rows), "--seed", str(seed), "--out", str(out))
        tenaza("init", str(ws))
        tenaza("ingest-manifest", str(ws), str(out / "manifest.json"))
        print(f"generated and ingested {rows:,} transactions in {time.perf_counter() - t:.0f}s")
    return ws, out / "truth.parquet"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--dir", type=Path, default=None, help="Where to keep the world (default: a temp dir).")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="tenaza-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    ws, truth = world(args.rows, args.seed, folder)
    import duckdb

    n = duckdb.connect(str(ws), read_only=True).execute("SELECT count(*) FROM transactions").fetchall()[0][0]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, DuckDB {duckdb.__version__}; {n:,} transactions")

    work = folder / "suite.duckdb"  # a copy, so that the world's workspace stays as ingested
    shutil.copyfile(ws, work)
    out, peak, cpu = run(SUITE, str(work), ",".join(DETECTORS))
    per = {line.split()[1]: (float(line.split()[2]), int(line.split()[3]))
           for line in out.splitlines() if line.startswith("DETECTOR")}
    total = float(next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1])

    base = None
    if not args.skip_baseline:
        bout, bpeak, bcpu = run(BASELINE, str(ws))
        _, load, s_secs, s_n, f_secs, f_n = next(x for x in bout.splitlines() if x.startswith("BASELINE")).split()
        base = (float(load), float(s_secs), int(s_n), float(f_secs), int(f_n), bpeak, bcpu)

    print(f"\n{'detector':26s} {'seconds':>8s} {'alerts':>7s}   baseline (pandas/networkx)")
    for name in DETECTORS:
        secs, alerts = per.get(name, (0.0, 0))
        side = ""
        if base and name == "structuring":
            side = f"{base[1]:8.1f}s {base[2]:6d} accounts (after {base[0]:.1f}s loading the table)"
        if base and name == "fans":
            side = f"{base[3]:8.1f}s {base[4]:6d} fan-in hubs (fan-in only)"
        print(f"{name:26s} {secs:8.1f} {alerts:7d}   {side}")
    print(f"{'suite, all detectors':26s} {total:8.1f}s  peak {peak:.2f} GB  CPU {cpu:.0f}s")
    if base:
        print(f"{'baseline, two typologies':26s} {base[0] + base[1] + base[3]:8.1f}s  peak {base[5]:.2f} GB  "
              f"CPU {base[6]:.0f}s")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine slows every contender)")
    print("target: the suite < 120 s with peak < 8 GB on 2 cores\n")
    evaluate = Path(sys.executable).with_name("tenaza")
    subprocess.run([str(evaluate), "evaluate", str(work), "--truth", str(truth)], check=False)
    work.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
