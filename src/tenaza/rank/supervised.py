"""The supervised cash ranker: LightGBM on account-window features, where labels exist.

Rules need no labels, and that is how most users start. Where labels exist (a labelled data
set, a scenario's truth, later analysts' dispositions), a gradient-boosted model ranks
accounts alongside the rules. It learns from the earlier part of the data and is measured on
the later part only (a time-ordered split: no future activity leaks into training), which is
how it would be used: trained on the past, scoring the present. The scores of the later
period are written to ``account_scores`` with the reasons for each (SHAP contributions in
words); the ``cash_ranked_risk`` detector turns the highest into alerts.

LightGBM and shap are imported only here, when a ranker runs (``pip install tenaza[rank]``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from tenaza.rank import explain
from tenaza.rank.features import FEATURES, features_sql
from tenaza.rank.labels import Labels, account_labels, from_spec, from_truth, positives_relation
from tenaza.store.workspace import Workspace

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("tenaza")
FEATURE_NAMES = list(FEATURES)


class RankerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    window_days: int = Field(30, ge=1, description="Length of the windows an account's activity is scored in.")
    train_fraction: float = Field(0.6, gt=0, lt=1, description=(
        "Share of the windows, earliest first (split 'time'), or of the accounts (split 'account'), the model "
        "learns from; it is measured on the rest."))
    split: Literal["time", "account"] = Field("time", description=(
        "'time': learn from the earlier windows, measure on the later ones. 'account': learn from some accounts, "
        "measure on held-out accounts (chosen by a hash of the account id, so a run can be repeated); for data "
        "of a few days, or labels that sit on accounts."))
    min_positives: int = Field(10, ge=1, description="Fewest positive account-windows the training period needs.")
    top_k: int = Field(100, ge=1, description="k of the precision@k reported on the later period.")
    rounds: int = Field(200, ge=10, description="Boosting rounds.")
    learning_rate: float = Field(0.05, gt=0, description="LightGBM learning rate.")
    num_leaves: int = Field(15, ge=2, description="Leaves per tree (small trees generalize across periods).")
    min_child_samples: int = Field(20, ge=1, description="Fewest account-windows in a leaf.")
    reasons: int = Field(3, ge=1, description="Reasons kept per score.")
    seed: int = Field(0, description="Seed, so that a run can be repeated exactly.")


@dataclass
class RankReport:
    label_source: str
    skipped: str | None = None
    train_rows: int = 0
    test_rows: int = 0
    train_positives: int = 0
    test_positives: int = 0
    split_at: str | None = None
    auc: float | None = None
    precision_at_k: dict[str, float] = field(default_factory=dict)
    base_rate: float | None = None
    explainer: str | None = None
    top_features: list[tuple[str, float]] = field(default_factory=list)
    scores_written: int = 0
    run_id: str | None = None
    seconds: float = 0.0


# Significant digits a feature keeps before it reaches a model (FEATURE_DIGITS).
FEATURE_DIGITS = 10


def reproducible(x: np.ndarray) -> np.ndarray:
    """``x`` rounded to FEATURE_DIGITS significant digits. A sum of many floats differs in its last
    bits with the order it was taken in, which a parallel engine does not fix (DuckDB from run to
    run, Spark against DuckDB); a tree model that splits on such a difference, or a rank among
    near-equal anomaly scores, would then differ too. Ten digits is far finer than any feature
    means anything at."""
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.where(np.isfinite(x) & (x != 0), np.floor(np.log10(np.abs(x))), 0)
    scale = np.power(10.0, FEATURE_DIGITS - 1 - magnitude)
    return np.where(np.isfinite(x), np.round(x * scale) / scale, x)


def load_labels(ws: Workspace, truth: Path | str | None = None, spec: str | None = None) -> Labels:
    """The scenario's truth if given, else the labels ``spec`` names (labels.from_spec),
    else a known label column kept in the transactions' extras."""
    return from_truth(ws, truth) if truth is not None else from_spec(ws, spec)


def auc(y: np.ndarray, s: np.ndarray) -> float | None:
    """Area under the ROC curve (the Mann-Whitney statistic, ties counted half)."""
    import numpy as np

    pos, neg = int(y.sum()), int(len(y) - y.sum())
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def precision_at(y: np.ndarray, s: np.ndarray, k: int) -> float:
    import numpy as np

    top = np.argsort(-s, kind="mergesort")[:k]
    return float(y[top].mean()) if len(top) else 0.0


