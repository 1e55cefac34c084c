"""The analysis on DuckDB and on Spark local[N], same generated workspace, same run.

Builds the scenario at ``--scale`` (``demo build --no-analyze``), runs every registered detector
on the DuckDB file and then on a copy opened with ``--engine spark:local[N]`` (the inspection
queue, ``tenaza target``, first on each engine where the inspection detector is asked for), and prints, per
detector, the seconds and alert counts on each engine and whether the alerts agree (ids, and
scores within 1e-6). A detector whose SQL Spark refuses is reported as not ported with the
first line of its error, never skipped silently. DuckDB is the baseline measured in the same
run.

    .venv/bin/python bench/spark.py --scale tiny --master 'local[2]'
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from typer.testing import CliRunner

from tenaza.cli import app
from tenaza.detect import run, select
from tenaza.store import Workspace

TOLERANCE = 1e-6


def _alerts(ws: Workspace, name: str) -> dict[str, float]:
    rows = ws.backend.fetch("read alerts", "SELECT alert_id, score FROM alerts WHERE detector = $d", {"d": name})
    return {str(a): float(s) for a, s in rows}


def _analyze(ws: Workspace, names: list[str]) -> dict[str, tuple[float, dict[str, float] | None, str]]:
    """name -> (seconds, alerts or None where the engine failed, note)."""
    out: dict[str, tuple[float, dict[str, float] | None, str]] = {}
    for name in names:
        t0 = time.perf_counter()
        try:
            r = run(ws, select(None, [name]))[0]
        except Exception as exc:  # noqa: BLE001 -- a refused detector is a figure of this benchmark, not a crash
            out[name] = (time.perf_counter() - t0, None, str(exc).splitlines()[0][:100])
            continue
        out[name] = (time.perf_counter() - t0, _alerts(ws, name), r.skipped or "")
    return out


INSPECTION = "distribution_inspection_target"


def _target(ws: Workspace) -> tuple[float, dict[str, float]]:
    """`tenaza target` at its defaults on this engine (the crossings read and the queue written
    through its backend, LightGBM on the driver): seconds, and the selected items' scores. The
    inspection detector reads this queue, so it runs first, as `tenaza analyze` does."""
    from tenaza.pillars.distribution.targeting import pipeline
    from tenaza.pillars.distribution.targeting import workspace as tws

    t0 = time.perf_counter()
    tws.write(ws, pipeline.run(tws.load(ws)), 0.05, 0.5)
    seconds = time.perf_counter() - t0
    rows = ws.backend.fetch("read queue", "SELECT item_id, score FROM inspection_scores WHERE selected")
    return seconds, {str(i): float(v) for i, v in rows}


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return sorted(a) == sorted(b) and all(abs(a[k] - b[k]) <= TOLERANCE for k in a)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="tiny", help="scenario scale: tiny, demo or a number of transactions")
    ap.add_argument("--master", default="local[2]", help="Spark master URL")
    ap.add_argument("--detectors", nargs="*", help="detector names (default: every registered one)")
    args = ap.parse_args(argv)
    names = args.detectors or [cls.NAME for cls in select()]
    with tempfile.TemporaryDirectory(prefix="tenaza-bench-spark-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        built = CliRunner().invoke(app, ["demo", "build", str(folder), "--source", "scenario", "--scale", args.scale,
                                         "--no-analyze"])
        if built.exit_code != 0:
            print(f"bench/spark.py: demo build failed (exit {built.exit_code}):\n{built.output}", file=sys.stderr)
            return 2
        path = folder / "workspace.duckdb"
        print(f"scenario {args.scale}: built in {time.perf_counter() - t0:.1f} s")
        copy = folder / "spark-copy.duckdb"
        shutil.copy(path, copy)
        with Workspace.open(path, engine="duckdb") as ws:
            print(f"transactions: {ws.count('transactions'):,}  declarations: {ws.count('trade_declarations'):,}  "
                  f"firearm sales: {ws.count('firearm_sales'):,}")
            queue = {"duckdb": _target(ws)} if INSPECTION in names else {}
            duck = _analyze(ws, names)
        t0 = time.perf_counter()
        spark_ws = Workspace.open(copy, engine=f"spark:{args.master}")
        opened = time.perf_counter() - t0
        if queue:
            queue["spark"] = _target(spark_ws)
        spark = _analyze(spark_ws, names)
        spark_ws.close()
    print(f"Spark {args.master}: workspace opened (session, Parquet export) in {opened:.1f} s")
    queue_same = True
    if queue:
        (ds, dq), (ss, sq) = queue["duckdb"], queue["spark"]
        queue_same = _same(dq, sq)
        print(f"tenaza target (inspection queue): DuckDB {ds:.1f} s, {len(dq):,} selected; Spark {ss:.1f} s, "
              f"{len(sq):,} selected; {'same' if queue_same else 'DIFFERENT'} items and scores")
    print(f"{'detector':34} {'duckdb s':>9} {'alerts':>7} {'spark s':>9} {'alerts':>7}  parity")
    ported = total_d = total_s = 0.0
    agree = queue_same
    for name in names:
        ds, da, dnote = duck[name]
        ss, sa, snote = spark[name]
        if sa is None or da is None:
            verdict = f"not on {'Spark' if sa is None else 'DuckDB'}: {snote or dnote}"
        elif dnote:
            verdict = f"skipped: {dnote}"
        else:
            ok = _same(da, sa)
            agree &= ok
            verdict = "same" if ok else "DIFFERENT"
            ported += 1
            total_d += ds
            total_s += ss
        print(f"{name:34} {ds:9.2f} {len(da or {}):7} {ss:9.2f} {len(sa or {}):7}  {verdict}")
    print(f"ported detectors compared: {int(ported)}; DuckDB {total_d:.1f} s, Spark {args.master} {total_s:.1f} s "
          f"(x{total_s / total_d if total_d else float('nan'):.1f}); parity: {'yes' if agree else 'NO'}")
    if not ported:
        print("no detector ran on both engines: nothing was compared", file=sys.stderr)
        return 1
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
