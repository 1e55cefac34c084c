"""Ranking accounts without labels: each account against its peers, plus the detectors' alerts.

Most users bring no labels: a bank's extract, a simulator's output, a new case. The ranker
still orders every account, from two signals, each kept and shown:

1. **Peer anomaly.** Every feature of ``account_features`` is turned into a robust z-score
   against the account's peers (median and MAD of accounts of the same kind and a similar
   volume of activity; a group too small falls back to the kind, then to every account), and
   scikit-learn's IsolationForest scores how isolated the account is in that space. The
   anomaly is the percentile of that score, so it means the same on any data set.
   IsolationForest was chosen over PyOD's wider menu because it ships with scikit-learn (already
   a dependency through shap), needs no distance metric across features of different kinds,
   scales linearly, and has no labels to tune.
2. **Alert signal.** The detectors' alerts on the account, combined as independent evidence
   (noisy-OR of their scores): ``1 - prod(1 - score)``.

The score is ``1 - (1 - alert_signal) * (1 - anomaly_weight * anomaly)``: an alert of strength
0.9 scores at least 0.9, and an account no detector flagged reaches at most ``anomaly_weight``.
The reasons name the alerts and the features furthest from the peers, with the peers' median.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from tenaza.rank.account_features import FEATURES, account_features_sql
from tenaza.rank.supervised import SCORE_COLUMNS, reproducible
from tenaza.store.workspace import Workspace

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("tenaza")
FEATURE_NAMES = list(FEATURES)
_FIXED = 5  # account_id, kind, ingest_ids, window_start, window_end


class UnsupervisedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    anomaly_weight: float = Field(0.5, ge=0, le=1, description=(
        "Most an account with no alert can score from its peer anomaly alone."))
    min_peers: int = Field(30, ge=2, description=(
        "Fewest accounts a peer group needs; smaller groups fall back to the kind, then to all accounts."))
    volume_bands: int = Field(4, ge=1, description="Bands of activity volume within a kind that make the peer groups.")
    trees: int = Field(200, ge=10, description="Trees of the IsolationForest.")
    reasons: int = Field(3, ge=1, description="Feature reasons kept per score (alerts are always named).")
    seed: int = Field(0, description="Seed, so that a run can be repeated exactly.")


@dataclass
class UnsupervisedReport:
    accounts: int = 0
    peer_groups: int = 0
    fallbacks: int = 0  # accounts whose own group was too small
    alerts_used: int = 0
    accounts_with_alerts: int = 0
    rates: str = ""
    top_features: list[tuple[str, float]] = field(default_factory=list)
    run_id: str | None = None
    skipped: str | None = None
    seconds: float = 0.0


def robust_z(x: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(z, peer median) of every column of ``x`` within each group: (x - median) / (1.4826 MAD).

    Where half or more of a group share one value (MAD 0), the mean absolute deviation stands in;
    a column constant within the group gives z 0."""
    import numpy as np

    z = np.zeros_like(x)
    med = np.zeros_like(x)
    for g in np.unique(groups):
        rows = groups == g
        xg = x[rows]
        m = np.nanmedian(xg, axis=0)
        dev = np.abs(xg - m)
        scale = 1.4826 * np.nanmedian(dev, axis=0)
        mean_dev = 1.2533 * np.nanmean(dev, axis=0)
        scale = np.where(scale > 0, scale, mean_dev)
        with np.errstate(invalid="ignore", divide="ignore"):
            zg = np.where(scale > 0, (xg - m) / np.where(scale > 0, scale, 1), 0.0)
        z[rows] = np.nan_to_num(zg, nan=0.0)
        med[rows] = m
    return np.clip(z, -50, 50), med


