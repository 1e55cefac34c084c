"""`tenaza detect` and `tenaza detectors`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def detect(
        workspace: Annotated[Path, typer.Argument(help="Workspace file.")],
        pillar: Annotated[str | None, typer.Option(help="Run the detectors of one pillar (cash, ...).")] = None,
        detector: Annotated[list[str] | None, typer.Option("--detector", "-d", help="Run only these detectors.")] = None,
        config: Annotated[Path | None, typer.Option(help="YAML: detector name -> settings.")] = None,
        debug_steps: Annotated[bool, typer.Option("--debug-steps", help=(
            "Also count the rows of every named step of each detector's SQL, to see where its rows vanish "
            "(re-runs the steps: for looking, not for production runs)."))] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Run detectors and write their alerts (each detector's previous alerts are replaced)."""
        import yaml
        from pydantic import ValidationError
        from rich.table import Table

        from tenaza.cli_options import fail, out
        from tenaza.detect import run, select
        from tenaza.errors import TenazaError
        from tenaza.store import Workspace

        try:
            configs = yaml.safe_load(config.read_text(encoding="utf-8")) if config else {}
            with Workspace.open(workspace) as ws:
                runs = run(ws, select(pillar, detector), configs, debug_steps=debug_steps)
        except TenazaError as exc:
            fail(exc)
        except (ValidationError, yaml.YAMLError, OSError) as exc:
            fail(TenazaError(f"{config}: {str(exc).splitlines()[0]}"))
        if as_json:
            out.print_json(json.dumps([asdict(r) for r in runs]))
            return
        t = Table(title="detectors")
        for col in ("detector", "pillar", "alerts", "seconds", "profile", "note"):
            t.add_column(col)
        for r in runs:
            t.add_row(r.detector, r.pillar, f"{r.alerts:,}", f"{r.seconds:.2f}", r.profile or "",
                      r.skipped or "; ".join(r.notes))
        out.print(t)
        for r in runs:
            if r.steps:
                out.print(f"{r.detector} steps: " + ", ".join(f"{c.name} {c.rows:,} ({c.seconds:.2f}s)" for c in r.steps),
                          highlight=False)
        for r in runs:
            for w in r.warnings:
                out.print(f"[yellow]warning:[/] {w}")

    @app.command()
    def detectors(markdown: Annotated[bool, typer.Option("--markdown", help="Print docs/detectors.md.")] = False,
                  output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the Markdown here.")] = None,
                  as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
                  ) -> None:
        """List the registered detectors, with what they find."""
        import sys

        from tenaza.cli_options import emit, out
        from tenaza.detect import select
        from tenaza.detect.docs import render

        found = select()
        if as_json:
            if output:
                output.write_text(render(found), encoding="utf-8")
            emit({"detectors": [{"name": d.NAME, "pillar": d.PILLAR, "finds": d.describe().splitlines()[0]}
                                for d in found], "output": str(output) if output else None})
            return
        if markdown or output:
            text = render(found)
            if output:
                output.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return
        for d in found:
            out.print(f"[bold]{d.NAME}[/] ({d.PILLAR}): {d.describe().splitlines()[0]}")
