"""Purchasers and dealers ranked with reasons (`tenaza rank --pillar weapons`, detector weapons_ranked_risk).

Every purchaser (the normal form of the name on the sales records) and every dealer (FFL) gets
a score from ``tenaza.rank.entities``: the weapons detectors' alerts on it (noisy-OR of their
scores) and how far its behaviour stands from its peers' (robust z-scores, IsolationForest).
Purchasers are compared with purchasers who bought a similar number of guns; dealers with
dealers of a similar sales volume, border states (AZ, CA, NM, TX) apart from the rest.

Purchaser features: guns bought, share in cartel-favoured calibers, sales that close a
multiple-sale window (two or more guns in five business days), share traced from Mexico,
median time-to-crime of the traced ones, dealers used, purchase days. Dealer features: sales,
share traced from Mexico, median time-to-crime, share in cartel calibers, share in multiple-sale
windows, share sold to purchasers the detectors alerted on, purchasers.

The highest scores become alerts of ``weapons_ranked_risk`` (typology ``ranked_risk``): a
purchaser's subjects are its sales, a dealer's its FFL; the evidence is every sale and trace
record behind the features plus the evidence of the alerts behind the signal, so the alert is
releasable only where all of them are. With a truth file, the ranking's average precision is
measured against it beside a baseline (guns bought; a dealer's traced guns), and the truth's
labels also train the out-of-fold supervised score.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from tenaza.detect.runner import ALERT_COLUMNS, alerts_sql
from tenaza.detect.steps import Steps
from tenaza.errors import TenazaError
from tenaza.evaluate.scores import average_precision
from tenaza.pillars.weapons.normalize import clean
from tenaza.pillars.weapons.sales import RIFLE_RULE_STATES, _sales_steps
from tenaza.rank.entities import EntityFeature, score_entities
from tenaza.rank.unsupervised import UnsupervisedConfig
from tenaza.store.dialect import Dialect
from tenaza.store.workspace import Workspace

log = logging.getLogger("tenaza")
NAME = "weapons_ranked_risk"

PURCHASER = [
    EntityFeature("guns", "guns bought"),
    EntityFeature("cartel_share", "share in cartel-favoured calibers", "{:.2f}"),
    EntityFeature("multiple_windows", "sales closing a multiple-sale window"),
    EntityFeature("traced_share", "share traced from Mexico", "{:.2f}"),
    EntityFeature("ttc_days", "median time-to-crime (days)"),
    EntityFeature("dealers", "dealers used"),
    EntityFeature("days", "purchase days"),
]
DEALER = [
    EntityFeature("sales", "sales"),
    EntityFeature("traced_share", "share traced from Mexico", "{:.3f}"),
    EntityFeature("ttc_days", "median time-to-crime (days)"),
    EntityFeature("cartel_share", "share in cartel-favoured calibers", "{:.2f}"),
    EntityFeature("multiple_share", "share in multiple-sale windows", "{:.2f}"),
    EntityFeature("alerted_share", "share sold to alerted purchasers", "{:.3f}"),
    EntityFeature("purchasers", "purchasers"),
]
_FIXED = 8  # subject, kind, volume, label, sales, evidence, p0, p1


class WeaponsRankConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ranker: UnsupervisedConfig = Field(default_factory=UnsupervisedConfig)
    business_days: int = Field(5, ge=1, description="Business days of a multiple-sale window.")
    min_score: float = Field(0.5, ge=0, le=1, description="Lowest score that becomes an alert.")
    max_alerts: int = Field(100, ge=0, description="At most this many alerts per kind (purchasers, dealers).")


@dataclass
class KindReport:
    kind: str
    ranked: int = 0
    alerts: int = 0
    with_alerts: int = 0
    peer_groups: int = 0
    positives: int | None = None
    ap: float | None = None
    ap_unsupervised: float | None = None
    ap_baseline: float | None = None
    ap_alerts_only: float | None = None
    baseline: str = ""
    supervised: bool = False
    top_features: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class WeaponsRankReport:
    kinds: list[KindReport] = field(default_factory=list)
    skipped: str | None = None


def _base(params: dict[str, Any], dl: Dialect, window: int) -> Steps:
    """Sales steps plus ``per_sale`` (each sale with its multiple-sale window count, the trace
    records of its gun if traced from Mexico and its time-to-crime) and ``al`` (weapons alerts
    per sale subject)."""
    params["window"] = window - 1
    steps = _sales_steps(params, dl)
    steps.add("rec", f"""
  SELECT upper(t.ffl_id) AS ffl_id, {clean('t.serial', dl)} AS serial, min(t.recovery_date) AS recovered
  FROM firearm_traces AS t WHERE {dl.array_contains('$mexico', 't.recovery_country')} GROUP BY ALL""")
    steps.add("win", """
  SELECT *, count(*) OVER (PARTITION BY who ORDER BY bday RANGE BETWEEN $window PRECEDING AND CURRENT ROW) AS n_back
  FROM sales WHERE who IS NOT NULL""")
    steps.add("per_sale", f"""
  SELECT w.*, t.trids, {dl.days_between('w.date', 'r.recovered')} AS ttc,
         CASE WHEN t.trids IS NULL THEN 0 ELSE 1 END AS traced_n,
         CASE WHEN {dl.array_contains('$cartel', 'w.caliber_n')} THEN 1 ELSE 0 END AS cartel_n
  FROM win AS w JOIN firearm_sales AS fs ON fs.sale_id = w.sale_id
  LEFT JOIN traced AS t ON t.serial = {clean('fs.serial', dl)} AND t.ffl_id = upper(w.ffl_id)
  LEFT JOIN rec AS r ON r.serial = {clean('fs.serial', dl)} AND r.ffl_id = upper(w.ffl_id)""")
    steps.add("al_raw", f"""
  SELECT alert_id, typology, CAST(score AS DOUBLE) AS score, evidence, {dl.explode('subjects')} AS s
  FROM alerts WHERE pillar = 'weapons' AND detector <> '{NAME}'""")
    return steps


def _signal(steps: Steps, key: str, dl: Dialect) -> Steps:
    """Step ``sig`` (``key``, signal, words, alert evidence): noisy-OR of the distinct alerts per ``key``,
    from step ``hit`` (key, alert_id, typology, score, evidence)."""
    steps.add("hit1", f"""
  SELECT {key}, alert_id, min(typology) AS typology, max(score) AS score,
         {dl.array_distinct(dl.array_flatten(dl.list_agg('evidence')))} AS ev
  FROM hit GROUP BY {key}, alert_id""")
    return steps.add("sig", f"""
  SELECT {key}, 1 - exp(sum(ln(1 - least(score, 0.999)))) AS signal,
         {dl.list_agg("typology || ' (' || CAST(round(score, 2) AS STRING) || ')'", distinct=True)} AS words,
         {dl.array_distinct(dl.array_flatten(dl.list_agg('ev')))} AS ev
  FROM hit1 GROUP BY {key}""")


def purchaser_sql(params: dict[str, Any], dl: Dialect, window: int) -> str:
    steps = _base(params, dl, window)
    steps.add("hit", """
  SELECT p.who, a.alert_id, a.typology, a.score, a.evidence FROM al_raw AS a
  JOIN per_sale AS p ON a.s = 'sale:' || p.sale_id""")
    _signal(steps, "who", dl)
    steps.add("f", f"""
  SELECT who, min(purchaser) AS purchaser, count(*) AS guns, CAST(sum(cartel_n) AS DOUBLE) / count(*) AS cartel_share,
         count(*) FILTER (WHERE n_back >= 2) AS multiple_windows, CAST(sum(traced_n) AS DOUBLE) / count(*) AS traced_share,
         median(ttc) AS ttc_days, count(DISTINCT ffl_id) AS dealers, count(DISTINCT date) AS days,
         {dl.list_agg('sale_id')} AS sales,
         {dl.array_concat(dl.list_agg('rid'), dl.array_flatten(dl.list_agg('trids')))} AS rids,
         min(date) AS p0, max(date) AS p1
  FROM per_sale GROUP BY who""")
    return str(steps.select(f"""
