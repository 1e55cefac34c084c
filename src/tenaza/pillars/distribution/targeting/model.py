"""The risk model: two LightGBM objectives trained on inspection outcomes, split by time.

- **any violation** (label_any: revenue fraud, misdeclared value or origin, and every dangerous
  find) and **the rare dangerous class** (label_rare: drugs, weapons, precursors, cash) are two
  models, because a model tuned to the common class misses the rare one.
- They are combined by a user weight ``rare_weight`` on their *lift* (probability over the
  objective's base rate in training), so that the rare model is not drowned by its small
  probabilities: combined = (1 - w) * lift_any + w * lift_rare.
- Only items with an inspection have an outcome; the model learns from the earlier
  ``train_fraction`` of the days and is measured on the later days (time-ordered split).
- Without enough outcomes (``min_positives``) there is no model: the cold-start queue is the
  rule score (features.rule_score), and the rules stay as features once a model exists.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from tenaza.pillars.distribution.targeting import matrix
from tenaza.pillars.distribution.targeting.features import CATEGORICAL, RULE_WEIGHTS, rule_score

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("tenaza")


class TargetingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    capacity: float = Field(0.05, gt=0, le=1, description="Share of each port's items inspected per day (k).")
    rare_weight: float = Field(0.5, ge=0, le=1, description=(
        "Weight of the rare dangerous class against any violation in the combined score (on lifts)."))
    train_fraction: float = Field(0.7, gt=0, lt=1, description="Share of the days, earliest first, trained on.")
    smoothing: float = Field(20.0, ge=0, description="Prior weight (items) of the smoothed party rates.")
    min_positives: int = Field(20, ge=1, description="Fewest violations in training before a model replaces the rules.")
    rounds: int = Field(100, ge=10, description=(
        "Most boosting rounds of each objective (fewer where the last days of training stop improving)."))
    learning_rate: float = Field(0.1, gt=0, description="LightGBM learning rate.")
    num_leaves: int = Field(15, ge=2, description="Leaves per tree.")
    reasons: int = Field(3, ge=1, description="Reasons kept per selected item.")
    seed: int = Field(0, description="Seed, so that a run can be repeated exactly.")


@dataclass
class Fitted:
    encoding: matrix.Encoding
    names: list[str]
    boosters: dict[str, Any] = field(default_factory=dict)  # "any", "rare" (absent: too few positives)
    totals: dict[str, Any] = field(default_factory=dict)  # party histories at the end of the fitted data
    base: dict[str, float] = field(default_factory=dict)
    train_matrix_sample: np.ndarray | None = None  # for drift
    train_scores_sample: np.ndarray | None = None
    note: str = ""

    @property
    def cold_start(self) -> bool:
        return not self.boosters


def lgb_params(cfg: TargetingConfig, rare: bool) -> dict[str, Any]:
    p: dict[str, Any] = {"objective": "binary", "learning_rate": cfg.learning_rate, "num_leaves": cfg.num_leaves,
                         "min_child_samples": 20, "feature_fraction": 0.9, "bagging_fraction": 0.8,
                         "bagging_freq": 1, "seed": cfg.seed, "deterministic": True, "num_threads": 2,
                         "verbose": -1, "max_bin": 63, "cat_smooth": 10}
    if rare:  # few positives: small, strongly regularized trees, so that a handful of finds is not memorized
        p.update({"num_leaves": min(cfg.num_leaves, 7), "min_child_samples": 200, "lambda_l2": 10.0,
                  "min_sum_hessian_in_leaf": 1.0})
    return p


def train_booster(x: np.ndarray, y: np.ndarray, names: list[str], cfg: TargetingConfig, rare: bool,
                  categorical: list[str], day: np.ndarray | None = None) -> Any:
    """One objective. Where ``day`` is given, the last 15 % of the training days are held out to
    stop boosting once they no longer improve (time-ordered again), then the model is used at
    its best round."""
    import lightgbm as lgb

    params = lgb_params(cfg, rare)
    if day is not None and len(np.unique(day)) >= 7:
        cut = np.quantile(day, 0.85)
        fit_rows, hold = day < cut, day >= cut
        if y[hold].sum() >= 5 and y[fit_rows].sum() >= 5:
            tr = lgb.Dataset(x[fit_rows], label=y[fit_rows], feature_name=names, categorical_feature=categorical,
                             free_raw_data=True)
            va = lgb.Dataset(x[hold], label=y[hold], reference=tr)
            return lgb.train(params, tr, num_boost_round=cfg.rounds, valid_sets=[va],
                             callbacks=[lgb.early_stopping(20, verbose=False)])
    data = lgb.Dataset(x, label=y, feature_name=names, categorical_feature=categorical, free_raw_data=True)
    return lgb.train(params, data, num_boost_round=cfg.rounds)


def split_day(df: pd.DataFrame, cfg: TargetingConfig) -> int:
    days = np.unique(df["day"].to_numpy())
    return int(days[min(len(days) - 1, max(1, int(len(days) * cfg.train_fraction)))]) if len(days) > 1 \
        else int(days[0]) + 1


def fit(df: pd.DataFrame, train: np.ndarray, cfg: TargetingConfig
        ) -> tuple[Fitted, np.ndarray, dict[str, np.ndarray]]:
    """Fit on the rows ``train`` (the earlier period) of ``df``; returns the model and the matrix
    and rule strengths of every row of ``df`` (histories of a later row use the earlier days of
    both periods: outcomes known by then)."""
    enc = matrix.fit_encoding(df[train], cfg.smoothing)
    x, names, rules, totals = matrix.build(df, enc)
    enc.names = names
    fitted = Fitted(enc, names, totals=totals)
    lab = train & df["inspected"].to_numpy(dtype=bool)
    y_any = df["label_any"].fillna(0).to_numpy(dtype=float)[lab]
    y_rare = df["label_rare"].fillna(0).to_numpy(dtype=float)[lab]
    cats = [c for c in CATEGORICAL if c in names]
    for key, y, rare in (("any", y_any, False), ("rare", y_rare, True)):
        if y.sum() < cfg.min_positives or y.sum() == len(y):
            fitted.note += (f"{key}: {int(y.sum())} positive of {len(y)} inspected items in training, a model needs "
                            f"{cfg.min_positives} (setting min_positives); ")
            continue
        fitted.boosters[key] = train_booster(x[lab], y, names, cfg, rare, cats, df["day"].to_numpy()[lab])
        fitted.base[key] = float(y.mean())
    rng = np.random.default_rng(cfg.seed)
    days = df["day"].to_numpy()
    rows = np.flatnonzero(train)  # drift compares with the latest training days: histories had grown by then
    rows = rows[days[rows] >= np.quantile(days[rows], 0.7)] if len(rows) else rows
    sample = rng.choice(rows, min(len(rows), 50_000), replace=False) if len(rows) else rows
    fitted.train_matrix_sample = x[sample]
    fitted.train_scores_sample = combined(fitted, x[sample], cfg)[0]
    if fitted.note:
        log.info("targeting: %s", fitted.note.strip("; "))
    return fitted, x, rules


def combined(fitted: Fitted, x: np.ndarray, cfg: TargetingConfig,
             rules: dict[str, np.ndarray] | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(combined score in [0, 1], per-objective probabilities)."""
    if fitted.cold_start:
        r = rules if rules is not None else {n: x[:, fitted.names.index(n)] for n in RULE_WEIGHTS}
        s = rule_score(r)
        return s, {"rules": s}
    probs = {k: np.asarray(b.predict(x), dtype=float) for k, b in fitted.boosters.items()}
    w = {"any": 1 - cfg.rare_weight, "rare": cfg.rare_weight}
    if len(probs) == 1:
        w = dict.fromkeys(probs, 1.0)
    lift = sum(w[k] * p / max(fitted.base[k], 1e-9) for k, p in probs.items())
    top = sum(w[k] / max(fitted.base[k], 1e-9) for k in probs)
    return np.asarray(lift / top, dtype=float), probs  # in [0, 1]: a lift of 1/base everywhere is the maximum


