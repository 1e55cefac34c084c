"""``tenaza outcomes ...`` and ``tenaza report``: the strategy's indicators, evaluations and the brief."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from tenaza.cli_options import JsonOpt, QuietOpt

outcomes_app = typer.Typer(name="outcomes", no_args_is_help=True,
                           help="The strategy's indicators: real public series, evaluations of interventions.")

WorkspaceArg = Annotated[Path, typer.Argument(help="Workspace file.")]
FrameworkOpt = Annotated[Path | None, typer.Option("--framework", help="Framework YAML (default: the 2017 one).")]


def _date(text: str) -> Any:
    import pandas as pd

    from tenaza.errors import OutcomesError, Problem

    try:
        return pd.Timestamp(date.fromisoformat(text if len(text) > 7 else text + "-01"))
    except ValueError as exc:
        raise OutcomesError([Problem("--at", f"{text!r} is not a date (expected YYYY-MM or YYYY-MM-DD)")]) from exc


@outcomes_app.command("load")
def load(workspace: WorkspaceArg,
         files: Annotated[list[Path] | None, typer.Argument(help="Series files in the indicator layout "
                                                                 "(default: the shipped public series).")] = None,
         as_json: JsonOpt = False,
         quiet: QuietOpt = False) -> None:
    """Check and load public series into the workspace's indicators table (releasable to USA and MEX)."""
    from tenaza.cli_options import fail, out
    from tenaza.errors import TenazaError
    from tenaza.outcomes.series import load_series
    from tenaza.store import Workspace

    try:
        with Workspace.open(workspace) as ws:
            results = load_series(ws, files or None)
    except TenazaError as exc:
        fail(exc)
    if as_json:
        out.print_json(json.dumps([r.__dict__ for r in results]))
    elif not quiet:
        for r in results:
            state = "already loaded" if r.already_loaded else f"{r.rows:,} values"
            gaps = f"; {len(r.warnings)} series with missing months" if r.warnings else ""
            out.print(f"{Path(r.path).name} → indicators (ingest {r.ingest_id}): {state}{gaps}", highlight=False)


@outcomes_app.command("derive")
def derive(raw: Annotated[Path, typer.Argument(help="Folder with the public files as published.")],
           out_dir: Annotated[Path, typer.Option("--out", help="Where the compact copies go.")] = Path("series"),
           as_json: JsonOpt = False) -> None:
    """Make the compact series files from the published data sets (what ships under data/series)."""
    from tenaza.cli_options import fail, out
    from tenaza.errors import TenazaError
    from tenaza.outcomes.loaders import derive as run

    try:
        made = run(raw, out_dir)
    except TenazaError as exc:
        fail(exc)
    if as_json:
        out.print_json(json.dumps([{"file": name, "rows": n} for name, n in made.items()]))
        return
    for name, n in made.items():
        out.print(f"{name}: {n:,} rows", highlight=False)


@outcomes_app.command("list")
def list_(workspace: Annotated[Path | None, typer.Argument(help="Workspace, to show what it holds.")] = None,
          framework: FrameworkOpt = None, as_json: JsonOpt = False) -> None:
    """The framework's indicators by pillar (and, with a workspace, how many values each has)."""
    from rich.table import Table

    from tenaza.cli_options import fail, out
    from tenaza.errors import TenazaError
    from tenaza.outcomes.framework import load_framework
    from tenaza.outcomes.series import available, workspace_series
    from tenaza.store import Workspace

    try:
        fw = load_framework(framework)
        have: dict[tuple[str, str], tuple[int, Any]] = {}
        if workspace is not None:
            with Workspace.open(workspace, read_only=True) as ws:
                have = {(a[0], a[2]): (a[3], a[5]) for a in available(ws)}
                for ind in fw.indicators():
                    if ind.from_workspace:  # counted from the workspace's own tables each time
                        v = workspace_series(ws, ind.series).values
                        have[(ind.series, ind.geo)] = (len(v), v.index[-1].date() if len(v) else None)
    except TenazaError as exc:
        fail(exc)
    rows: list[dict[str, Any]] = [{"pillar": p.id, "indicator": i.id, "series": i.series, "geo": i.geo, "frequency": i.frequency,
             "unit": i.unit, "direction": i.direction, "source": i.source,
             "values": have.get((i.series, i.geo), (0, None))[0],
             "latest": str(have.get((i.series, i.geo), (0, ""))[1] or "")}
            for p in fw.pillars for o in p.objectives for i in o.indicators]
    if as_json:
        out.print_json(json.dumps(rows))
        return
    # the series name, unit and source are in --json and in `show`; here what fits a terminal
    t = Table(box=None, pad_edge=False)  # no borders: eight columns fit 80 characters
    t.add_column("pillar", no_wrap=True)
    t.add_column("indicator", no_wrap=True)  # the id is what `show` and `evaluate` take: never cut it
    for name in ("geo", "freq", "better", *(("values", "latest") if workspace else ())):
        t.add_column(name)
    for r in rows:
        better = "up" if r["direction"] == "up_is_good" else "down"
        t.add_row(r["pillar"], r["indicator"], r["geo"], r["frequency"], better,
                  *((f"{r['values']:,}", r["latest"][:7]) if workspace else ()))
    out.print(t)


