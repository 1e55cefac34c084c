"""``tenaza demo``: build the demo workspace from the bundled data, then report it."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

SAMPLE = "sample"


def sample_manifest() -> Path:
    return Path(str(resources.files("tenaza") / "data" / SAMPLE / "manifest.json"))


def register(app: typer.Typer) -> None:
    demo = typer.Typer(help="Build the demo workspace.", no_args_is_help=True)
    app.add_typer(demo, name="demo")

    @demo.command("build")
    def build(
        directory: Annotated[Path, typer.Argument(help="Folder for the demo; its workspace.duckdb is rebuilt.")],
        source: Annotated[str, typer.Option(help="scenario (a generated world) or sample (the small bundled one).")
                          ] = "scenario",
        scale: Annotated[str, typer.Option(help="Scenario scale: tiny, demo or a number of transactions.")] = "demo",
        seed: Annotated[int, typer.Option(help="Scenario seed.")] = 7,
        analyze_: Annotated[bool, typer.Option("--analyze/--no-analyze", help="Run `tenaza analyze` after loading.")
                            ] = True,
    ) -> None:
        """Create DIR/workspace.duckdb afresh: generate (or take) the data, ingest it, analyze it."""
        from tenaza.analyze import analyze
        from tenaza.cli_options import fail, out
        from tenaza.errors import TenazaError
        from tenaza.ingest.cli import print_report
        from tenaza.manifest import ingest_manifest
        from tenaza.store import Workspace

        if source not in ("scenario", "sample"):
            fail(TenazaError(f"--source {source!r}: expected scenario or sample"))
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / "workspace.duckdb"
        tmp = directory / "workspace.building.duckdb"
        tmp.unlink(missing_ok=True)
        try:
            if source == "scenario":
                from tenaza.scenario.generate import generate
                from tenaza.scenario.world.config import ScenarioConfig, parse_scale

                world = directory / "world"
                shutil.rmtree(world, ignore_errors=True)
                out.print(f"generating the {scale} scenario (seed {seed}) in {world}")
                try:
                    n = parse_scale(scale)
                except ValueError as exc:
                    raise TenazaError(f"--scale: {exc}") from None
                manifest = generate(ScenarioConfig(n, seed=seed), world).manifest
            else:
                manifest = sample_manifest()
            with Workspace.create(tmp) as ws:
                for report in ingest_manifest(ws, manifest,
                                              on_file=lambda f: out.print(f"ingesting {f.path} → {f.table}")):
                    print_report(report)
                if analyze_:
                    for step in analyze(ws, on_step=lambda name: out.print(f"analyze: {name}")).steps:
                        out.print(f"  {step.step}: {step.summary}" + ("" if step.skipped else f" ({step.seconds:.1f}s)"))
        except TenazaError as exc:
            tmp.unlink(missing_ok=True)
            fail(exc)
        shutil.move(tmp, target)
        out.print(f"demo workspace ready: {target}")
