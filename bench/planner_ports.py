"""Every US-Mexico port of the BTS copy through the planner: the per-port table of docs/distribution.md.

    .venv/bin/python bench/planner_ports.py [--days 1] [--target-p95 30]

For each port and each conveyance it had in 2024, one run of the busiest month (per day) at the
default staffing (40 officers, 12 lanes, 17 % NII on 4 portals, 3 % targeting): arrivals per
day, throughput, p50 and p95 wait, expected seizures and the run's wall time. Measured in the
same run, the baseline is the closed-form M/M/c (Erlang C) mean primary wait at the day's average
arrival rate (what a spreadsheet would say: it ignores the hourly peaks the simulation follows,
and has no answer at all when the average load alone exceeds the booths). Where the default
staffing leaves p95 above ``--target-p95`` minutes, it also finds the fewest booths that bring it
under, adding one officer per booth opened (the rest of the staffing as by default).
"""

from __future__ import annotations

import argparse
import time

from tenaza.errors import PlanError
from tenaza.pillars.distribution.planner import PortConfig, ports, simulate
from tenaza.pillars.distribution.planner.model import PRIMARY_MIN, PortResult, erlang_c_wait, staffing
from tenaza.pillars.distribution.planner.volume import days_in_month

DEFAULT_OFFICERS, DEFAULT_LANES = 40, 12


def booths_needed(code: str, conveyance: str, days: int, target: float) -> tuple[int, PortResult] | None:
    for lanes in range(DEFAULT_LANES + 2, 81, 2):
        r = simulate(PortConfig(port=code, conveyance=conveyance, days=days, lanes=lanes,  # type: ignore[arg-type]
                                officers=DEFAULT_OFFICERS - DEFAULT_LANES + lanes))  # the literal, as the CLI passes it
        if r.wait_p95_min <= target:
            return lanes, r
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--target-p95", type=float, default=30.0)
    args = ap.parse_args()
    print("| port | code | traffic | month | arrivals/day | done/h | p50 min | p95 min | Erlang C mean primary min "
          "| seizures/day | booths for p95 <= target | run s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    started = time.perf_counter()
    for code, port in sorted(ports().items()):
        for conveyance in ("truck", "personal_vehicle"):
            if not sum(port.trucks if conveyance == "truck" else port.personal_vehicles):
                print(f"| {port.name} | {code} | {conveyance} | | no {conveyance} in 2024 | | | | | | | |")
                continue
            cfg = PortConfig(port=code, conveyance=conveyance, days=args.days)  # type: ignore[arg-type]  # idem
            t0 = time.perf_counter()
            try:
                r = simulate(cfg)
            except PlanError as exc:
                print(f"| {port.name} | {code} | {conveyance} | | error: {exc} | | | | | | | |")
                continue
            secs = time.perf_counter() - t0
            lam = port.volume(conveyance, r.month) / days_in_month(r.month) / 1440
            try:
                closed = f"{erlang_c_wait(lam, 1 / PRIMARY_MIN[conveyance], staffing(cfg)[0])[1]:.2f}"
            except PlanError:
                closed = "unstable"
            need = "default"
            if r.wait_p95_min > args.target_p95:
                found = booths_needed(code, conveyance, args.days, args.target_p95)
                need = f"{found[0]} (p95 {found[1].wait_p95_min:.0f})" if found else "more than 80"
            print(f"| {port.name} | {code} | {conveyance.replace('_', ' ')} | {r.month} | {r.arrivals / r.days:,.0f} | "
                  f"{r.throughput_per_hour:,.0f} | {r.wait_p50_min:.1f} | {r.wait_p95_min:.1f} | {closed} | "
                  f"{r.expected_seizures / r.days:.2f} | {need} | {secs:.2f} |")
    print(f"\n{len(ports())} ports; {time.perf_counter() - started:.1f} s wall in all; p95 target "
          f"{args.target_p95:.0f} min; {args.days} simulated day(s) per row")


if __name__ == "__main__":
    main()
