"""Drift: has the traffic scored now moved away from the traffic the model learnt from?

For every feature and for the score, the population stability index (PSI) between the
training sample and the recent items, on ten bins of the training quantiles (missing values a
bin of their own). The usual reading: below 0.1 stable, 0.1 to 0.25 a moderate shift, above
0.25 a shift that calls for retraining (``RETRAIN``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tenaza.pillars.distribution.targeting.model import Fitted

WATCH, RETRAIN = 0.1, 0.25


@dataclass(frozen=True)
class Shift:
    feature: str
    psi: float

    @property
    def verdict(self) -> str:
        return "retrain" if self.psi > RETRAIN else "watch" if self.psi > WATCH else "stable"


def psi(expected: np.ndarray, actual: np.ndarray, bins: int = 10) -> float:
    e, a = expected[~np.isnan(expected)], actual[~np.isnan(actual)]
    if len(e) == 0 or len(actual) == 0:
        return 0.0
    edges = np.unique(np.quantile(e, np.linspace(0, 1, bins + 1)[1:-1]))
    pe = np.append(np.bincount(np.searchsorted(edges, e, side="right"), minlength=len(edges) + 1),
                   np.isnan(expected).sum()) / len(expected)
    pa = np.append(np.bincount(np.searchsorted(edges, a, side="right"), minlength=len(edges) + 1),
                   np.isnan(actual).sum()) / len(actual)
    pe, pa = np.clip(pe, 1e-4, None), np.clip(pa, 1e-4, None)
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def compare(fitted: Fitted, x_recent: np.ndarray, score_recent: np.ndarray) -> list[Shift]:
    """PSI of the score and of every feature, largest first."""
    if fitted.train_matrix_sample is None or fitted.train_scores_sample is None or len(x_recent) == 0:
        return []
    if len(x_recent) > 50_000:  # a sample measures a distribution as well, in a fraction of the time
        pick = np.random.default_rng(0).choice(len(x_recent), 50_000, replace=False)
        x_recent, score_recent = x_recent[pick], score_recent[pick]
    out = [Shift("score", psi(fitted.train_scores_sample, score_recent))]
    out += [Shift(n, psi(fitted.train_matrix_sample[:, j], x_recent[:, j])) for j, n in enumerate(fitted.names)]
    return sorted(out, key=lambda s: -s.psi)


def summary(shifts: list[Shift]) -> str:
    """One sentence: whether to retrain, and the features that moved most."""
    if not shifts:
        return "drift not measured (no training sample or no recent items)"
    worst = [s for s in shifts if s.verdict != "stable"][:3]
    score = next(s for s in shifts if s.feature == "score")
    if not worst:
        return f"stable: score PSI {score.psi:.3f}, no feature above {WATCH}"
    verdict = "retrain" if any(s.verdict == "retrain" for s in worst) else "watch"
    return f"{verdict}: score PSI {score.psi:.3f}; most shifted: " + ", ".join(f"{s.feature} {s.psi:.2f}" for s in worst)
