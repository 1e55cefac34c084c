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
    ) -> None:
        """Create DIR/workspace.duckdb afresh and ingest the bundled sample into it."""
        from tenaza.cli import _print_report, fail, out
        from tenaza.errors import TenazaError
        from tenaza.manifest import ingest_manifest
        from tenaza.store import Workspace

        directory.mkdir(parents=True, exist_ok=True)
        target = directory / "workspace.duckdb"
        tmp = directory / "workspace.building.duckdb"
        tmp.unlink(missing_ok=True)
        try:
            with Workspace.create(tmp) as ws:
                for report in ingest_manifest(ws, sample_manifest(),
                                              on_file=lambda f: out.print(f"ingesting {f.path} → {f.table}")):
                    _print_report(report)
        except TenazaError as exc:
            tmp.unlink(missing_ok=True)
            fail(exc)
        shutil.move(tmp, target)
        out.print(f"demo workspace ready: {target}")

    @app.command("ingest-manifest")
    def ingest_manifest_cmd(
        workspace: Annotated[Path, typer.Argument(help="Workspace file.")],
        manifest: Annotated[Path, typer.Argument(help="manifest.json listing files, tables, mappings and markings.")],
    ) -> None:
        """Ingest every file a manifest lists, each in its own transaction."""
        from tenaza.cli import _print_report, fail
        from tenaza.errors import TenazaError
        from tenaza.manifest import ingest_manifest
        from tenaza.store import Workspace

        try:
            with Workspace.open(workspace) as ws:
                for report in ingest_manifest(ws, manifest):
                    _print_report(report)
        except TenazaError as exc:
            fail(exc)