def peer_groups(kinds: list[str], volume: np.ndarray, cfg: UnsupervisedConfig) -> tuple[np.ndarray, list[str], int]:
    """Group label per account, its description in words, and how many accounts fell back."""
    import numpy as np

    kind_arr = np.array(kinds, dtype=object)
    labels = np.empty(len(kinds), dtype=object)
    words: list[str] = [""] * len(kinds)
    fallbacks = 0
    for kind in sorted(set(kinds)):
        in_kind = np.flatnonzero(kind_arr == kind)
        if len(in_kind) < cfg.min_peers:
            continue  # falls back to every account below
        edges = np.quantile(volume[in_kind], np.linspace(0, 1, cfg.volume_bands + 1)[1:-1])
        band = np.searchsorted(edges, volume[in_kind], side="right")
        for b in np.unique(band):
            members = in_kind[band == b]
            lo, hi = volume[members].min(), volume[members].max()
            if len(members) >= cfg.min_peers:
                labels[members] = f"{kind}|{b}"
                for i in members:
                    words[i] = f"{len(members):,} {kind} accounts with {lo:.0f}-{hi:.0f} movements"
            else:
                labels[members] = f"{kind}|*"
                fallbacks += len(members)
                for i in members:
                    words[i] = f"{len(in_kind):,} {kind} accounts"
    rest = np.array([lab is None for lab in labels])
    if rest.any():
        fallbacks += int(rest.sum()) if len(kinds) > rest.sum() else 0
        labels[rest] = "*"
        for i in np.flatnonzero(rest):
            words[i] = f"all {len(kinds):,} accounts"
    return labels.astype(str), words, fallbacks


def _alert_signals(ws: Workspace) -> dict[str, tuple[float, list[str], list[list[str]]]]:
    """Per account: noisy-OR of its alerts' scores, the alerts in words, and their releasable_to."""
    d = ws.backend.dialect
    words = "a.typology || ' (' || CAST(round(CAST(a.score AS DOUBLE), 2) AS STRING) || ')'"
    # an alert without releasable_to counts as releasable nowhere (an empty list), not as missing
    rows = ws.backend.fetch("ranker: alert signals", f"""
        SELECT substr(s, 9) AS account_id, 1 - exp(sum(ln(1 - least(CAST(a.score AS DOUBLE), 0.999)))) AS signal,
               {d.list_agg(words, distinct=True)},
               {d.list_agg(f"coalesce(a.releasable_to, {d.empty_string_array()})")}
        FROM (SELECT *, {d.explode('subjects')} AS s FROM alerts) AS a
        WHERE s LIKE 'account:%' AND a.detector <> 'cash_ranked_risk'
        GROUP BY 1""")
    return {str(r[0]): (float(r[1]), sorted(r[2]), [list(x or []) for x in r[3]]) for r in rows}


def rank_unsupervised(ws: Workspace, config: UnsupervisedConfig | None = None,
                      labels: dict[str, int] | None = None) -> UnsupervisedReport:
    """Score every account with transactions and write ``account_scores`` (split ``unsupervised``).

    ``labels`` (account -> 0/1), where given, are stored beside the scores for evaluation only;
    they never enter the score."""
    import numpy as np
    from sklearn.ensemble import IsolationForest  # type: ignore[import-untyped]  # no stubs shipped

    cfg = config or UnsupervisedConfig()
    started = time.perf_counter()
    report = UnsupervisedReport()
    have_rates = bool(ws.backend.scalar("ranker: rates", "SELECT count(*) FROM fx_rates"))
    report.rates = "each date's exchange rate" if have_rates else "amount_usd only (no rates loaded)"
    rows = ws.backend.fetch("ranker: account features", account_features_sql(have_rates, ws.backend.dialect))
    if not rows:
        report.skipped = "no transactions with an account to rank"
        log.warning("unsupervised ranker: %s", report.skipped)
        return report
    x = reproducible(np.array([[np.nan if v is None else float(v) for v in r[_FIXED:]] for r in rows], dtype=float))
    kinds = [str(r[1]) for r in rows]
    volume = x[:, FEATURE_NAMES.index("n_in")] + x[:, FEATURE_NAMES.index("n_out")]
    groups, group_words, report.fallbacks = peer_groups(kinds, volume, cfg)
    report.peer_groups = len(set(groups.tolist()))
    z, med = robust_z(x, groups)
    if len(rows) >= 2:
        forest = IsolationForest(n_estimators=cfg.trees, random_state=cfg.seed, n_jobs=1)
        forest.fit(z)
        raw = -forest.score_samples(z)
        order = raw.argsort(kind="mergesort")
        anomaly = np.empty(len(raw))
        anomaly[order] = np.arange(len(raw)) / max(len(raw) - 1, 1)
    else:
        anomaly = np.zeros(len(rows))
    signals = _alert_signals(ws)
    report.alerts_used = sum(len(v[2]) for v in signals.values())
    report.accounts_with_alerts = sum(1 for r in rows if str(r[0]) in signals)
    alert = np.array([signals.get(str(r[0]), (0.0, [], []))[0] for r in rows])
    score = 1 - (1 - alert) * (1 - cfg.anomaly_weight * anomaly)
    importance = np.abs(z).mean(axis=0)
    report.top_features = [(FEATURE_NAMES[i], round(float(importance[i]), 3)) for i in np.argsort(-importance)[:5]]
    report.run_id = "unsup-" + hashlib.sha256(f"{cfg.model_dump_json()}|{len(rows)}".encode()).hexdigest()[:12]
    releasable = _releasability(ws, rows, signals)
    _write(ws, rows, x, z, med, anomaly, alert, score, group_words, signals, releasable, labels or {}, report.run_id,
           cfg)
    report.accounts = len(rows)
    report.seconds = time.perf_counter() - started
    log.info("unsupervised ranker %s: %d accounts, %d peer groups, %d with alerts", report.run_id, report.accounts,
             report.peer_groups, report.accounts_with_alerts)
    return report