SELECT f.who, 'purchaser', f.guns, f.purchaser, f.sales,
       {dl.array_distinct(dl.array_concat('f.rids', f"coalesce(s.ev, {dl.empty_string_array()})"))},
       f.p0, f.p1, coalesce(s.signal, 0.0), s.words,
       f.guns, f.cartel_share, f.multiple_windows, f.traced_share, f.ttc_days, f.dealers, f.days
FROM f LEFT JOIN sig AS s ON s.who = f.who"""))


def dealer_sql(params: dict[str, Any], dl: Dialect, window: int) -> str:
    steps = _base(params, dl, window)
    params["rifle_states"] = list(RIFLE_RULE_STATES)
    steps.add("flagged", "SELECT DISTINCT p.who FROM al_raw AS a JOIN per_sale AS p ON a.s = 'sale:' || p.sale_id")
    steps.add("hit", """
  SELECT upper(substr(s, 5)) AS ffl_id, alert_id, typology, score, evidence FROM al_raw WHERE s LIKE 'ffl:%'""")
    _signal(steps, "ffl_id", dl)
    steps.add("f", f"""
  SELECT upper(p.ffl_id) AS ffl_id, min(p.ffl_state) AS state, count(*) AS sales,
         CAST(sum(p.traced_n) AS DOUBLE) / count(*) AS traced_share, median(p.ttc) AS ttc_days,
         CAST(sum(p.cartel_n) AS DOUBLE) / count(*) AS cartel_share,
         CAST(count(*) FILTER (WHERE p.n_back >= 2) AS DOUBLE) / count(*) AS multiple_share,
         CAST(count(fl.who) AS DOUBLE) / count(*) AS alerted_share, count(DISTINCT p.who) AS purchasers,
         {dl.array_concat(dl.list_agg('p.rid'), dl.array_flatten(dl.list_agg('p.trids')))} AS rids,
         min(p.date) AS p0, max(p.date) AS p1
  FROM per_sale AS p LEFT JOIN flagged AS fl ON fl.who = p.who GROUP BY upper(p.ffl_id)""")
    return str(steps.select(f"""
