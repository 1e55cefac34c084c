"""``tenaza rates``: exchange rates to the US dollar, and how much of the data they cover."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

rates_app = typer.Typer(name="rates", no_args_is_help=True,
                        help="Exchange rates to the US dollar (ECB reference rates offline, plus your own files).")


@rates_app.command("load")
def load(
    workspace: Annotated[Path, typer.Argument(help="Workspace file.")],
    file: Annotated[list[Path] | None, typer.Option(
        "--file", "-f", help="Rates CSV: date,currency,units_per_usd (or usd_per_unit). Wins over the ECB's.")] = None,
    no_ecb: Annotated[bool, typer.Option("--no-ecb", help="Use only the files given, not the ECB's rates.")] = False,
    max_age_days: Annotated[int, typer.Option(help="A rate is used for at most this many days after its date.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Replace the workspace's exchange rates, then say how many transactions they convert."""
    from tenaza.cli_options import fail, out
    from tenaza.errors import TenazaError
    from tenaza.money import load_rates, usd_coverage
    from tenaza.store import Workspace

    try:
        with Workspace.open(workspace) as ws:
            counts = load_rates(ws, file or [], ecb=not no_ecb, max_age_days=max_age_days)
            cover = usd_coverage(ws)
    except TenazaError as exc:
        fail(exc)
    if as_json:
        out.print_json(json.dumps({"periods": counts, "coverage": asdict(cover)}))
    elif not quiet:
        out.print(f"exchange rates: {', '.join(f'{n:,} from {s}' for s, n in counts.items())}", highlight=False)
        out.print(cover.sentence(), highlight=False)


@rates_app.command("coverage")
def coverage(
    workspace: Annotated[Path, typer.Argument(help="Workspace file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Transactions that get no US-dollar amount, by currency."""
    from tenaza.cli_options import fail, out
    from tenaza.errors import TenazaError
    from tenaza.money import usd_coverage
    from tenaza.store import Workspace

    try:
        with Workspace.open(workspace, read_only=True) as ws:
            cover = usd_coverage(ws)
    except TenazaError as exc:
        fail(exc)
    if as_json:
        out.print_json(json.dumps(asdict(cover)))
    else:
        out.print(cover.sentence(), highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(rates_app)