@outcomes_app.command("show")
def show(workspace: WorkspaceArg, indicator: Annotated[str, typer.Argument(help="Framework indicator id.")],
         framework: FrameworkOpt = None, lang: Annotated[str, typer.Option(help="en or es.")] = "en",
         plot: Annotated[Path | None, typer.Option(help="Write the chart to this PNG or PDF file.")] = None,
         last: Annotated[int, typer.Option(help="Periods to print.")] = 12, as_json: JsonOpt = False) -> None:
    """One indicator: its definition, its latest values (each with its record id) and a chart."""
    from rich.table import Table

    from tenaza.cli_options import fail, out
    from tenaza.errors import TenazaError
    from tenaza.outcomes.charts import chart
    from tenaza.outcomes.framework import load_framework
    from tenaza.outcomes.locale import fmt_number, fmt_unit
    from tenaza.outcomes.service import series_of
    from tenaza.store import Workspace

    try:
        fw = load_framework(framework)
        ind = fw.indicator(indicator)
        with Workspace.open(workspace, read_only=True) as ws:
            s = series_of(ws, ind)
    except TenazaError as exc:
        fail(exc)
    if plot is not None:
        chart(s.values, title=ind.title(lang), unit=fmt_unit(s.unit, lang), source=s.publisher, lang=lang).savefig(plot)
    tail = list(zip(s.values.index[-last:], s.values.to_numpy()[-last:], s.record_ids[-last:], strict=True))
    if as_json:
        out.print_json(json.dumps({"indicator": ind.model_dump(mode="json"), "unit": s.unit, "publisher": s.publisher,
                                   "values": [{"period_end": str(t.date()), "value": v, "record_id": r}
                                              for t, v, r in tail], "plot": str(plot) if plot else None}))
        return
    out.print(f"[bold]{ind.title(lang)}[/] ({ind.series}, {ind.geo}; {ind.direction}) — {s.publisher}")
    t = Table("period end", "value", "record")
    for when, v, r in tail:
        first, *more = r.split(",")
        t.add_row(str(when.date()), fmt_number(float(v), lang), first + (f" (+{len(more)})" if more else ""))
    out.print(t)
    if plot is not None:
        out.print(f"chart: {plot}", highlight=False)


