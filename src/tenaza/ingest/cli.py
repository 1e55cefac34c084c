"""``tenaza ingest`` and ``tenaza ingest-manifest``: files into canonical tables, each row stored or
quarantined with its reason, and the report of what happened to every row."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from tenaza.cli_options import JsonOpt, QuietOpt, emit, err, fail, out
from tenaza.errors import TenazaError

WorkspaceArg = Annotated[Path, typer.Argument(help="Workspace file (created by `tenaza init`).")]


def register(app: typer.Typer) -> None:
    app.command()(ingest)

    @app.command("ingest-manifest")
    def ingest_manifest_cmd(
        workspace: Annotated[Path, typer.Argument(help="Workspace file.")],
        manifest: Annotated[Path, typer.Argument(help="manifest.json listing files, tables, mappings and markings.")],
    ) -> None:
        """Ingest every file a manifest lists, each in its own transaction."""
        from tenaza.cli_options import fail
        from tenaza.errors import TenazaError
        from tenaza.manifest import ingest_manifest
        from tenaza.store import Workspace

        try:
            with Workspace.open(workspace) as ws:
                for report in ingest_manifest(ws, manifest):
                    print_report(report)
        except TenazaError as exc:
            fail(exc)


def ingest(
    workspace: WorkspaceArg,
    file: Annotated[Path, typer.Argument(help="CSV (any delimiter; .gz, .bz2, .zst), Parquet or JSON-lines file.")],
    table: Annotated[str, typer.Option("--table", "-t", help="Canonical table to load.")],
    originator: Annotated[str, typer.Option(help="Code of the agency that supplied the file (e.g. FINCEN, UIF).")],
    releasable_to: Annotated[str, typer.Option(help="Countries the rows may be shared with, ISO alpha-3: USA,MEX.")],
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="Mapping file (YAML) for this layout.")] = None,
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter; sniffed when absent.")] = None,
    encoding: Annotated[str | None, typer.Option(help="File encoding (default utf-8; e.g. cp1252, latin-1).")] = None,
    dates: Annotated[str | None, typer.Option(help="Order of slash dates: dmy (Mexico) or mdy (US).")] = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Load a file into a canonical table. Every row is stored or quarantined with its reason."""
    from tenaza.ingest import ingest_file
    from tenaza.store import Workspace

    try:
        with Workspace.open(workspace) as ws, progress_bar(quiet or as_json) as bar:
            task = bar.add_task(f"{file.name}", total=None)

            def progress(step: str, done: int, total: int) -> None:
                bar.update(task, description=f"{file.name}: {step}", completed=done, total=total or None)

            report = ingest_file(ws, file, table, mapping=mapping, originator=originator,
                                 releasable_to=releasable_to.split(","), delimiter=delimiter, encoding=encoding,
                                 dates=dates, progress=progress)
    except TenazaError as exc:
        fail(exc)
    if as_json:
        emit(asdict(report))
    elif not quiet:
        print_report(report)


def progress_bar(disable: bool) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                    TimeElapsedColumn(), console=err, transient=True, disable=disable)


def print_report(report: Any) -> None:
    if report.already_ingested_as is not None:
        out.print(f"{Path(report.path).name}: already loaded into {report.table} by ingest "
                  f"{report.already_ingested_as} (same content); nothing to do")
        for w in report.warnings[1:]:  # the first says the same as the line above
            out.print(f"  [yellow]{w}[/]")
        return
    colour = "green" if report.rows_quarantined == 0 else "yellow"
    out.print(f"{Path(report.path).name} → {report.table} (ingest {report.ingest_id}): "
              f"[bold]{report.rows_read:,}[/] read = [{colour}]{report.rows_accepted:,} accepted[/] + "
              f"[{colour}]{report.rows_quarantined:,} quarantined[/] in {report.seconds:.1f}s")
    if report.blank_lines:
        out.print(f"  {report.blank_lines:,} blank lines skipped")
    if report.values_repaired:
        out.print(f"  {report.values_repaired:,} garbled values repaired (mojibake)")
    if report.ids_flagged:
        out.print(f"  {report.ids_flagged:,} identifiers flagged (wrong check digit or malformed)")
    if report.extra_columns:
        out.print(f"  kept in extras (no canonical column): {', '.join(report.extra_columns)}")
    for reason, n in report.reasons:
        out.print(f"  quarantined {n:,}× {reason}", highlight=False)
    for name, counts in report.fields.items():
        said = [f"{counts[k]:,} {label}" for k, label in (
            ("cleared", "values cleared (not valid; kept raw in extras._invalid)"),
            ("rounded", "amounts rounded in storage (exact text in extras._exact)"),
            ("quarantined", "rows quarantined")) if counts.get(k)]
        if said:
            out.print(f"  {name}: {'; '.join(said)}", highlight=False)
    for w in report.warnings:
        out.print(f"  [yellow]{w}[/]")
