"""Train, score and measure in one pass over a targeting frame (any loader's).

The earlier days train the model, the later days are scored and measured, which is how the
queue is used: trained on the past, ranking the present. Each later port-day's top
``capacity`` items are selected, and each selected item carries its reasons.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tenaza.errors import TargetingError
from tenaza.pillars.distribution.targeting import drift, evaluate
from tenaza.pillars.distribution.targeting.frame import prepare
from tenaza.pillars.distribution.targeting.model import (
    Fitted,
    TargetingConfig,
    combined,
    contributions,
    fit,
    reasons,
    select,
    split_day,
)

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("tenaza")


@dataclass
class TargetingRun:
    fitted: Fitted
    frame: pd.DataFrame  # the later period, prepared
    score: np.ndarray
    probabilities: dict[str, np.ndarray]
    rank: np.ndarray
    selected: np.ndarray
    reasons: dict[int, list[str]]  # row of frame -> reasons (selected rows only)
    split_date: str
    train_rows: int
    curve: list[evaluate.Point] = field(default_factory=list)
    ports: list[dict[str, Any]] = field(default_factory=list)
    drift: list[drift.Shift] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        return "rules (cold start)" if self.fitted.cold_start else "+".join(sorted(self.fitted.boosters))


def run(raw: pd.DataFrame, cfg: TargetingConfig | None = None, *, explain: bool = True) -> TargetingRun:
    cfg = cfg or TargetingConfig()
    t0 = time.perf_counter()
    df = prepare(raw)
    if df.empty:
        raise TargetingError("no items to target: the frame is empty")
    if not df["inspected"].any():  # cold start: no outcome anywhere, the rules rank every item
        log.warning("targeting: none of %d items has an inspection outcome; the queue comes from the rules "
                    "(cold start) and nothing can be measured", len(df))
        cut = int(df["day"].min())
        train = np.zeros(len(df), bool)
        fitted, x, _ = fit(df, np.ones(len(df), bool), cfg)
        out = score(fitted, df, x, cfg, explain=explain)
        out.split_date = str(np.datetime64(cut, "D"))
        out.seconds = {"score": time.perf_counter() - t0}
        return out
    cut = split_day(df, cfg)
    train = df["day"].to_numpy() < cut
    if not train.any() or train.all():
        raise TargetingError(f"a time-ordered split needs two or more days; all {len(df)} items are on one side "
                             f"(setting train_fraction={cfg.train_fraction})")
    fitted, x, _ = fit(df, train, cfg)
    t1 = time.perf_counter()
    later = ~train
    out = score(fitted, df[later].reset_index(drop=True), x[later], cfg, explain=explain)
    out.split_date = str(np.datetime64(int(cut), "D"))
    out.train_rows = int(train.sum())
    out.seconds = {"train": t1 - t0, "score": time.perf_counter() - t1}
    if out.frame["inspected"].any():
        out.curve = evaluate.curve(out.frame, out.score)
        out.ports = evaluate.per_port(out.frame, out.score)
    out.drift = drift.compare(fitted, x[later], out.score)
    n_lab = int(out.frame["inspected"].sum())
    if n_lab == 0:
        log.warning("targeting: no item of the later period (from %s) has an outcome; the curve is not measured",
                    out.split_date)
    return out


def score_new(fitted: Fitted, raw: pd.DataFrame, cfg: TargetingConfig | None = None, *, explain: bool = True
              ) -> TargetingRun:
    """Score items that arrived after the fitted data: their party histories continue the
    fitted data's (``Fitted.totals``), so inspection results loaded since count."""
    from tenaza.pillars.distribution.targeting import matrix

    cfg = cfg or TargetingConfig()
    t0 = time.perf_counter()
    df = prepare(raw)
    x, _, _, _ = matrix.build(df, fitted.encoding, before=fitted.totals)
    out = score(fitted, df, x, cfg, explain=explain)
    out.seconds = {"score": time.perf_counter() - t0}
    out.drift = drift.compare(fitted, x, out.score)
    return out


def score(fitted: Fitted, df: pd.DataFrame, x: np.ndarray, cfg: TargetingConfig, *, explain: bool = True
          ) -> TargetingRun:
    s, probs = combined(fitted, x, cfg)
    rank, chosen = select(df, s, cfg.capacity)
    why: dict[int, list[str]] = {}
    if explain and chosen.any():
        rows = np.flatnonzero(chosen)
        contrib = contributions(fitted, x[rows], cfg)
        why = {int(r): reasons(fitted, x[r], contrib[i], cfg.reasons) for i, r in enumerate(rows)}
    return TargetingRun(fitted, df, s, probs, rank, chosen, why, "", 0)