def _releasability(ws: Workspace, rows: list[tuple[Any, ...]],
                   signals: dict[str, tuple[float, list[str], list[list[str]]]]) -> list[list[str]]:
    """A score is releasable only where every transaction behind its features and every alert
    behind its signal is: the intersection of their countries."""
    per_ingest = {int(i): set(rel or []) for i, rel in
                  ws.backend.fetch("ranker: markings", "SELECT ingest_id, releasable_to FROM ingest_log")}
    out = []
    for r in rows:
        sets = [per_ingest.get(int(i), set()) for i in r[2]] + [set(x) for x in signals.get(str(r[0]), (0, [], []))[2]]
        common = set.intersection(*sets) if sets else set()
        out.append(sorted(common))
    return out


def _reason(name: str, value: float, median: float, zval: float) -> str:
    words, fmt = FEATURES[name]
    shown = "unknown" if math.isnan(value) else fmt.format(value)
    side = "above" if zval > 0 else "below"
    return f"{words}: {shown}, {abs(zval):.1f} robust deviations {side} its peers (median {fmt.format(median)})"


def _write(ws: Workspace, rows: list[tuple[Any, ...]], x: np.ndarray, z: np.ndarray, med: np.ndarray,
           anomaly: np.ndarray, alert: np.ndarray, score: np.ndarray, group_words: list[str],
           signals: dict[str, tuple[float, list[str], list[list[str]]]], releasable: list[list[str]],
           labels: dict[str, int], run_id: str, cfg: UnsupervisedConfig) -> None:
    import numpy as np

    reasons, detail = [], []
    for i, r in enumerate(rows):
        acct = str(r[0])
        why = []
        if acct in signals:
            why.append(f"alerts: {', '.join(signals[acct][1])}")
        for j in np.argsort(-np.abs(z[i]))[:cfg.reasons]:
            if abs(z[i, j]) >= 2:
                why.append(_reason(FEATURE_NAMES[j], float(x[i, j]), float(med[i, j]), float(z[i, j])))
        why.append(f"peers: {group_words[i]}; anomaly percentile {anomaly[i]:.2f}")
        reasons.append(why)
        detail.append(json.dumps({
            "anomaly": round(float(anomaly[i]), 4), "alert_signal": round(float(alert[i]), 4),
            "peers": group_words[i],
            "features": {n: {"value": None if np.isnan(x[i, j]) else round(float(x[i, j]), 4),
                             "peer_median": round(float(med[i, j]), 4), "z": round(float(z[i, j]), 3)}
                         for j, n in enumerate(FEATURE_NAMES)}}))
    table = pa.table({
        "account_id": [str(r[0]) for r in rows], "window_start": [r[3] for r in rows],
        "window_end": [r[4] for r in rows], "score": score.astype(float),
        "label": pa.array([labels.get(str(r[0])) for r in rows], pa.int64()),
        "reasons": reasons, "contributions": detail, "rel": releasable})
    now = datetime.now(UTC).replace(tzinfo=None)
    with ws.backend.arrow_relation("unsup_scores_in", table) as rel:
        ws.backend.replace_rows("ranker: write scores", "account_scores", "TRUE", SCORE_COLUMNS, f"""
            SELECT s.account_id || ':' || CAST(CAST(s.window_start AS DATE) AS STRING) AS score_id, s.account_id,
                   s.window_start, s.window_end, round(s.score, 4) AS score,
                   rank() OVER (ORDER BY s.score DESC) AS rank, s.reasons, s.contributions, s.label,
                   'unsupervised' AS split, $run AS run_id, $now AS created_at, s.rel AS releasable_to
            FROM {rel} AS s""", {"run": run_id, "now": now})