def rank(ws: Workspace, labels: Labels, config: RankerConfig | None = None) -> RankReport:
    """Train on the earlier windows, measure on the later ones, write their scores and reasons."""
    import numpy as np

    cfg = config or RankerConfig()
    started = time.perf_counter()
    report = RankReport(label_source=labels.source)
    if not labels.usable:
        report.skipped = (f"no usable labels ({labels.source}: {labels.labelled} labelled, {labels.positives} positive);"
                          " the rules run without them")
        log.info("ranker skipped: %s", report.skipped)
        return report
    params: dict[str, Any] = {}
    txn_labels = positives_relation() if labels.level == "transactions" else None
    rows = ws.backend.fetch("ranker features", features_sql(params, cfg.window_days, ws.backend.dialect, txn_labels), params)
    if labels.level == "accounts":
        rows = _label_by_account(ws, rows)
    train, test, where = _split(np, rows, cfg)
    if train is None or test is None:
        report.skipped = where
        log.info("ranker skipped: %s", report.skipped)
        return report
    x = reproducible(np.array([r[6:] for r in rows], dtype=float))
    y = np.array([r[5] for r in rows], dtype=float)
    report.train_rows, report.test_rows = int(train.sum()), int(test.sum())
    report.train_positives, report.test_positives = int(y[train].sum()), int(y[test].sum())
    report.split_at = where
    if report.train_positives < cfg.min_positives:
        report.skipped = (f"{report.train_positives} positive account-windows in training ({report.split_at}); "
                          f"training needs {cfg.min_positives}")
        log.info("ranker skipped: %s", report.skipped)
        return report
    booster = _train(x[train], y[train], cfg)
    s_test = np.asarray(booster.predict(x[test]), dtype=float)
    report.auc = auc(y[test], s_test)
    report.base_rate = float(y[test].mean()) if test.any() else None
    report.precision_at_k = {f"p@{cfg.top_k}": precision_at(y[test], s_test, cfg.top_k)}
    if report.test_positives:
        report.precision_at_k[f"p@{report.test_positives} (R-precision)"] = precision_at(
            y[test], s_test, report.test_positives)
    contrib, report.explainer = explain.contributions(booster, x[test])
    importance = np.abs(contrib).mean(axis=0)
    report.top_features = [(FEATURE_NAMES[i], round(float(importance[i]), 4)) for i in np.argsort(-importance)[:5]]
    test_rows = [r for r, t in zip(rows, test, strict=True) if t]
    report.run_id = "rank-" + hashlib.sha256(
        f"{labels.source}|{cfg.model_dump_json()}|{len(rows)}".encode()).hexdigest()[:12]
    report.scores_written = _write(ws, test_rows, x[test], y[test], s_test, contrib, report.run_id, cfg)
    report.seconds = time.perf_counter() - started
    log.info("ranker %s: AUC %s on %d later account-windows (%d positive), %s", report.run_id,
             f"{report.auc:.3f}" if report.auc is not None else "n/a", report.test_rows, report.test_positives,
             ", ".join(f"{k} {v:.2f}" for k, v in report.precision_at_k.items()))
    return report


def _label_by_account(ws: Workspace, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every window of a labelled account takes the account's label (unlabelled accounts count as
    negative), and the label's own record joins the rows behind the score."""
    labelled = {str(a): (bool(p), i) for a, p, i in ws.backend.fetch("ranker: account labels",
                                                                      f"SELECT * FROM {account_labels()}")}
    out = []
    for r in rows:
        positive, ingest_id = labelled.get(str(r[0]), (False, None))
        ids = list(r[4]) + ([ingest_id] if ingest_id is not None and ingest_id not in r[4] else [])
        out.append((r[0], r[1], r[2], r[3], ids, int(positive), *r[6:]))
    return out


