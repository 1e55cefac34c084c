"""Commands of the resolve area: resolve, screen, screen-tune, judge, entity."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from tenaza.errors import TenazaError

if TYPE_CHECKING:
    from tenaza.resolve.screening.screen import ScreenReport

out = Console()
err = Console(stderr=True)

WorkspaceArg = Annotated[Path, typer.Argument(help="Workspace file (created by `tenaza init`).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]


def _fail(exc: TenazaError) -> None:
    """The command line's one way to fail: every problem listed, engine SQL logged, status 2."""
    from tenaza.cli import fail

    fail(exc)


def resolve_cmd(workspace: WorkspaceArg,
                threshold: Annotated[float, typer.Option(help="Match probability at which records are linked.")] = 0.9,
                as_json: JsonOpt = False) -> None:
    """Resolve party records into entities (Splink), applying the analysts' judgements."""
    from tenaza.resolve.linkage import LinkageConfig
    from tenaza.resolve.pipeline import resolve
    from tenaza.store import Workspace

    try:
        with Workspace.open(workspace) as ws:
            report = resolve(ws, LinkageConfig(threshold=threshold))
    except TenazaError as exc:
        _fail(exc)
        return
    if as_json:
        out.print_json(json.dumps(asdict(report)))
        return
    table = Table(title=f"resolve run {report.run_id}", show_header=False)
    for label, value in (("party records", report.records), ("pairs scored at threshold", report.pairs_scored),
                         ("links applied", report.links), ("entities", report.entities),
                         ("entities of several records", report.multi_record_entities),
                         ("merge judgements applied", report.merges_applied),
                         ("split judgements applied", report.splits_applied),
                         ("links refused by splits", report.links_refused_by_splits),
                         ("seconds", " ".join(f"{k} {v}" for k, v in report.seconds.items()))):
        table.add_row(label, f"{value:,}" if isinstance(value, int) else str(value))
    out.print(table)


def screen_cmd(workspace: WorkspaceArg,
               list_file: Annotated[Path | None, typer.Option("--list", help="OFAC SDN file (sdn.csv or sdn.xml) to "
                                                                 "load as a new version and screen against; default: "
                                                                 "every list in the workspace (the latest version of "
                                                                 "each), or the shipped 2024-05-03 list if none.")] = None,
               version: Annotated[str | None, typer.Option(help="Version of --list (default: from the file).")] = None,
               threshold: Annotated[float | None, typer.Option(help="Hit threshold (default: the tuned one).")] = None,
               show: Annotated[int, typer.Option(help="Hits to print.")] = 20,
               as_json: JsonOpt = False) -> None:
    """Screen party records against a designation list; report new and dropped hits."""
    from tenaza.resolve.screening.matcher import ScreeningConfig
    from tenaza.resolve.screening.pairs import SDN
    from tenaza.resolve.screening.screen import screen
    from tenaza.resolve.screening.versions import ingested, load, versions
    from tenaza.store import Workspace

    config = ScreeningConfig() if threshold is None else ScreeningConfig(threshold=threshold)
    try:
        with Workspace.open(workspace) as ws:
            if list_file is not None or not (versions(ws) or ingested(ws)):
                targets = [load(ws, list_file or SDN, version=version)[0]]
            else:  # the latest version of every loaded list, and every list that came by ingest
                latest = {v.list_id: v for v in versions(ws)}
                targets = [*latest.values(), *ingested(ws)]
            reports = [screen(ws, t, config) for t in targets]
    except TenazaError as exc:
        _fail(exc)
        return
    if as_json:
        out.print_json(json.dumps([{"list": r.list_name, "previous": r.previous, "names_screened": r.names_screened,
                                    "new": r.new, "dropped": r.dropped, "hits": [asdict(h) for h in r.hits]}
                                   for r in reports]))
        return
    for report in reports:
        _print_screen(report, show)


def _print_screen(report: ScreenReport, show: int) -> None:
    out.print(f"screened {report.names_screened:,} names against {report.list_name}: {len(report.hits):,} hits "
              f"({len(report.new):,} new, {len(report.dropped):,} dropped"
              + (f" since {report.previous}" if report.previous else "") + f") in {report.seconds}s")
    for h in report.hits[:show]:
        out.print(f"[bold]{h.score:.2f}[/] {h.status:4} record {h.record_id} / entry {h.entry_id}: {h.explanation}",
                  highlight=False)
    if len(report.hits) > show:
        out.print(f"... and {len(report.hits) - show:,} more (--show N, or --json)")
    for hit_id in report.dropped[:show]:
        out.print(f"dropped: {hit_id}")


