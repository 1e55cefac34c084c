"""Benchmark: what running the baseline detectors once per audience costs.

The five trade detectors and the dealer trace excess compute their baselines per audience
(tenaza.markings.audience): one pass per set of countries their evidence's files can be
marked with. Their cost grows with the number of audiences. On one workspace this prints, for
each detector, the seconds and alerts with every file marked alike (one audience: the
baseline, as cheap as one pass can be) and with the files marked as the scenario marks them
(FinCEN USA only, UIF MEX only, the rest both: up to four audiences), measured in the same run,
best of ``--repeat``.

    .venv/bin/python bench/audiences.py WORKSPACE [--repeat 2]

WORKSPACE is copied; it is not changed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tenaza.detect import run, select
from tenaza.store import Workspace

DETECTORS = ["cash_trade_mirror", "cash_trade_phantom", "cash_trade_prices", "cash_trade_routing",
             "cash_trade_third_party", "weapons_dealer_trace_excess"]


def measure(path: Path, repeat: int) -> dict[str, tuple[float, int]]:
    out: dict[str, tuple[float, int]] = {}
    with Workspace.open(path) as ws:
        for name in DETECTORS:
            best = float("inf")
            n = 0
            for _ in range(repeat):
                t = time.perf_counter()
                n = run(ws, select(names=[name]))[0].alerts
                best = min(best, time.perf_counter() - t)
            out[name] = (best, n)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace", type=Path)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        own, alike = Path(tmp) / "own.duckdb", Path(tmp) / "alike.duckdb"
        shutil.copy(args.workspace, own)
        shutil.copy(args.workspace, alike)
        with Workspace.open(alike) as ws:
            ws.backend.execute("mark alike", "UPDATE ingest_log SET releasable_to = ['MEX', 'USA']")
        with Workspace.open(own) as ws:
            marks = ws.backend.fetch("marks", "SELECT source, releasable_to FROM ingest_log ORDER BY ingest_id")
        base = measure(alike, args.repeat)
        mixed = measure(own, args.repeat)
    print(f"# {platform.node()} {os.cpu_count()} cores; files: "
          + ", ".join(f"{s} {'/'.join(r)}" for s, r in marks))
    print("| detector | one audience: s | alerts | own markings: s | alerts | ratio |")
    print("|---|---|---|---|---|---|")
    for name in DETECTORS:
        (s1, n1), (s2, n2) = base[name], mixed[name]
        print(f"| {name} | {s1:.2f} | {n1} | {s2:.2f} | {n2} | {s2 / s1:.1f}x |")


if __name__ == "__main__":
    main()
