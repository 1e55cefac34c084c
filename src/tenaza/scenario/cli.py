"""``tenaza scenario generate`` and ``tenaza scenario styles``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    scenario = typer.Typer(help="The synthetic binational world with ground truth.", no_args_is_help=True)
    app.add_typer(scenario, name="scenario")

    @scenario.command("generate")
    def generate_cmd(
        out_dir: Annotated[Path, typer.Option("--out", help="Folder for the source files, mappings, manifest.json "
                                                            "and truth.parquet.")],
        scale: Annotated[str, typer.Option(help="tiny, demo, or a number of transactions (2e6, 10_000_000).")] = "tiny",
        seed: Annotated[int, typer.Option(help="Seed; the same seed and scale give the same files.")] = 0,
        style: Annotated[str, typer.Option(help="Style(s), comma-separated: how the world is written (amount "
                                                 "scale, currencies, span, ids, customer files, transaction ids); "
                                                 "`tenaza scenario styles` lists them.")] = "default",
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Write a generated world: source files in the agencies' layouts, their mappings, a manifest for
        `tenaza ingest-manifest`, and truth.parquet for `tenaza evaluate`."""
        from tenaza.cli_options import out
        from tenaza.scenario.generate import generate
        from tenaza.scenario.sources import styles
        from tenaza.scenario.world.config import ScenarioConfig, parse_scale

        try:
            n = parse_scale(scale)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--scale") from None
        try:
            chosen = styles.combine(style.split(","))
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--style") from None
        result = generate(ScenarioConfig(n, seed=seed), out_dir)
        applied = styles.apply(result.out, chosen)
        # result.files is keyed by source name (no extension); a style may drop a file or change its format
        written = {p.name.split(".", 1)[0] for p in result.out.iterdir() if p.is_file()}
        files = {k: v for k, v in result.files.items() if k in written}
        if not chosen.is_default:
            import dataclasses

            import pyarrow.parquet as pq

            result = dataclasses.replace(result, files=files, truth_rows=pq.read_metadata(result.truth).num_rows)
        if as_json:
            from tenaza.cli_options import emit

            emit({"out": str(result.out), "manifest": str(result.manifest), "truth": str(result.truth),
                  "truth_rows": result.truth_rows, "files": result.files, "seconds": result.seconds,
                  "style": chosen.name, "notes": list(applied.notes)})
            return
        from rich.table import Table

        table = Table("file", "rows", title=f"scenario written to {result.out} in {result.seconds:.1f} s")
        for name, rows in result.files.items():
            table.add_row(name, f"{rows:,}")
        out.print(table)
        out.print(f"truth: {result.truth} ({result.truth_rows:,} rows); manifest: {result.manifest}")
        if not chosen.is_default:
            out.print(f"style {chosen.name}: {chosen.description}")
            for note in applied.notes:
                out.print(f"  {note}")

    @scenario.command("styles")
    def styles_cmd(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
        """The styles `tenaza scenario generate --style` knows."""
        from rich.table import Table

        from tenaza.cli_options import emit, out
        from tenaza.scenario.sources.styles import STYLES

        if as_json:
            emit({"styles": [{"name": s.name, "description": s.description, "amount_scale": s.amount_scale,
                              "currencies": list(s.currencies), "days": s.days, "ids": s.ids, "parties": s.parties,
                              "txn_ids": s.txn_ids} for s in STYLES.values()]})
            return

        table = Table("style", "what changes", "scale", "currencies", "days", "ids", "parties", "txn id")
        for s in STYLES.values():
            table.add_row(s.name, s.description, f"x{s.amount_scale:g}", str(len(s.currencies) or "USD, MXN"),
                          str(s.days), s.ids, "yes" if s.parties else "no", "yes" if s.txn_ids else "no")
        out.print(table)