def tune_cmd(pairs: Annotated[Path | None, typer.Option(help="Labelled pairs CSV (default: the shipped one).")] = None,
             max_fp: Annotated[float, typer.Option(help="False-positive rate budget.")] = 0.05) -> None:
    """Measure screening recall and false positives on labelled pairs; propose a threshold."""
    from tenaza.resolve.screening.pairs import PAIRS
    from tenaza.resolve.screening.tuning import tune

    best, points = tune(pairs or PAIRS, max_fp)
    table = Table("threshold", "recall", "false-positive rate", "TP", "FP", title="screening on labelled pairs")
    for p in points:
        style = "bold" if p == best else None
        table.add_row(f"{p.threshold:.2f}", f"{p.recall:.3f}", f"{p.false_positive_rate:.3f}", str(p.true_positives),
                      str(p.false_positives), style=style)
    out.print(table)
    out.print(f"threshold {best.threshold:.2f}: recall {best.recall:.3f}, false-positive rate "
              f"{best.false_positive_rate:.3f} ({best.positives} true pairs, {best.negatives} false pairs)")


judge_app = typer.Typer(help="Analysts' merge and split judgements; they always win over the model.",
                        no_args_is_help=True)

AnalystOpt = Annotated[str, typer.Option("--analyst", help="Who judges.")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why.")]
RefArg = Annotated[str, typer.Argument(help="A record id (3:17) or an entity id (E-...).")]


def _judge(workspace: Path, decision: str, a: str, b: str, analyst: str, reason: str | None) -> None:
    from tenaza.resolve.judgements import judge
    from tenaza.store import Workspace

    try:
        with Workspace.open(workspace) as ws:
            made = judge(ws, decision, a, b, analyst, reason)  # type: ignore[arg-type]
    except TenazaError as exc:
        _fail(exc)
        return
    out.print(f"{len(made)} {decision} judgement(s) recorded; they apply from the next `tenaza resolve`.")


@judge_app.command("merge")
def judge_merge(workspace: WorkspaceArg, a: RefArg, b: RefArg, analyst: AnalystOpt, reason: ReasonOpt = None) -> None:
    """A and B are the same party."""
    _judge(workspace, "merge", a, b, analyst, reason)


@judge_app.command("split")
def judge_split(workspace: WorkspaceArg, a: RefArg, b: RefArg, analyst: AnalystOpt, reason: ReasonOpt = None) -> None:
    """A and B are different parties (every record of A kept apart from every record of B)."""
    _judge(workspace, "split", a, b, analyst, reason)


@judge_app.command("list")
def judge_list(workspace: WorkspaceArg) -> None:
    """The judgements in force (the latest per pair of records)."""
    from tenaza.resolve.judgements import current
    from tenaza.store import Workspace

    try:
        with Workspace.open(workspace, read_only=True) as ws:
            rows = current(ws)
    except TenazaError as exc:
        _fail(exc)
        return
    table = Table("id", "decision", "record a", "record b", "analyst", "reason", "when")
    for j in rows:
        table.add_row(str(j.judgement_id), j.decision, j.record_a, j.record_b, j.analyst, j.reason or "",
                      str(j.created_at))
    out.print(table)


def entity_cmd(workspace: WorkspaceArg, ref: RefArg,
               country: Annotated[str, typer.Option(help="Country of the viewer (ISO alpha-3).")],
               agency: Annotated[str | None, typer.Option(help="Agency of the viewer.")] = None,
               as_json: JsonOpt = False) -> None:
    """Show an entity as a viewer of COUNTRY (and AGENCY) may see it, with why each record joined."""
    from tenaza.resolve.visibility import Viewer, entity_for, entity_of_record
    from tenaza.store import Workspace

    viewer = Viewer(country.upper(), agency)
    try:
        with Workspace.open(workspace, read_only=True) as ws:
            if ref.startswith("E-"):
                views = entity_for(ws, ref, viewer)
            else:
                one = entity_of_record(ws, ref, viewer)
                views = [one] if one else []
    except TenazaError as exc:
        _fail(exc)
        return
    if not views:
        err.print(f"nothing to show: no {ref} that a viewer of {viewer.country} may see")
        raise typer.Exit(1)
    if as_json:
        out.print_json(json.dumps([asdict(v) for v in views], default=str))
        return
    for v in views:
        out.print(f"[bold]{v.entity_id}[/] {v.kind} {v.canonical_name!r}  dob {v.dob or '-'}  "
                  f"ids {', '.join(v.identifiers) or '-'}")
        table = Table("record", "name", "source", "joined to", "by", "p", "why (match weight per comparison)")
        for m in v.members:
            why = ", ".join(f"{k}: {w['level']} ({w['weight']:+.1f})" for k, w in (m.weights or {}).items()
                            if w.get("weight"))
            table.add_row(m.record_id, m.name, m.source, m.linked_to or "", m.joined_by,
                          f"{m.match_probability:.3f}" if m.match_probability is not None else "", why)
        out.print(table)


def register(app: typer.Typer) -> None:
    """Mount the resolve area's commands on the ``tenaza`` app."""
    app.command("resolve")(resolve_cmd)
    app.command("screen")(screen_cmd)
    app.command("screen-tune")(tune_cmd)
    app.command("entity")(entity_cmd)
    app.add_typer(judge_app, name="judge")
