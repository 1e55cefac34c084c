"""The ``tenaza`` command. It prints (with rich); the library only logs."""

from __future__ import annotations

import importlib
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tenaza import __version__
from tenaza.cli_options import (
    JsonOpt,
    QuietOpt,
    VerboseOpt,
    emit,
    err,
    fail,
    merge,
    out,
    reset,
    share_options,
)
from tenaza.entry import INTERRUPTED
from tenaza.errors import EXIT_INTERRUPTED, TenazaError

app = typer.Typer(name="tenaza", no_args_is_help=True, add_completion=False,
                  help="Binational analytics against the business model of drug-trafficking organizations.")

# Areas add their commands through a register(app) function in these modules.
AREAS = ("tenaza.ingest.cli", "tenaza.analyze_cli", "tenaza.demo", "tenaza.detect.cli", "tenaza.scenario.cli", "tenaza.evaluate.cli", "tenaza.resolve.cli",
         "tenaza.rank.cli", "tenaza.money.cli",
         "tenaza.detect.alerts_cli", "tenaza.outcomes.cli", "tenaza.pillars.distribution.planner.cli",
         "tenaza.pillars.distribution.targeting.cli")

WorkspaceArg = Annotated[Path, typer.Argument(help="Workspace file (created by `tenaza init`).")]


AS_HELP = ("Read as a viewer of COUNTRY (ISO alpha-3), optionally of AGENCY: MEX or MEX/UIF. Every row, count and "
           "derived figure shown is filtered inside the query to what that viewer may see. Without it, commands "
           "run as the workspace owner, who sees everything. Commands that change the workspace refuse it.")


@app.callback()
def _main(as_json: JsonOpt = False, quiet: QuietOpt = False, verbose: VerboseOpt = 0,
          as_viewer: Annotated[str | None, typer.Option("--as", metavar="COUNTRY[/AGENCY]", help=AS_HELP)] = None,
          engine: Annotated[str | None, typer.Option(
              "--engine", help="duckdb (default) or spark[:MASTER], e.g. spark:local[2]; also TENAZA_ENGINE.")] = None,
          ) -> None:
    reset()
    merge(as_json, quiet, verbose)
    from tenaza.markings import Viewer, set_default_viewer

    try:
        set_default_viewer(Viewer.parse(as_viewer) if as_viewer is not None else None)
        from tenaza.store.settings import set_engine

        set_engine(engine)
    except TenazaError as exc:
        fail(exc)


def _hoist_global_options(argv: list[str]) -> list[str]:
    """``--as X`` and ``--engine E`` are accepted in any position: moved before the command for Typer.
    (``--json``, ``--quiet`` and ``-v`` are options of every command: tenaza.cli_options.)"""
    head: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            rest += argv[i:]
            break
        if a in ("--as", "--engine") and i + 1 < len(argv):
            head += [a, argv[i + 1]]
            i += 2
            continue
        if a.startswith(("--as=", "--engine=")):
            head.append(a)
        else:
            rest.append(a)
        i += 1
    return head + rest


@app.command()
def version(as_json: JsonOpt = False) -> None:
    """Print tenaza's version."""
    if as_json:
        emit({"version": __version__})
    else:
        out.print(__version__)


@app.command()
def init(path: Annotated[Path, typer.Argument(help="Path of the new workspace file.")], as_json: JsonOpt = False
         ) -> None:
    """Create an empty workspace: one DuckDB file with every canonical table."""
    from tenaza.store import Workspace

    try:
        Workspace.create(path).close()
    except TenazaError as exc:
        fail(exc)
    if as_json:
        emit({"workspace": str(path), "created": True})
    else:
        out.print(f"created workspace {path}")


@app.command()
def status(workspace: WorkspaceArg, as_json: JsonOpt = False) -> None:
    """Tables, row counts, quarantine counts and sources of a workspace."""
    from tenaza.store import Workspace

    try:
        with Workspace.open(workspace, read_only=True) as ws:
            rows = ws.status()
            ingests = ws.ingests()
    except TenazaError as exc:
        fail(exc)
    if as_json:
        emit({"workspace": str(workspace), "tables": [asdict(r) for r in rows], "ingests": ingests})
        return
    t = Table(title=f"workspace {workspace}")
    for col in ("table", "rows", "quarantined", "sources"):
        t.add_column(col, justify="left" if col == "table" else "right")
    for r in rows:
        t.add_row(r.table, f"{r.rows:,}", f"{r.quarantined:,}", f"{r.sources:,}")
    out.print(t)
    if ingests:
        s = Table(title="sources")
        for col in ("#", "file", "table", "originator", "releasable to", "read", "accepted", "quarantined"):
            s.add_column(col)
        for i in ingests:
            s.add_row(str(i["ingest_id"]), str(i["source"]), str(i["target_table"]), str(i["originator"]),
                      ",".join(i["releasable_to"] or []),  # type: ignore[arg-type]
                      f"{i['rows_read']:,}", f"{i['rows_accepted']:,}", f"{i['rows_quarantined']:,}")
        out.print(s)


@app.command("schema-docs")
def schema_docs(output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")] = None,
                as_json: JsonOpt = False) -> None:
    """Print (or write) the Markdown reference of every table, generated from the YAML."""
    from tenaza.schema import TABLES
    from tenaza.schema.docs import render

    text = render(TABLES)
    if output:
        output.write_text(text, encoding="utf-8")
    if as_json:
        emit({"tables": sorted(TABLES), "output": str(output) if output else None,
              **({} if output else {"markdown": text})})
    elif not output:
        out.print(text, markup=False, highlight=False)


def _register_areas() -> None:
    for module in AREAS:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue  # area not built yet
            raise
        mod.register(app)


_register_areas()
share_options(app)


def main() -> None:
    try:
        app(args=_hoist_global_options(sys.argv[1:]))
    except KeyboardInterrupt:
        err.print(INTERRUPTED)
        sys.exit(EXIT_INTERRUPTED)
    except SystemExit as exc:
        # Typer turns Ctrl-C into exit status 130 without a word: say what it means.
        if exc.code == EXIT_INTERRUPTED:
            err.print(INTERRUPTED)
        raise
