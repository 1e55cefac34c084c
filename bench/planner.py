"""Planner benchmark: one simulated month of trucks at Laredo (budget < 30 s).

    .venv/bin/python bench/planner.py [--port Laredo] [--officers 40]

Prints the wall time of the month's discrete-event simulation and, measured in the same run,
two baselines: the closed-form M/M/c (Erlang C) mean primary wait at the month's average
arrival rate (what a spreadsheet would say; it ignores the hourly peaks the simulation
follows), and the same month with exponential service and a flat profile, where the two must
agree.
"""

from __future__ import annotations

import argparse
import time

from tenaza.pillars.distribution.planner import PortConfig, find_port, simulate
from tenaza.pillars.distribution.planner.model import PRIMARY_MIN, erlang_c_wait, staffing
from tenaza.pillars.distribution.planner.volume import days_in_month


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", default="Laredo")
    ap.add_argument("--officers", type=int, default=40)
    args = ap.parse_args()
    cfg = PortConfig(port=args.port, officers=args.officers)
    t0 = time.perf_counter()
    r = simulate(cfg)
    secs = time.perf_counter() - t0
    print(f"{r.port} ({r.port_code}) trucks, month {r.month} of 2024: {r.arrivals:,} arrivals in {r.days} days")
    print(f"simulation: {secs:.1f} s (budget 30 s); p50 wait {r.wait_p50_min:.1f} min, p95 {r.wait_p95_min:.1f} min, "
          f"primary mean {r.primary_wait_mean_min:.2f} min, expected seizures {r.expected_seizures:.1f}")
    port = find_port(args.port)
    lam = port.volume("truck", r.month) / days_in_month(r.month) / (24 * 60)  # per minute
    booths = staffing(cfg)[0]
    t0 = time.perf_counter()
    try:
        _, wq = erlang_c_wait(lam, 1 / PRIMARY_MIN["truck"], booths)
        closed = f"{wq:.2f} min"
    except Exception as exc:  # noqa: BLE001 - an unstable average load is itself the finding
        closed = str(exc)
    print(f"baseline Erlang C at the monthly average rate ({booths} booths): mean primary wait {closed} "
          f"in {1000 * (time.perf_counter() - t0):.2f} ms; the simulation's hourly peaks are what it misses")
    flat = PortConfig(port=args.port, officers=args.officers, service="exponential", flat_profile=True)
    t0 = time.perf_counter()
    rf = simulate(flat)
    print(f"check, exponential service and flat profile: simulated mean primary wait {rf.primary_wait_mean_min:.2f} "
          f"min vs Erlang C {closed} ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