def select(df: pd.DataFrame, score: np.ndarray, capacity: float) -> tuple[np.ndarray, np.ndarray]:
    """(rank within the item's port and day, selected).

    Each port inspects k of its items: on a day with n items, its quota is its running total
    of k x n rounded, minus what earlier days used. A busy day gets its share, and a port with
    two crossings a day inspects one every few days instead of every crossing (which a per-day
    ceiling would make it do). Ties keep the items' order, so the same input gives the same queue.
    """
    import pandas as pd

    port, _ = pd.factorize(df["port"], use_na_sentinel=False)
    day = df["day"].to_numpy()
    d0 = int(day.min()) if len(day) else 0
    group = port.astype(np.int64) * (int(day.max()) - d0 + 1 if len(day) else 1) + (day - d0)
    g, uniq = pd.factorize(group, sort=True)  # sorted: a port's days are consecutive groups, in order
    order = np.lexsort((-score, g))
    sizes = np.bincount(g, minlength=len(uniq))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(len(g), dtype=np.int64)
    rank[order] = np.arange(len(g)) - starts[g[order]] + 1
    g_port = np.asarray(uniq) // (int(day.max()) - d0 + 1 if len(day) else 1)
    due = capacity * sizes
    cum = np.cumsum(due)
    first = np.r_[True, g_port[1:] != g_port[:-1]]
    base = np.maximum.accumulate(np.where(first, cum - due, 0.0))  # running total before each port's first day
    total = np.floor(cum - base + 0.5)
    quota = total - np.r_[0.0, total[:-1]]
    quota[first] = total[first]
    return rank, rank <= quota[g]


