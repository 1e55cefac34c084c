"""Run detectors over a workspace and write their alerts, all or nothing per detector."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tenaza.detect.base import REGISTRY, Detector
from tenaza.detect.pace import Pace, TimedConfig, choose, measure_pace
from tenaza.detect.params import Params
from tenaza.detect.scoring import Score
from tenaza.detect.screen import Screened, measure
from tenaza.detect.steps import StepCount, Steps, count_rows, first_empty
from tenaza.detect.survey import Surveyed
from tenaza.errors import DetectorError, UnsupportedCapability
from tenaza.store.dialect import Dialect
from tenaza.store.workspace import Workspace

log = logging.getLogger("tenaza")


@dataclass
class DetectorRun:
    detector: str
    pillar: str
    alerts: int
    seconds: float
    skipped: str | None = None
    profile: str | None = None  # the threshold profile in force, for detectors with an amount floor
    unjudged: int = 0  # rows the detector reads that have no dollar amount
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    steps: list[StepCount] = field(default_factory=list)  # row counts per step (--debug-steps)


def select(pillar: str | None = None, names: Sequence[str] | None = None) -> list[type[Detector[Any]]]:
    _load_pillars()
    chosen = [d for d in REGISTRY.values() if (pillar is None or d.PILLAR == pillar) and (not names or d.NAME in names)]
    unknown = sorted(set(names or ()) - set(REGISTRY))
    if unknown:
        raise DetectorError(f"unknown detector(s): {', '.join(unknown)}; known: {', '.join(sorted(REGISTRY))}")
    if pillar is not None and not chosen:
        raise DetectorError(f"no detector for pillar {pillar!r}")
    return sorted(chosen, key=lambda d: d.NAME)


def _load_pillars() -> None:
    """Import the pillar packages so that their detectors register themselves."""
    import importlib

    from tenaza import pillars

    for module in pillars.packages():
        importlib.import_module(module)


# Alerts from findings: a stable id from the detector, typology and subjects; the score
# clipped to [0, 1]; releasable only where every evidence row is (record_id is
# <ingest_id>:<source_row>, and a file's releasability is in ingest_log).
ALERT_COLUMNS = ["alert_id", "detector", "pillar", "typology", "score", "subjects", "evidence", "figures",
                 "score_parts", "explanation", "period_start", "period_end", "created_at", "releasable_to"]


def alerts_sql(d: Dialect, findings: str | Steps, score: Score | None = None,
               weights: dict[str, float] | None = None) -> str:
    """SELECT of the alert rows (ALERT_COLUMNS) made from a detector's findings.

    With ``score``, the findings carry ``f_<feature>`` columns and the score and its parts are
    computed here from the weights (the declared ones, with ``weights`` applied)."""
    subjects = d.array_sort("subjects")
    scored = (f"SELECT *, {score.expr(d, weights)} AS score, {score.parts_json(d, weights)} AS score_parts "
              f"FROM ({findings}) AS _f" if score is not None
              else f"SELECT *, CAST(NULL AS STRING) AS score_parts FROM ({findings}) AS _f")
    return f"""
WITH f AS ({scored}),
numbered AS (SELECT *, row_number() OVER (ORDER BY typology) AS _n FROM f),
ev AS (
  SELECT x._n, {d.list_agg_intersect('l.releasable_to')} AS rel
  FROM (SELECT _n, {d.explode('evidence')} AS record_id FROM numbered) AS x
  JOIN ingest_log AS l ON l.ingest_id = CAST(split_part(x.record_id, ':', 1) AS BIGINT)
  GROUP BY x._n
)
SELECT $tenaza_detector || ':' || substr(md5(typology || '|' || {d.array_join(subjects, "','")} || '|'
                                      || coalesce(CAST(period_start AS STRING), '')), 1, 16) AS alert_id,
       $tenaza_detector AS detector, $tenaza_pillar AS pillar, typology, CAST(greatest(0.0, least(1.0, score)) AS DOUBLE) AS score,
       {subjects} AS subjects, {d.array_sort('evidence')} AS evidence,
       CAST(figures AS STRING) AS figures, score_parts, explanation, period_start, period_end,
       $tenaza_now AS created_at,
       {d.array_sort(f"coalesce(ev.rel, {d.empty_string_array()})")} AS releasable_to
