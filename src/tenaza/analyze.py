"""``tenaza analyze``: every step after ingest, in order, each skipped with a note where its
inputs are empty: exchange rates for the transactions' currencies, resolve parties into entities, screen them against the designation lists,
run every registered detector, rank the crossings for inspection (and write the inspection
alerts), load the public indicators of the strategy.

On Spark (``tenaza --engine spark analyze``) it runs every step and detector that is ported to
Spark and names, each in one line, the ones that are not (tenaza.store.ported, with the reason):
they are reported as not run, never attempted, so that no step fails halfway or silently does
less; a DuckDB-only step would be run on the DuckDB workspace first (``tenaza analyze WS``), and
Spark would read what it wrote from the Parquet copy. Every step runs on Spark today (the list
is empty): the indicator load loads the public series missing from the Parquet copy, through a
DuckDB stage (tenaza.store.staging)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tenaza.store.ported import DUCKDB_ONLY_DETECTORS, DUCKDB_ONLY_STEPS
from tenaza.store.workspace import Workspace

log = logging.getLogger("tenaza")


@dataclass
class StepResult:
    step: str
    seconds: float
    summary: str
    skipped: bool = False


@dataclass
class AnalyzeReport:
    steps: list[StepResult] = field(default_factory=list)


def _rates(ws: Workspace) -> str:
    """Dollar amounts at each date's own rate: the ECB's rates unless the user loaded some."""
    from tenaza.money import load_rates, usd_coverage

    loaded = ""
    if not ws.backend.scalar("have rates", "SELECT count(*) FROM fx_rates"):
        if _on_spark(ws):
            return ("no exchange rates in the workspace, and loading them is DuckDB-only: run `tenaza rates load` "
                    "(or `tenaza analyze`) without --engine spark first; amounts not in dollars are left out")
        counts = load_rates(ws)
        loaded = f"{sum(counts.values()):,} ECB rate periods loaded; "
    cover = usd_coverage(ws)
    if cover.without_usd:
        log.warning("%s", cover.sentence())
    return loaded + cover.sentence()


def _resolve(ws: Workspace) -> str:
    from tenaza.resolve.pipeline import resolve

    r = resolve(ws)
    return f"{r.records:,} party records into {r.entities:,} entities ({r.multi_record_entities:,} of several records)"


def _screen(ws: Workspace) -> str:
    from tenaza.resolve.screening.pairs import SDN
    from tenaza.resolve.screening.screen import screen
    from tenaza.resolve.screening.versions import ingested, load, versions

    if versions(ws) or ingested(ws):
        latest = {v.list_id: v for v in versions(ws)}
        targets = [*latest.values(), *ingested(ws)]
    else:
        targets = [load(ws, SDN)[0]]
    reports = [screen(ws, t) for t in targets]
    return "; ".join(f"{r.names_screened:,} names against {r.list_name}: {len(r.hits):,} hits" for r in reports)


def _on_spark(ws: Workspace) -> bool:
    return ws.backend.dialect.name == "spark"


def _detect(ws: Workspace) -> str:
    from tenaza.detect import run, select

    chosen = [d for d in select() if d.NAME != INSPECTION]  # the target step runs it, after the queue
    left_out = []
    if _on_spark(ws):
        left_out = sorted(d.NAME for d in chosen if d.NAME in DUCKDB_ONLY_DETECTORS)
        chosen = [d for d in chosen if d.NAME not in DUCKDB_ONLY_DETECTORS]
    runs = run(ws, chosen)
    done = [r for r in runs if not r.skipped]
    summary = f"{sum(r.alerts for r in done):,} alerts from {len(done)} detectors ({len(runs) - len(done)} skipped: no input)"
    if left_out:
        summary += f"; not ported to Spark, not run: {', '.join(left_out)}"
    return summary


INSPECTION = "distribution_inspection_target"


def _target(ws: Workspace) -> str:
    """The inspection queue of the crossings (`tenaza target` at its defaults: each port's top 5 %
    of a day, the dangerous class weighted 0.5), then its alerts. It runs after the detectors
    because a party linked to another pillar's alerts is one of its reasons."""
    from tenaza.detect import run, select
    from tenaza.pillars.distribution.targeting import pipeline
    from tenaza.pillars.distribution.targeting import workspace as tws
    from tenaza.pillars.distribution.targeting.model import TargetingConfig

    cfg = TargetingConfig()
    frame = tws.load(ws)
    if frame.empty:
        return "no crossings to target"
    result = pipeline.run(frame, cfg)
    tws.write(ws, result, cfg.capacity, cfg.rare_weight)
    alerts = sum(r.alerts for r in run(ws, select(names=[INSPECTION])))
    note = f" ({result.fitted.note.strip('; ')})" if result.fitted.note.strip("; ") else ""
    return (f"{result.mode}{note}: trained on {result.train_rows:,} items before {result.split_date}, scored "
            f"{len(result.frame):,}, selected {int(result.selected.sum()):,} (each port's top {cfg.capacity:.0%} "
            f"of a day); {alerts:,} inspection alerts from the latest day (`tenaza target` for other settings)")


def _outcomes(ws: Workspace) -> str:
    """The strategy's public indicators (shipped series), once: they are what `tenaza report`
    and `tenaza outcomes evaluate` read."""
    try:
        from tenaza.outcomes.series import load_series, shipped_not_loaded
    except ImportError as exc:  # the outcomes extra (pandas, statsmodels) is not installed
        return f"skipped: {exc.name} is missing; install tenaza[outcomes] to load the public indicators"
    missing = shipped_not_loaded(ws)
    if not missing:
        return f"{ws.count('indicators'):,} indicator rows, the public series among them (tenaza outcomes load adds more)"
    results = load_series(ws, missing)
    return f"{sum(r.rows for r in results):,} indicator rows from {len(results)} public series files"


STEPS: tuple[tuple[str, str, Callable[[Workspace], str]], ...] = (
    ("rates", "transactions", _rates),
    ("resolve", "parties", _resolve),
    ("screen", "parties", _screen),
    ("detect", "", _detect),
    ("target", "crossings", _target),
    ("outcomes", "", _outcomes),
)


def analyze(ws: Workspace, on_step: Callable[[str], None] | None = None) -> AnalyzeReport:
    report = AnalyzeReport()
    for name, needs, step in STEPS:
        if on_step:
            on_step(name)
        started = time.perf_counter()
        if _on_spark(ws) and name in DUCKDB_ONLY_STEPS:
            report.steps.append(StepResult(name, 0.0, f"not ported to Spark, not run: {DUCKDB_ONLY_STEPS[name]}; "
                                           "run it without --engine spark", skipped=True))
            log.warning("analyze %s: not ported to Spark, not run", name)
            continue
        if needs and ws.count(needs) == 0:
            report.steps.append(StepResult(name, 0.0, f"no rows in {needs}", skipped=True))
            continue
        summary = step(ws)
        report.steps.append(StepResult(name, time.perf_counter() - started, summary))
        log.info("analyze %s: %s", name, summary)
    return report