@outcomes_app.command("evaluate")
def evaluate(workspace: WorkspaceArg,
             indicator: Annotated[str, typer.Argument(help="Framework indicator id, or a series name with --geo.")],
             at: Annotated[str, typer.Option("--at", help="Intervention date, YYYY-MM or YYYY-MM-DD.")],
             geo: Annotated[str | None, typer.Option(help="Place: a state code (01-32, TX...) or USA/MEX.")] = None,
             method: Annotated[list[str] | None, typer.Option(
                 "--method", "-m", help="its, sarimax, synth, did (repeat); default its and sarimax, plus "
                                        "synth and did for a state.")] = None,
             controls: Annotated[str | None, typer.Option(help="Control states, comma-separated (default all).")] = None,
             since: Annotated[str | None, typer.Option(help="Use values from this date on.")] = None,
             framework: FrameworkOpt = None,
             plot: Annotated[Path | None, typer.Option(help="Write the series chart, intervention marked.")] = None,
             lang: Annotated[str, typer.Option(help="en or es for sentences and chart.")] = "en",
             as_json: JsonOpt = False) -> None:
    """Estimate whether the series changed at the intervention, with uncertainty in plain words."""
    from tenaza.cli_options import fail, out
    from tenaza.errors import TenazaError
    from tenaza.outcomes.charts import chart
    from tenaza.outcomes.framework import load_framework
    from tenaza.outcomes.geo import state_codes
    from tenaza.outcomes.locale import fmt_unit
    from tenaza.outcomes.series import read_series
    from tenaza.outcomes.service import Request, resolve, run
    from tenaza.store import Workspace

    try:
        fw = load_framework(framework)
        when = _date(at)
        series, code, level, title = resolve(fw, indicator, geo)
        methods = tuple(method) if method else (("its", "sarimax", "synth", "did") if level == "state"
                                                and code in state_codes("USA") | state_codes("MEX")
                                                else ("its", "sarimax"))
        req = Request(indicator, when, geo, methods, tuple(c.strip() for c in (controls or "").split(",") if c.strip()),
                      _date(since) if since else None)
        with Workspace.open(workspace, read_only=True) as ws:
            effects = run(ws, fw, req)
            if plot is not None:
                s = read_series(ws, series, code)
                chart(s.values, title=title, unit=fmt_unit(s.unit, lang), source=s.publisher, lang=lang,
                      intervention=when.date()).savefig(plot)
    except TenazaError as exc:
        fail(exc)
    if as_json:
        out.print_json(json.dumps([e.to_dict() for e in effects], default=str))
        return
    for e in effects:
        out.print(e.sentence(lang), highlight=False)
        if e.method == "did":
            ok = e.details["parallel_trends"]
            out.print(f"  parallel trends before: {'plausible' if ok else 'doubtful'} (difference of pre-trends "
                      f"{e.details['pre_trend_difference']:.3g}, p = {e.details['pre_trend_p']:.2g})", highlight=False)
        if e.method == "synth":
            w = ", ".join(f"{k} {v:.2f}" for k, v in sorted(e.details["weights"].items(), key=lambda kv: -kv[1]))
            out.print(f"  synthetic unit: {w}; {e.details['placebos']} placebos", highlight=False)
    if plot is not None:
        out.print(f"chart: {plot}", highlight=False)


def report(workspace: WorkspaceArg,
           lang: Annotated[str, typer.Option(help="en, es or both.")] = "both",
           out_dir: Annotated[Path, typer.Option("--out", help="Folder for the HTML and PDF.")] = Path("brief"),
           framework: FrameworkOpt = None,
           evaluate: Annotated[list[str] | None, typer.Option(
               "--evaluate", help="INDICATOR@YYYY-MM[:METHOD,...]: add an evaluation, interrupted time series "
                                  "unless methods are named (its, sarimax, synth, did); repeat.")] = None,
           as_json: JsonOpt = False) -> None:
    """Write the bilingual results brief (HTML and PDF) from the workspace's indicators."""
    from tenaza.cli_options import fail, out
    from tenaza.errors import OutcomesError, Problem, TenazaError
    from tenaza.outcomes.framework import load_framework
    from tenaza.outcomes.report import build_report
    from tenaza.outcomes.service import Request, run
    from tenaza.store import Workspace

    try:
        if lang not in ("en", "es", "both"):
            raise OutcomesError([Problem("--lang", f"{lang!r}: expected en, es or both")])
        langs = ("en", "es") if lang == "both" else (lang,)
        fw = load_framework(framework)
        with Workspace.open(workspace, read_only=True) as ws:
            effects = {}
            for item in evaluate or []:
                ident, _, rest = item.partition("@")
                when, _, names = rest.partition(":")
                fw.indicator(ident)
                at = _date(when)
                methods = tuple(m.strip() for m in names.split(",") if m.strip()) or ("its",)
                effects[ident] = (at.date(), run(ws, fw, Request(ident, at, methods=methods)))
            paths = build_report(ws, fw, out_dir, langs=langs, effects=effects)
    except TenazaError as exc:
        fail(exc)
    if as_json:
        out.print_json(json.dumps([str(p) for p in paths]))
    else:
        for p in paths:
            out.print(f"wrote {p}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(outcomes_app)
    app.command("report")(report)
