"""Commands of the resolve area: resolve, screen, screen-tune, judge, entity."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tenaza.cli_options import JsonOpt, emit, err, out
from tenaza.cli_options import fail as _fail
from tenaza.errors import TenazaError

if TYPE_CHECKING:
    from tenaza.resolve.screening.screen import ScreenReport

WorkspaceArg = Annotated[Path, typer.Argument(help="Workspace file (created by `tenaza init`).")]


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
    _print_model(report.model)


def _print_model(model: object) -> None:
    """The model report: what each comparison learned, from what, and every fallback."""
    from tenaza.resolve.linkage import ModelReport

    assert isinstance(model, ModelReport)
    if not model.comparisons:
        return
    out.print(f"[bold]model[/] prior {model.prior:.3g} ({model.prior_source})", highlight=False)
    filled = ", ".join(f"{c} {p['share']:.0%}" for c, p in model.profile.items() if p["filled"])
    out.print(f"columns filled: {filled}", highlight=False)
    table = Table("blocking rule", "pairs", "used", title="blocking")
    for b in model.blocking:
        table.add_row(b["rule"], f"{b['pairs']:,}", "yes" if b["used"] else f"no: {b['why']}")
    out.print(table)
    table = Table("EM block", "pairs", "status", "trained", title="expectation maximisation")
    for e in model.em_blocks:
        table.add_row(e["rule"] or "-", f"{e['pairs']:,}", e["status"], ", ".join(e["trained"]))
    out.print(table)
    table = Table("comparison", "level", "m", "u", "m prior", "weight", "m from", title="comparisons")
    for c in model.comparisons:
        for i, lv in enumerate(c["levels"]):
            table.add_row(c["name"] if i == 0 else "", lv["level"], f"{lv['m']:.4g}", f"{lv['u']:.3g}",
                          "-" if lv["m_prior"] is None else f"{lv['m_prior']:.3g}", f"{lv['weight']:+.2f}",
                          "; ".join(c["m_from"]) if i == 0 else "")
    out.print(table)
    for w in model.warnings:
        err.print(f"[yellow]warning:[/] {w}", highlight=False)


def screen_cmd(workspace: WorkspaceArg,
               list_file: Annotated[Path | None, typer.Option("--list", help="OFAC SDN file (sdn.csv or sdn.xml) to "
                                                                 "load as a new version and screen against; alt.csv "
                                                                 "and add.csv beside sdn.csv are read too; default: "
                                                                 "every list in the workspace (the latest version of "
                                                                 "each), or the shipped 2024-05-03 list if none.")] = None,
               version: Annotated[str | None, typer.Option(help="Version of --list (default: from the file).")] = None,
               threshold: Annotated[float | None, typer.Option(help="Hit threshold (default: the tuned one).")] = None,
               show: Annotated[int, typer.Option(help="Hits to print.")] = 20,
               legal_forms: Annotated[Path | None, typer.Option(
                   "--legal-forms", help="CSV of more legal forms to strip (layout of the shipped legal_forms.csv).")]
               = None,
               org_words: Annotated[Path | None, typer.Option(
                   "--org-words", help="CSV of more organization words (layout of the shipped org_words.csv).")] = None,
               explain_name: Annotated[str | None, typer.Option(
                   "--explain", metavar="NAME", help="Show the best candidates for NAME and why (every part of each "
                                                     "score); reads only: no list is loaded, no hit is stored.")] = None,
               kind: Annotated[str, typer.Option(help="With --explain: person, company or organization.")] = "person",
               dob: Annotated[str | None, typer.Option(help="With --explain: date of birth, YYYY-MM-DD.")] = None,
               country: Annotated[str | None, typer.Option(help="With --explain: country (ISO alpha-3).")] = None,
               ident: Annotated[list[str] | None, typer.Option(
                   "--id", help="With --explain: identifier as scheme:value (curp, rfc, ssn, ein); repeatable.")] = None,
               entry: Annotated[list[str] | None, typer.Option(
                   "--entry", help="With --explain: also score this entry id, even if it is no candidate; "
                                   "repeatable.")] = None,
               top: Annotated[int, typer.Option(help="With --explain: candidates to show.")] = 5,
               as_json: JsonOpt = False) -> None:
    """Screen party records against a designation list; report new and dropped hits."""
    from tenaza.resolve.screening.matcher import ScreeningConfig
    from tenaza.resolve.screening.pairs import SDN
    from tenaza.resolve.screening.screen import screen
    from tenaza.resolve.screening.versions import ingested, load, versions
    from tenaza.store import Workspace

    settings: dict[str, object] = {"legal_forms_file": str(legal_forms) if legal_forms else None,
                                   "org_words_file": str(org_words) if org_words else None}
    if threshold is not None:
        settings["threshold"] = threshold
    if explain_name is not None:
        _explain(workspace, explain_name, ScreeningConfig(**settings), kind=kind, dob=dob, country=country,
                 ids=ident or [], entries=entry or [], top=top, list_file=list_file, version=version,
                 as_json=as_json)
        return
    try:
        config = ScreeningConfig(**settings)
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


def _explain(workspace: Path, name: str, config: object, *, kind: str, dob: str | None, country: str | None,
             ids: list[str], entries: list[str], top: int, list_file: Path | None, version: str | None,
             as_json: bool) -> None:
    from datetime import date

    from tenaza.errors import Problem, ProblemsError
    from tenaza.resolve.screening.explain import Query, explain_name
    from tenaza.resolve.screening.matcher import ScreeningConfig
    from tenaza.store import Workspace

    assert isinstance(config, ScreeningConfig)
    try:
        problems = []
        if kind not in ("person", "company", "organization"):
            problems.append(Problem("--kind", f"expected person, company or organization, got {kind!r}"))
        born = None
        if dob:
            try:
                born = date.fromisoformat(dob)
            except ValueError:
                problems.append(Problem("--dob", f"expected a date as YYYY-MM-DD, got {dob!r}"))
        bad_ids = [i for i in ids if i.partition(":")[0].lower() not in ("curp", "rfc", "ssn", "ein")
                   or not i.partition(":")[2]]
        problems += [Problem("--id", f"expected scheme:value with scheme curp, rfc, ssn or ein, got {i!r}")
                     for i in bad_ids]
        if problems:
            raise ProblemsError(problems)
        query = Query(name, kind, born, country, tuple(f"{i.partition(':')[0].lower()}:{i.partition(':')[2]}"
                                                       for i in ids))
        with Workspace.open(workspace, read_only=True) as ws:
            found = explain_name(ws, query, config, top=top, entries=entries, list_file=list_file, version=version)
    except TenazaError as exc:
        _fail(exc)
        return
    if as_json:
        out.print_json(json.dumps([asdict(e) for e in found], default=str))
        return
    for e in found:
        out.print(f"[bold]{name!r}[/] ({kind}) against {e.list_name}; a hit needs {e.threshold:.2f}. "
                  "Nothing is stored.", highlight=False)
        if not e.candidates:
            out.print("  no candidate: the name shares no pair of token keys and no trigrams with any listed name")
        for rank, c in enumerate(e.candidates, start=1):
            verdict = "[bold green]hit[/]" if c.hit else (
                "[yellow]no candidate[/] (no path finds it; scored because --entry asked)" if not c.candidate
                else f"no hit ({c.threshold_gap(e.threshold):+.2f} to the threshold)")
            f = c.features
            out.print(f"{rank}. [bold]{c.score:.2f}[/] {verdict}  entry {c.entry_id} {c.entry_name!r}"
                      + (" (alias" + (", weak" if f["name"]["weak_alias"] else "") + ")" if c.is_alias else "")
                      + (f" [{', '.join(c.programs)}]" if c.programs else "")
                      + (f"; candidate by {', '.join(v for v in c.via if v != 'forced')}" if c.candidate else ""),
                      highlight=False)
            table = Table("side", "token", "key", "weight", "matched", "credit", box=None, pad_edge=False)
            for side, toks in (("query", c.tokens), ("entry", c.entry_tokens)):
                for t in toks:
                    table.add_row(side, t["token"], t["key"], f"{t['weight']:.2f}", t["matched"] or "-",
                                  f"{t['credit']:.2f}")
            out.print(table)
            parts = c.contributions
            name_line = (f"   name {parts['name']:.3f} = mean of query coverage {f['name']['party_coverage']:.3f} "
                         f"and entry coverage {f['name']['entry_coverage']:.3f}"
                         + (" x weak-alias factor" if f["name"]["weak_alias"] else ""))
            out.print(name_line, highlight=False)
            out.print(f"   dob {parts['dob']:+.2f} (query {f['dob']['party'] or '-'}, listed {f['dob']['entry'] or '-'}); "
                      f"country {parts['country']:+.2f} (query {', '.join(f['country']['party']) or '-'}, listed "
                      f"{', '.join(f['country']['entry'] or []) or '-'}); identifier "
                      + (f"shared {', '.join(f['identifier']['shared'])}: score at least "
                         f"{f['identifier']['effect'].split()[-1]}" if f["identifier"]["shared"]
                         else f"{parts['identifier']:+.2f}")
                      + f"; kind {parts['kind']:+.2f} ({f['kind']['party']} / {f['kind']['entry']})"
                      + f"; replaced word {parts.get('replaced word', 0.0):+.2f} (query "
                      f"{', '.join(f['name'].get('unmatched_party') or []) or '-'}, listed "
                      f"{', '.join(f['name'].get('unmatched_entry') or []) or '-'})", highlight=False)
            total = sum(parts.values())
            out.print(f"   score = {' + '.join(f'{v:.2f}' for v in parts.values())} = {total:.2f}"
                      + (f", bounded to {c.score:.2f}" if abs(total - c.score) > 1e-6 else ""), highlight=False)


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
             max_fp: Annotated[float, typer.Option(help="False-positive rate budget.")] = 0.05,
             as_json: JsonOpt = False) -> None:
    """Measure screening recall and false positives on labelled pairs; propose a threshold."""
    from tenaza.resolve.screening.pairs import PAIRS
    from tenaza.resolve.screening.tuning import tune

    best, points = tune(pairs or PAIRS, max_fp)
    if as_json:
        emit({"best": asdict(best), "points": [asdict(p) for p in points]})
        return
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


def _judge(workspace: Path, decision: str, a: str, b: str, analyst: str, reason: str | None, as_json: bool) -> None:
    from tenaza.resolve.judgements import judge
    from tenaza.store import Workspace

    try:
        with Workspace.open(workspace) as ws:
            made = judge(ws, decision, a, b, analyst, reason)  # type: ignore[arg-type]
    except TenazaError as exc:
        _fail(exc)
        return
    if as_json:
        emit({"decision": decision, "judgements": [asdict(j) for j in made]})
        return
    out.print(f"{len(made)} {decision} judgement(s) recorded; they apply from the next `tenaza resolve`.")


@judge_app.command("merge")
def judge_merge(workspace: WorkspaceArg, a: RefArg, b: RefArg, analyst: AnalystOpt, reason: ReasonOpt = None,
                as_json: JsonOpt = False) -> None:
    """A and B are the same party."""
    _judge(workspace, "merge", a, b, analyst, reason, as_json)


@judge_app.command("split")
def judge_split(workspace: WorkspaceArg, a: RefArg, b: RefArg, analyst: AnalystOpt, reason: ReasonOpt = None,
                as_json: JsonOpt = False) -> None:
    """A and B are different parties (every record of A kept apart from every record of B)."""
    _judge(workspace, "split", a, b, analyst, reason, as_json)


@judge_app.command("list")
def judge_list(workspace: WorkspaceArg, as_json: JsonOpt = False) -> None:
    """The judgements in force (the latest per pair of records)."""
    from tenaza.resolve.judgements import current
    from tenaza.store import Workspace

    try:
        with Workspace.open(workspace, read_only=True) as ws:
            rows = current(ws)
    except TenazaError as exc:
        _fail(exc)
        return
    if as_json:
        emit({"judgements": [asdict(j) for j in rows]})
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
    from tenaza.markings import Viewer as Checked
    from tenaza.resolve.visibility import Viewer, entity_for, entity_of_record
    from tenaza.store import Workspace

    try:
        try:  # an ISO country and an agency code, checked as --as checks them
            checked = Checked.parse(f"{country}/{agency}" if agency else country)
        except TenazaError as bad:
            raise TenazaError(str(bad).replace("--as", "--country/--agency", 1)) from bad
        viewer = Viewer(checked.country, agency)
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
        # the same words whether the record does not exist or is hidden: the answer reveals nothing
        err.print(f"error: nothing to show: no {ref} that a viewer of {viewer.country} may see")
        raise typer.Exit(2)
    if as_json:
        out.print_json(json.dumps([asdict(v) for v in views], default=str))
        return
    for v in views:
        out.print(f"[bold]{v.entity_id}[/] {v.kind} {v.canonical_name!r}  dob {v.dob or '-'}  "
                  f"ids {', '.join(v.identifiers) or '-'}")
        table = Table("record", "name", "source", "joined to", "by", "p",
                      "why: prior + match weight per comparison = total -> p = 2^total / (1 + 2^total)")
        for m in v.members:
            weights = m.weights or {}
            why = ", ".join(f"{k}: {w['level']} ({w['weight']:+.2f})" for k, w in weights.items()
                            if w.get("weight"))
            if weights:
                total = sum(float(w.get("weight") or 0) for w in weights.values())
                why += f" = {total:+.2f}"
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
