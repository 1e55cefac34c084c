"""Benchmark: every cash detector across the scenario's styles, scored against the planted truth.

``--pillars weapons,production`` runs those pillars' detectors and scores their typologies instead
(the styles that move every date, ten_days and three_years, matter most to them).

For each style (`tenaza scenario styles`) a small world is generated with the same seed and
scale, written in that style, ingested through its manifest, and every detector registered
for the cash pillar at run time is run with its default settings (`tenaza detect --pillar
cash`: new detectors join without a change here). The alerts are scored with the scenario's
evaluation (`tenaza evaluate --json`), and precision, recall and F1 are printed per cash
typology and style. The baseline is the `default` style, measured in the same run with the
same seed: each other style prints its F1 next to it. Pairs below F1 0.8 are listed at the end.

    .venv/bin/python bench/cash_styles.py [--rows 20000] [--seed 5] [--styles a,b,...] [--dir DIR]

Each step runs as its own `tenaza` command, as a user would run it; their output goes to
DIR/<style>/log.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tenaza.detect import select
from tenaza.scenario.sources.styles import STYLES

TENAZA = [str(Path(sys.executable).parent / "tenaza")]  # the console script of this interpreter
GOAL = 0.8


def step(log: Path, *args: str) -> str:
    with log.open("a") as fh:
        fh.write(f"$ tenaza {' '.join(args)}\n")
        done = subprocess.run([*TENAZA, *args], check=False, capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
        fh.write(done.stdout + done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"tenaza {args[0]} failed for {log.parent.name} (exit {done.returncode}); see {log}")
    return done.stdout


def run_style(style: str, rows: int, seed: int, base: Path,
              pillars: tuple[str, ...] = ("cash",)) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Scores per typology of ``pillars``, and the seconds of each step."""
    d = base / style
    d.mkdir(parents=True, exist_ok=True)
    log = d / "log.txt"
    log.write_text("")
    world, ws = d / "world", d / "ws.duckdb"
    ws.unlink(missing_ok=True)
    secs: dict[str, float] = {}
    t = time.perf_counter()
    step(log, "scenario", "generate", "--scale", str(rows), "--seed", str(seed), "--out", str(world), "--style", style)
    secs["generate"] = time.perf_counter() - t
    t = time.perf_counter()
    step(log, "init", str(ws))
    step(log, "ingest-manifest", str(ws), str(world / "manifest.json"))
    secs["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    for pillar in pillars:
        step(log, "detect", str(ws), "--pillar", pillar)
    secs["detect"] = time.perf_counter() - t
    scores = json.loads(step(log, "evaluate", str(ws), "--truth", str(world / "truth.parquet"), "--json"))
    import pyarrow.parquet as pq

    truth = pq.read_table(world / "truth.parquet", columns=["typology", "pillar"]).to_pylist()
    cash = {r["typology"] for r in truth if r["pillar"] == "cash"} if "cash" in pillars else set()
    out: dict[str, dict[str, float]] = {}
    # Pillars other than cash name their detectors' typologies by the indicator (short time-to-crime,
    # multiple sale) and the truth by the scheme (straw_purchase): they are scored per detector and
    # per pillar, as `tenaza evaluate` lists them.
    others = {d.NAME for p in pillars if p != "cash" for d in select(p)}
    for s in scores:
        if (s["level"] == "detector" and s["name"] in others) or (s["level"] == "pillar" and s["name"] in pillars
                                                                   and s["name"] != "cash"):
            name = s["name"] if s["level"] == "detector" else f"{s['name']} pillar"
            out[name] = {"alerts": s["alerts"], "P": s["precision"], "R": s["recall"], "F1": s["f1"],
                         "found": s["found_subjects"], "truth": s["truth_subjects"]}
            continue
        if s["level"] == "typology" and s["name"] in cash:
            out[s["name"]] = {"alerts": s["alerts"], "P": s["precision"], "R": s["recall"], "F1": s["f1"],
                              "found": s["found_subjects"], "truth": s["truth_subjects"]}
    for name in (cash | others) - set(out):  # a typology evaluate does not list counts as missed, never as absent
        out[name] = {"alerts": 0, "P": 0.0, "R": 0.0, "F1": 0.0, "found": 0, "truth": 0}
    return out, secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000, help="transactions per world (default 20,000)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--styles", default=",".join(STYLES), help="comma-separated; default: every style")
    ap.add_argument("--dir", type=Path, default=None, help="where worlds and workspaces go (default: a temp dir)")
    ap.add_argument("--pillars", default="cash", help="comma-separated pillars whose detectors run and whose "
                                                      "typologies are scored (default: cash; e.g. weapons,production)")
    a = ap.parse_args()
    names = [s.strip() for s in a.styles.split(",") if s.strip()]
    pillars = tuple(p.strip() for p in a.pillars.split(",") if p.strip())
    unknown = [s for s in names if s not in STYLES]
    if unknown:
        ap.error(f"unknown style(s) {', '.join(unknown)}; known: {', '.join(STYLES)}")
    if "default" not in names:
        names.insert(0, "default")  # the baseline is always measured in the same run
    names.remove("default")
    names.insert(0, "default")
    base = a.dir or Path(tempfile.mkdtemp(prefix="cash-styles-"))
    print(f"{'+'.join(pillars)} styles: {a.rows:,} transactions, seed {a.seed}, styles {', '.join(names)}; "
          f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; files in {base}")
    results: dict[str, dict[str, dict[str, float]]] = {}
    t0 = time.perf_counter()
    for name in names:
        results[name], secs = run_style(name, a.rows, a.seed, base, pillars)
        print(f"  {name:<13} generate {secs['generate']:5.1f} s  ingest {secs['ingest']:5.1f} s  "
              f"detect {secs['detect']:5.1f} s", flush=True)
    typologies = sorted({t for r in results.values() for t in r})
    baseline = results["default"]
    print(f"\nF1 per {'+'.join(pillars)} typology and style (P/R in brackets); baseline: the default style, same run; "
          f"total {time.perf_counter() - t0:.0f} s\n")
    head = f"{'style':<13}" + "".join(f"{t[:16]:>24}" for t in typologies)
    print(head)
    below: list[str] = []
    for name in names:
        cells = []
        for t in typologies:
            s = results[name].get(t)
            if s is None:
                cells.append(f"{'-':>24}")
                continue
            cells.append(f"{s['F1']:5.2f} ({s['P']:.2f}/{s['R']:.2f})".rjust(24))
            if s["F1"] < GOAL:
                below.append(f"{name}/{t} {s['F1']:.2f}")
        print(f"{name:<13}" + "".join(cells))
    print("\nF1 change against the default style (same run):")
    print(f"{'style':<13}" + "".join(f"{t[:16]:>18}" for t in typologies))
    for name in names[1:]:
        print(f"{name:<13}" + "".join(
            f"{results[name].get(t, {}).get('F1', 0.0) - baseline.get(t, {}).get('F1', 0.0):+18.2f}"
            for t in typologies))
    print(f"\n{len(below)} of {len(names) * len(typologies)} typology/style pairs below F1 {GOAL}:")
    for line in below:
        print(f"  {line}")
    (base / "results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