SELECT f.ffl_id, CASE WHEN {dl.array_contains('$rifle_states', 'f.state')} THEN 'border' ELSE 'interior' END,
       f.sales, f.ffl_id, {dl.array('f.ffl_id')},
       {dl.array_distinct(dl.array_concat('f.rids', f"coalesce(s.ev, {dl.empty_string_array()})"))},
       f.p0, f.p1, coalesce(s.signal, 0.0), s.words,
       f.sales, f.traced_share, f.ttc_days, f.cartel_share, f.multiple_share, f.alerted_share, f.purchasers
FROM f LEFT JOIN sig AS s ON s.ffl_id = f.ffl_id"""))


def _truth(path: Path | None) -> set[str] | None:
    if path is None:
        return None
    import pyarrow.parquet as pq

    try:
        tab = pq.read_table(path, columns=["subject", "pillar"]).to_pydict()
    except Exception as exc:
        raise TenazaError(f"{path}: not a truth file: a Parquet file with the columns subject and pillar ({exc})") \
            from exc
    return {s for s, p in zip(tab["subject"], tab["pillar"], strict=True) if p == "weapons"}


def rank_weapons(ws: Workspace, config: WeaponsRankConfig | None = None, truth: Path | None = None) -> WeaponsRankReport:
    """Rank purchasers and dealers, write the top ones as ``weapons_ranked_risk`` alerts, and
    measure the ranking against ``truth`` where given."""
    import numpy as np

    cfg = config or WeaponsRankConfig()
    report = WeaponsRankReport()
    if not ws.count("firearm_sales"):
        report.skipped = "no rows in firearm_sales: nothing to rank"
        log.warning("weapons ranker: %s", report.skipped)
        return report
    positives = _truth(truth)
    dl = ws.backend.dialect
    out: list[dict[str, Any]] = []
    for kind, make_sql, features, subject in (("purchaser", purchaser_sql, PURCHASER, "sale:"),
                                              ("dealer", dealer_sql, DEALER, "ffl:")):
        params: dict[str, Any] = {}
        # in the order of their keys: the forest samples by row, so the engine's order must not reach it
        rows = sorted(ws.backend.fetch(f"weapons ranker: {kind} features", make_sql(params, dl, cfg.business_days),
                                       params), key=lambda r: str(r[0]))
        kr = KindReport(kind)
        report.kinds.append(kr)
        if not rows:
            continue
        x = np.array([[np.nan if v is None else float(v) for v in r[_FIXED + 2:]] for r in rows], dtype=float)
        alert = np.array([float(r[_FIXED]) for r in rows])
        words = [_alert_words(r[_FIXED + 1]) for r in rows]
        labels = None
        if positives is not None:
            labels = np.array([int(any(subject + str(s) in positives for s in (r[4] or []))) for r in rows])
        res = score_entities(x, [str(r[1]) for r in rows], np.array([float(r[2]) for r in rows]), alert, words,
                             features, cfg.ranker, labels, unit=f"{kind}s")
        kr.ranked, kr.peer_groups, kr.top_features = len(rows), res.peer_groups, res.top_features
        kr.with_alerts, kr.supervised = int((alert > 0).sum()), res.supervised is not None
        if labels is not None:
            base = x[:, 0] if kind == "purchaser" else x[:, 0] * x[:, 1]  # guns bought; sales x traced share
            kr.baseline = "guns bought" if kind == "purchaser" else "guns traced from Mexico"
            kr.positives = int(labels.sum())
            kr.ap = average_precision(labels.tolist(), res.score.tolist())
            kr.ap_unsupervised = average_precision(labels.tolist(), res.unsupervised.tolist())
            kr.ap_baseline = average_precision(labels.tolist(), np.nan_to_num(base).tolist())
            kr.ap_alerts_only = average_precision(labels.tolist(), alert.tolist())
        order = np.argsort(-res.score, kind="mergesort")
        for rank, i in enumerate(order[:cfg.max_alerts], start=1):
            if res.score[i] < cfg.min_score:
                break
            r = rows[i]
            out.append(_alert_row(kind, r, rank, len(rows), float(res.score[i]), float(res.anomaly[i]),
                                  float(alert[i]), res.reasons[i], features, x[i], subject))
            kr.alerts += 1
    _write(ws, out)
    return report


def _alert_words(words: list[str] | None) -> list[str]:
    """'typology (score)' per alert, folded to one entry per typology: 'typology x3 (max 0.89)'."""
    best: dict[str, list[float]] = {}
    for w in words or []:
        typ, _, sc = w.rpartition(" (")
        best.setdefault(typ, []).append(float(sc.rstrip(")")))
    return [f"{t} (x{len(v)}, max {max(v):.2f})" if len(v) > 1 else f"{t} ({v[0]:.2f})"
            for t, v in sorted(best.items())]


def _alert_row(kind: str, r: tuple[Any, ...], rank: int, of: int, score: float, anomaly: float, signal: float,
               reasons: list[str], features: list[EntityFeature], x: Any, subject: str) -> dict[str, Any]:
    import math

    figures = {"rank": rank, "of": of, "score": round(score, 4), "anomaly_percentile": round(anomaly, 4),
               "alert_signal": round(signal, 4), "reasons": reasons,
               **{f.name: (None if math.isnan(v) else round(float(v), 4)) for f, v in zip(features, x, strict=True)}}
    who = "Purchaser" if kind == "purchaser" else "Dealer"
    return {"typology": "ranked_risk", "score": score, "subjects": [subject + str(s) for s in (r[4] or [])],
            "evidence": [str(e) for e in (r[5] or [])], "figures": json.dumps(figures),
            "explanation": f"{who} {r[3]} ranks {rank} of {of:,} {kind}s (score {score:.2f}): "
                           + "; ".join(reasons[:2]) + ".",
            "period_start": r[6], "period_end": r[7]}


def _write(ws: Workspace, out: list[dict[str, Any]]) -> None:
    """Replace the ranker's alerts; releasability from the evidence as for every detector."""
    def ts(v: Any) -> Any:
        return datetime.combine(v, datetime.min.time()) if v is not None and not isinstance(v, datetime) else v

    table = pa.table({
        "typology": pa.array([o["typology"] for o in out], pa.string()),
        "score": pa.array([o["score"] for o in out], pa.float64()),
        "subjects": pa.array([o["subjects"] for o in out], pa.list_(pa.string())),
        "evidence": pa.array([o["evidence"] for o in out], pa.list_(pa.string())),
        "figures": pa.array([o["figures"] for o in out], pa.string()),
        "explanation": pa.array([o["explanation"] for o in out], pa.string()),
        "period_start": pa.array([ts(o["period_start"]) for o in out], pa.timestamp("us")),
        "period_end": pa.array([ts(o["period_end"]) for o in out], pa.timestamp("us")),
    })
    params = {"tenaza_detector": NAME, "tenaza_pillar": "weapons", "tenaza_now": datetime.now(UTC).replace(tzinfo=None)}
    with ws.backend.arrow_relation("weapons_ranked_in", table) as rel:
        ws.backend.replace_rows(f"rank {NAME}", "alerts", "detector = $tenaza_detector", ALERT_COLUMNS,
                                alerts_sql(ws.backend.dialect, f"SELECT * FROM {rel}"), params)


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def print_report(report: WeaponsRankReport, as_json: bool) -> None:
    from dataclasses import asdict

    from tenaza.cli_options import out

    if as_json:
        out.print_json(json.dumps(asdict(report), default=str))
        return
    if report.skipped:
        out.print(f"[yellow]weapons ranker skipped[/]: {report.skipped}")
        return
    for k in report.kinds:
        out.print(f"{k.kind}s: {k.ranked:,} ranked against {k.peer_groups} peer groups, {k.with_alerts:,} with weapons "
                  f"alerts; {k.alerts:,} {NAME} alerts" + ("; supervised out of fold on the truth" if k.supervised
                                                            else ""))
        if not k.ranked:
            out.print(f"[yellow]no {k.kind}s to rank[/]: firearm_sales has no rows with a purchaser name")
        if k.positives is not None:
            out.print(f"  against the truth ({k.positives:,} positive): AP {_fmt(k.ap)} (unsupervised "
                      f"{_fmt(k.ap_unsupervised)}, alerts only {_fmt(k.ap_alerts_only)}, baseline {k.baseline} "
                      f"{_fmt(k.ap_baseline)})")
        out.print("  features furthest from peers: " + ", ".join(f"{n} ({v:.2f})" for n, v in k.top_features))