def _split(np: Any, rows: list[tuple[Any, ...]], cfg: RankerConfig) -> tuple[Any, Any, str]:
    """Masks of the training and test rows, and where the split is: the first test window's start
    (split by time) or how many accounts are held out."""
    if cfg.split == "account":
        accounts = sorted({str(r[0]) for r in rows})
        if len(accounts) < 2:
            return None, None, f"{len(accounts)} account(s) with activity; a split by account needs two or more"
        held = {a for a in accounts
                if int(hashlib.sha256(f"{cfg.seed}|{a}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
                >= cfg.train_fraction}
        test = np.array([str(r[0]) in held for r in rows])
        return ~test, test, f"{len(held):,} of {len(accounts):,} accounts held out"
    wins = sorted({r[1] for r in rows})
    if len(wins) < 2:
        return None, None, (f"one {cfg.window_days}-day window of activity; a time-ordered split needs two or more "
                            f"(or split by account)")
    split = wins[min(len(wins) - 1, max(1, int(len(wins) * cfg.train_fraction)))]
    win = np.array([r[1] for r in rows])
    return win < split, win >= split, str(next(r[2] for r in rows if r[1] == split))


def _train(x: np.ndarray, y: np.ndarray, cfg: RankerConfig) -> Any:
    import lightgbm as lgb

    params = {"objective": "binary", "learning_rate": cfg.learning_rate, "num_leaves": cfg.num_leaves,
              "min_child_samples": cfg.min_child_samples, "feature_fraction": 0.9, "bagging_fraction": 0.9,
              "bagging_freq": 1, "seed": cfg.seed, "deterministic": True, "num_threads": 2, "verbose": -1}
    data = lgb.Dataset(x, label=y, feature_name=FEATURE_NAMES, free_raw_data=True)
    return lgb.train(params, data, num_boost_round=cfg.rounds)


# The columns the rankers write to account_scores.
SCORE_COLUMNS = ["score_id", "account_id", "window_start", "window_end", "score", "rank", "reasons", "contributions",
                 "label", "split", "run_id", "created_at", "releasable_to"]


def _write(ws: Workspace, rows: list[tuple[Any, ...]], x: np.ndarray, y: np.ndarray, s: np.ndarray,
           contrib: np.ndarray, run_id: str, cfg: RankerConfig) -> int:
    import numpy as np

    reasons = [explain.reasons(FEATURE_NAMES, x[i], contrib[i], cfg.reasons) for i in range(len(rows))]
    detail = [json.dumps({n: {"value": None if np.isnan(x[i, j]) else round(float(x[i, j]), 4),
                              "shap": round(float(contrib[i, j]), 4)} for j, n in enumerate(FEATURE_NAMES)})
              for i in range(len(rows))]
    table = pa.table({
        "account_id": [r[0] for r in rows], "window_start": [r[2] for r in rows], "window_end": [r[3] for r in rows],
        "ingest_ids": [r[4] for r in rows], "score": s, "label": y.astype(int), "reasons": reasons,
        "contributions": detail})
    now = datetime.now(UTC).replace(tzinfo=None)
    with ws.backend.arrow_relation("rank_scores_in", table) as rel:
        d = ws.backend.dialect
        common = d.array_sort(d.list_agg_intersect(f"coalesce(l.releasable_to, {d.empty_string_array()})"))
        ws.backend.replace_rows("ranker: write scores", "account_scores", "TRUE", SCORE_COLUMNS, f"""
            WITH rel AS (
              SELECT u.account_id, u.window_start, {common} AS rel
              FROM (SELECT account_id, window_start, {d.explode('ingest_ids')} AS ingest_id FROM {rel}) AS u
              JOIN ingest_log AS l ON l.ingest_id = u.ingest_id
              GROUP BY u.account_id, u.window_start
            )
            SELECT s.account_id || ':' || CAST(CAST(s.window_start AS DATE) AS STRING) AS score_id, s.account_id,
                   s.window_start, s.window_end, round(s.score, 4) AS score,
                   rank() OVER (PARTITION BY s.window_start ORDER BY s.score DESC) AS rank, s.reasons, s.contributions,
                   s.label, 'test' AS split, $run AS run_id, $now AS created_at,
                   coalesce(r.rel, {d.empty_string_array()}) AS releasable_to
            FROM {rel} AS s LEFT JOIN rel AS r ON r.account_id = s.account_id AND r.window_start = s.window_start""",
                                {"run": run_id, "now": now})
    return len(rows)
