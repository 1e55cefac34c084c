"""``tenaza analyze``: every step after ingest (resolve, screen, detect, rank, outcomes)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("analyze")
    def analyze_cmd(workspace: Annotated[Path, typer.Argument(help="Workspace file.")]) -> None:
        """Run every step after ingest: resolve, screen, detect."""
        from tenaza.analyze import analyze
        from tenaza.cli_options import fail, out
        from tenaza.errors import TenazaError
        from tenaza.store import Workspace

        try:
            with Workspace.open(workspace) as ws:
                report = analyze(ws, on_step=lambda name: out.print(f"{name} ..."))
        except TenazaError as exc:
            fail(exc)
        for step in report.steps:
            out.print(f"  {step.step}: {step.summary}" + ("" if step.skipped else f" ({step.seconds:.1f}s)"))
