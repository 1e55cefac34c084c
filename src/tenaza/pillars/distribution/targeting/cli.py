"""`tenaza target` (the workspace's crossings) and `tenaza target-file` (any declaration file)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from tenaza.pillars.distribution.targeting.pipeline import TargetingRun

Capacity = Annotated[float, typer.Option(help="Share of each port's items inspected per day (0.05 = 5 %).")]
Weight = Annotated[float, typer.Option(help="Weight of the rare dangerous class against any violation (0..1).")]
CurveOut = Annotated[Path | None, typer.Option(help="Write the precision-capacity curve JSON (for tenaza plan port --curve).")]
PlotOut = Annotated[Path | None, typer.Option(help="Write the precision-capacity plot (PNG).")]
TableOut = Annotated[Path | None, typer.Option(help="Write the per-port table (CSV).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _report(result: TargetingRun, curve: Path | None, plot: Path | None, table: Path | None, as_json: bool,
            extra: dict[str, Any]) -> None:
    from rich.table import Table

    from tenaza.cli_options import err, out
    from tenaza.pillars.distribution.targeting import drift, evaluate

    source = f"tenaza targeting {result.mode}, later period from {result.split_date}"
    if curve and result.curve:
        evaluate.write_curve(result.curve, curve, source)
    if plot and result.curve:
        evaluate.plot(result.curve, plot, title=f"targeting ({result.mode}), later period from {result.split_date}")
    if table and result.ports:
        with table.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(result.ports[0]))
            w.writeheader()
            w.writerows(result.ports)
    if (curve or plot or table) and not result.curve:
        err.print("[yellow]no item of the later period has an outcome: no curve, plot or table written[/]")
    summary = {"mode": result.mode, "note": result.fitted.note.strip("; ") or None, "split_date": result.split_date,
               "train_items": result.train_rows, "scored_items": len(result.frame),
               "selected": int(result.selected.sum()), "drift": drift.summary(result.drift),
               "curve": [p.__dict__ for p in result.curve], "ports": result.ports, **extra}
    if as_json:
        out.print_json(json.dumps(summary, default=str))
        return
    out.print(f"targeting: {summary['mode']}; trained on {result.train_rows:,} items before {result.split_date}, "
              f"scored {len(result.frame):,}, selected {summary['selected']:,}")
    if summary["note"]:
        out.print(f"[yellow]{summary['note']}[/]")
    if result.curve:
        t = Table(title="precision-capacity (later period)")
        for c in ("capacity", "precision, any", "recall, any", "recall, dangerous", "dangerous found"):
            t.add_column(c)
        for p in result.curve:
            t.add_row(f"{p.capacity:.1%}", f"{p.precision_any:.3f}", f"{p.recall_any:.3f}",
                      "n/a" if p.recall_rare is None else f"{p.recall_rare:.3f}", f"{p.found_rare}/{p.rare}")
        out.print(t)
        t = Table(title="per port")
        for c in result.ports[0]:
            t.add_column(c)
        for row in result.ports:
            t.add_row(*["" if v is None else str(v) for v in row.values()])
        out.print(t)
    out.print(f"drift: {summary['drift']}")
    for k, v in extra.items():
        out.print(f"{k}: {v}")


def register(app: typer.Typer) -> None:
    @app.command()
    def target(
        workspace: Annotated[Path, typer.Argument(help="Workspace file.")],
        capacity: Capacity = 0.05, rare_weight: Weight = 0.5,
        curve: CurveOut = None, plot: PlotOut = None, table: TableOut = None, as_json: JsonOpt = False,
    ) -> None:
        """Rank the workspace's crossings for inspection (k % per port per day) into inspection_scores;
        `tenaza detect --pillar distribution` then writes the selected ones as alerts."""
        from tenaza.cli_options import fail
        from tenaza.errors import TenazaError
        from tenaza.pillars.distribution.targeting import pipeline
        from tenaza.pillars.distribution.targeting import workspace as tws
        from tenaza.pillars.distribution.targeting.model import TargetingConfig
        from tenaza.store import Workspace

        try:
            cfg = TargetingConfig(capacity=capacity, rare_weight=rare_weight)
            with Workspace.open(workspace) as ws:
                frame = tws.load(ws)
                if frame.empty:
                    raise TenazaError(f"{workspace}: no crossings to target; ingest crossings first")
                result = pipeline.run(frame, cfg)
                run_id = tws.write(ws, result, capacity, rare_weight)
        except TenazaError as exc:
            fail(exc)
        except ValueError as exc:  # a setting out of range (pydantic)
            fail(TenazaError(str(exc).splitlines()[0]))
        _report(result, curve, plot, table, as_json, {"run_id": run_id})

    @app.command("target-file")
    def target_file(
        path: Annotated[Path, typer.Argument(help="Declarations: CSV, Parquet or JSON lines.")],
        mapping: Annotated[Path | None, typer.Option(help="Targeting mapping YAML (default: the generic one).")] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the scored later period (CSV).")] = None,
        capacity: Capacity = 0.05, rare_weight: Weight = 0.5,
        curve: CurveOut = None, plot: PlotOut = None, table: TableOut = None, as_json: JsonOpt = False,
    ) -> None:
        """Train and measure on any customs declaration file with outcomes, by a column mapping."""
        from tenaza.cli_options import fail
        from tenaza.errors import TenazaError
        from tenaza.pillars.distribution.targeting import mapping as tmap
        from tenaza.pillars.distribution.targeting import pipeline
        from tenaza.pillars.distribution.targeting.model import TargetingConfig

        try:
            cfg = TargetingConfig(capacity=capacity, rare_weight=rare_weight)
            result = pipeline.run(tmap.load_file(path, mapping), cfg)
        except TenazaError as exc:
            fail(exc)
        except ValueError as exc:
            fail(TenazaError(str(exc).splitlines()[0]))
        if output:
            df = result.frame
            with output.open("w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(["item_id", "port", "date", "score", "rank_in_port_day", "selected", "reasons"])
                for i in range(len(df)):
                    w.writerow([df["item_id"].iloc[i], df["port"].iloc[i], df["date"].iloc[i].date(),
                                round(float(result.score[i]), 5), int(result.rank[i]), bool(result.selected[i]),
                                " | ".join(result.reasons.get(i, []))])
        _report(result, curve, plot, table, as_json, {})
