"""`tenaza plan port`: what officers, lanes, scanners and targeting buy at a port of entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

plan_app = typer.Typer(help="Plan capacity at the ports of entry (simulation).", no_args_is_help=True)

_COLUMNS = (
    ("officers", "officers"), ("lanes", "lanes"), ("NII", "nii_rate"), ("target k", "targeting_capacity"),
    ("arrivals", "arrivals"), ("done/h", "throughput_per_hour"), ("wait p50", "wait_p50_min"),
    ("wait p95", "wait_p95_min"), ("queue", "queue_mean"), ("2ary p95", "secondary_wait_p95_min"),
    ("seizures", "expected_seizures"),
)


def _cell(row: dict[str, Any], key: str) -> str:
    value = row["config"].get(key, row.get(key))
    if key in ("nii_rate", "targeting_capacity"):
        return f"{value:.0%}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def register(app: typer.Typer) -> None:
    @plan_app.command("port")
    def port(
        port: Annotated[str, typer.Option(help="Port name or CBP code (BTS data), e.g. Laredo or 2304.")],
        officers: Annotated[int, typer.Option(help="Officers on duty per shift.")] = 40,
        lanes: Annotated[int, typer.Option(help="Primary lanes (booths).")] = 12,
        nii_rate: Annotated[float, typer.Option(help="Share of conveyances scanned by NII (0-1).")] = 0.17,
        nii_portals: Annotated[int, typer.Option(help="Drive-through NII portals.")] = 4,
        capacity: Annotated[float, typer.Option(help="Targeting capacity: share referred to secondary (0-1).")] = 0.03,
        conveyance: Annotated[str | None, typer.Option(help=(
            "truck or personal_vehicle (default: truck, or personal_vehicle where the port has no trucks)."))] = None,
        month: Annotated[int | None, typer.Option(help="Month of 2024 (default: the busiest per day).")] = None,
        days: Annotated[int | None, typer.Option(help="Days simulated (default: the whole month).")] = None,
        curve: Annotated[Path | None, typer.Option(help="Precision-capacity curve JSON from the targeting model.")
                         ] = None,
        workspace: Annotated[Path | None, typer.Option(help=(
            "Workspace whose targeting run (tenaza target) gives the curve: the model's measured rare-class recall "
            "at each capacity, for this port where it has enough finds."))] = None,
        sweep: Annotated[str | None, typer.Option(help="Sweep one of: officers, lanes, nii_portals, nii_rate, "
                                                       "targeting_capacity.")] = None,
        values: Annotated[str | None, typer.Option(help="Comma-separated values of the sweep.")] = None,
        plot: Annotated[Path | None, typer.Option(help="Write a PNG plot here.")] = None,
        seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Simulate a port of entry and report waits, throughput, queues and expected seizures."""
        from pydantic import ValidationError
        from rich.table import Table

        from tenaza.cli_options import fail, out
        from tenaza.errors import PlanError, TenazaError
        from tenaza.pillars.distribution.planner import seizures
        from tenaza.pillars.distribution.planner import sweep as sweeps
        from tenaza.pillars.distribution.planner.model import PortConfig, simulate

        try:
            try:
                cfg = PortConfig(port=port, officers=officers, lanes=lanes, nii_rate=nii_rate, nii_portals=nii_portals,
                                 targeting_capacity=capacity, conveyance=conveyance,
                                 month=month, days=days, seed=seed)
            except ValidationError as exc:
                e = exc.errors()[0]
                raise PlanError(f"option --{str(e['loc'][0]).replace('_', '-')}: {e['msg']}") from exc
            the_curve = seizures.load_curve(curve) if curve else None
            if workspace and not the_curve:
                from tenaza.pillars.distribution.planner.volume import find_port

                the_curve = seizures.workspace_curve(workspace, find_port(port).code)
                if the_curve is None:
                    from tenaza.cli_options import err

                    err.print(f"[yellow]{workspace}: no targeting scores with dangerous finds; using the default "
                              "curve (run tenaza target first)[/]")
            if sweep:
                try:
                    vals = [float(v) for v in values.split(",")] if values else None
                except ValueError as exc:
                    raise PlanError(f"option --values: not a comma-separated list of numbers: {values!r}") from exc
                results = sweeps.sweep(cfg, sweep, vals, the_curve)
                if plot:
                    sweeps.plot_sweep(results, sweep, plot)
            else:
                results = [simulate(cfg, the_curve)]
                if plot:
                    sweeps.plot_run(results[0], plot)
        except TenazaError as exc:
            fail(exc)
            return
        rows = [r.to_dict() for r in results]
        if as_json:
            out.print_json(json.dumps(rows if sweep else rows[0]))
            return
        first = results[0]
        table = Table(title=f"{first.port} ({first.port_code}) {first.conveyance}, month {first.month} of 2024, "
                            f"{first.days} days; minutes")
        for head, _ in _COLUMNS:
            table.add_column(head, justify="right")
        for row in rows:
            table.add_row(*(_cell(row, key) for _, key in _COLUMNS))
        out.print(table)
        if sweep and len(results) > 1:
            base = results[0]
            for r in results[1:]:
                delta = (r.expected_seizures / base.expected_seizures - 1) if base.expected_seizures else 0.0
                out.print(f"{sweep}={r.config[sweep]}: p95 wait {r.wait_p95_min - base.wait_p95_min:+.0f} min, "
                          f"expected seizures {delta:+.0%} against {sweep}={base.config[sweep]}")
        out.print(f"[dim]seizures: {first.curve}; volume: BTS 2024; see docs/distribution.md[/]")
        if plot:
            out.print(f"plot written to {plot}")

    app.add_typer(plan_app, name="plan")