def contributions(fitted: Fitted, x: np.ndarray, cfg: TargetingConfig) -> np.ndarray:
    """SHAP contributions (log-odds) of the combined score: each objective's, by its weight."""
    if fitted.cold_start:
        idx = [fitted.names.index(n) for n in RULE_WEIGHTS]
        out = np.zeros_like(x)
        for i, n in zip(idx, RULE_WEIGHTS, strict=True):
            out[:, i] = -np.log1p(-np.clip(RULE_WEIGHTS[n] * x[:, i], 0, 0.999))
        return out
    w = {"any": 1 - cfg.rare_weight, "rare": cfg.rare_weight} if len(fitted.boosters) == 2 else \
        dict.fromkeys(fitted.boosters, 1.0)
    total = np.zeros_like(x)
    for k, b in fitted.boosters.items():
        total += w[k] * np.asarray(b.predict(x, pred_contrib=True), dtype=float)[:, :-1]
    return total


def reasons(fitted: Fitted, row: np.ndarray, contrib: np.ndarray, top: int) -> list[str]:
    """The strongest contributions in words: those that raised the score first (why inspect),
    then, if fewer than ``top`` did, the strongest that lowered it."""
    up = [i for i in np.argsort(-contrib) if contrib[i] > 0][:top]
    down = [i for i in np.argsort(contrib) if contrib[i] < 0][: top - len(up)]
    out = []
    for i in [*up, *down]:
        name = fitted.names[i]
        words, fmt = matrix.WORDS.get(name, (name, "{}"))
        v = row[i]
        if name in fitted.encoding.categories and not math.isnan(v):
            shown = fitted.encoding.categories[name][int(v)]
        elif isinstance(v, float) and math.isnan(v):
            shown = "unknown"
        else:
            shown = fmt.format(v)
        out.append(f"{words}: {shown}, {'raised' if contrib[i] > 0 else 'lowered'} the score ({contrib[i]:+.2f})")
    return out