FROM numbered LEFT JOIN ev USING (_n)
"""


def check_configs(configs: Any) -> None:
    """Detector settings as a YAML file gives them: {detector name: {setting: value}}."""
    import difflib

    from pydantic import ValidationError

    _load_pillars()
    if not isinstance(configs, dict):
        raise DetectorError("settings: expected detector names, each with its settings (name: {setting: value})")
    for name, settings in configs.items():
        if name not in REGISTRY:
            near = difflib.get_close_matches(str(name), list(REGISTRY), n=1)
            raise DetectorError(f"settings: no detector named {name!r}" + (f" (did you mean {near[0]}?)" if near else
                                "; `tenaza detectors` lists them"))
        try:
            REGISTRY[name](settings or {})  # validates the settings, and the weights against the features
        except DetectorError as exc:
            raise DetectorError(f"settings: {name}.weights: {exc}" if not str(exc).startswith("settings:")
                                else str(exc)) from exc
        except ValidationError as exc:
            e = exc.errors()[0]
            where = ".".join(str(x) for x in e["loc"])
            raise DetectorError(f"settings: {name}.{where}: {e['msg']}"
                                + (f" (got {e['input']!r})" if e["type"] != "extra_forbidden" else
                                   f"; its settings are {', '.join(REGISTRY[name].CONFIG.model_fields)}")) from exc


def run(ws: Workspace, detectors: Iterable[type[Detector[Any]]], configs: dict[str, dict[str, Any]] | None = None,
        *, debug_steps: bool = False, try_unported: bool = False) -> list[DetectorRun]:
    """Replace each detector's alerts with a fresh run's, in one transaction per detector.

    Every setting is checked before any detector runs: a detector name that does not exist, or a
    setting a detector does not have or cannot take, is a ``DetectorError`` naming it. With
    ``debug_steps``, a detector written as ``Steps`` also reports each step's row count.

    On Spark, a detector still on the DuckDB-only list (tenaza.store.ported) is not run and is
    reported as such; if every chosen one is, nothing runs and that is an error.
    ``try_unported`` runs them anyway (the contract test does, to prove the list is current)."""
    out = []
    configs = configs or {}
    detectors = list(detectors)
    check_configs(configs)
    unported = {} if try_unported else _unported(ws, detectors)
    pace: Pace | None = None  # measured once, for the first detector with time windows
    for cls in detectors:
        if cls.NAME in unported:
            out.append(DetectorRun(cls.NAME, cls.PILLAR, 0, 0.0, skipped=f"not run: {unported[cls.NAME]}"))
            log.warning("%s: %s", cls.NAME, unported[cls.NAME])
            continue
        started = time.perf_counter()
        empty = [t for t in cls.NEEDS if ws.count(t) == 0]
        if empty:
            out.append(DetectorRun(cls.NAME, cls.PILLAR, 0, 0.0, skipped=f"no rows in {', '.join(empty)}"))
            continue
        detector = cls(configs.get(cls.NAME))
        detector.dialect = ws.backend.dialect
        time_notes: list[str] = []
        if cls.TIME_WINDOWS and isinstance(detector.config, TimedConfig):
            if pace is None:
                pace = measure_pace(ws)
            windows = choose(pace, detector.config, cls.TIME_WINDOWS, shrink=cls.SHRINK_WINDOWS)
            time_notes = windows.notes
            for note in windows.notes:
                log.info("%s: %s", cls.NAME, note)
            if windows.update:
                detector = cls(detector.config.model_copy(update=windows.update))
                detector.dialect = ws.backend.dialect
        screened = None
        if isinstance(detector, Screened):
            ensure_rates(ws)
            screened = measure(ws, cls.NAME, detector.screen(), detector.config)
            for w in screened.warnings:
                log.warning("%s", w)
            if screened.update:
                detector = cls(detector.config.model_copy(update=screened.update))
                detector.dialect = ws.backend.dialect
        surveyed_notes: list[str] = []
        surveyed_warnings: list[str] = []
        if isinstance(detector, Surveyed):
            surveyed = detector.survey(ws)
            surveyed_notes, surveyed_warnings = surveyed.notes, surveyed.warnings
            for note in surveyed.notes:
                log.info("%s: %s", cls.NAME, note)
            for w in surveyed.warnings:
                log.warning("%s", w)
            if surveyed.update:
                detector = cls(detector.config.model_copy(update=surveyed.update))
                detector.dialect = ws.backend.dialect
        own = Params()
        findings = detector.findings(own)
        params = own.framework(detector=cls.NAME, pillar=cls.PILLAR, now=datetime.now(UTC).replace(tzinfo=None))
        ws.backend.replace_rows(f"detect {cls.NAME}", "alerts", "detector = $tenaza_detector", ALERT_COLUMNS,
                                alerts_sql(ws.backend.dialect, findings, cls.SCORE, detector.config.weights), params)
        n = int(ws.backend.scalar("count alerts", "SELECT count(*) FROM alerts WHERE detector = $tenaza_detector",
                                  params))
        secs = time.perf_counter() - started
        log.info("detector %s: %d alerts in %.2fs", cls.NAME, n, secs)
        run_ = DetectorRun(cls.NAME, cls.PILLAR, n, secs)
        if isinstance(findings, Steps):
            if debug_steps:
                run_.steps = count_rows(ws.backend, f"detect {cls.NAME}", findings, own)
                vanished = first_empty(run_.steps)
                if n == 0 and vanished:
                    run_.notes.append(f"no alerts: step {vanished!r} has no rows "
                                      f"({', '.join(f'{c.name} {c.rows:,}' for c in run_.steps)})")
            elif n == 0:
                run_.notes.append("no alerts; `tenaza detect --debug-steps` shows the rows of each step")
        if screened is not None:
            run_.profile, run_.unjudged = screened.profile, screened.unjudged
            run_.notes = screened.notes + time_notes + surveyed_notes + run_.notes
            run_.warnings = screened.warnings + surveyed_warnings
            if n == 0 and not run_.warnings:
                run_.notes.append(f"no alerts: {screened.passing:,} of {screened.rows:,} rows reach its amount floor "
                                  f"and none made a finding")
        else:
            run_.notes, run_.warnings = time_notes + surveyed_notes + run_.notes, surveyed_warnings
        out.append(run_)
    return out


def _unported(ws: Workspace, detectors: list[type[Detector[Any]]]) -> dict[str, str]:
    """On an engine other than DuckDB, the chosen detectors still written for DuckDB only
    (tenaza.store.ported), each with why. When every chosen detector is one of them nothing
    would run: that is an ``UnsupportedCapability`` naming them, before anything is written;
    otherwise the rest run and these are reported as not run."""
    from tenaza.store.ported import DUCKDB_ONLY_DETECTORS

    engine = ws.backend.dialect.name
    if engine == "duckdb":
        return {}
    unported = {d.NAME: f"not ported to {engine} yet ({DUCKDB_ONLY_DETECTORS[d.NAME]}); run it on DuckDB"
                for d in detectors if d.NAME in DUCKDB_ONLY_DETECTORS}
    if detectors and len(unported) == len(detectors):
        raise UnsupportedCapability(engine, f"run {', '.join(sorted(unported))}: not ported yet (DuckDB only; "
                                    "tenaza.store.ported); run without --engine spark, or choose ported detectors")
    return unported


def ensure_rates(ws: Workspace) -> None:
    """Load the ECB's reference rates once where the workspace has none and some amount is not
    in dollars, so that a first `tenaza detect` values every currency (as `tenaza analyze` does)."""
    b = ws.backend
    if b.scalar("have rates", "SELECT count(*) FROM fx_rates"):
        return
    if not b.scalar("foreign amounts", "SELECT count(*) FROM transactions WHERE currency IS DISTINCT FROM 'USD' "
                                       "AND amount_usd IS NULL"):
        return
    from tenaza.money import load_rates

    counts = load_rates(ws)
    log.warning("loaded %s ECB exchange-rate periods (no rates in the workspace); load your own with "
                "`tenaza rates load`", f"{sum(counts.values()):,}")
