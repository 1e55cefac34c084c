"""Ranking any kind of entity without labels (purchasers, dealers, ...), with the account ranker's pieces.

``tenaza.rank.unsupervised`` ranks accounts; a pillar that ranks other subjects gives this module
a table of behavioural features per entity (one row each, with a peer kind and a volume of
activity) and the noisy-OR of the detectors' alerts on it. The score is the account ranker's:
peer groups of the same kind and volume band (``peer_groups``), robust z-scores within them
(``robust_z``), the percentile of an IsolationForest's anomaly score in that space, combined
as ``1 - (1 - alert_signal) * (1 - anomaly_weight * anomaly)``. The reasons name the alerts and
the features furthest from the peers, with the peers' median.

Where labels exist (``labels``), a gradient-boosted model is also fitted, out of fold (k folds
by entity: every entity's supervised score comes from a model that never saw it), and the
score is the mean of the unsupervised and supervised scores; the labels never score the
entity they belong to.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tenaza.rank.supervised import reproducible
from tenaza.rank.unsupervised import UnsupervisedConfig, peer_groups, robust_z

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class EntityFeature:
    name: str
    words: str  # how a reason names it
    fmt: str = "{:.0f}"


@dataclass
class EntityScores:
    score: np.ndarray
    unsupervised: np.ndarray  # the score without labels (alerts and peer anomaly)
    anomaly: np.ndarray
    supervised: np.ndarray | None
    reasons: list[list[str]]
    peer_groups: int = 0
    fallbacks: int = 0
    top_features: list[tuple[str, float]] = field(default_factory=list)


def score_entities(x: np.ndarray, kinds: list[str], volume: np.ndarray, alert: np.ndarray,
                   alert_words: list[list[str]], features: list[EntityFeature],
                   cfg: UnsupervisedConfig | None = None, labels: np.ndarray | None = None,
                   unit: str = "entities") -> EntityScores:
    """Scores of entities (rows of ``x``, one column per feature) against their peers and alerts.

    ``kinds`` and ``volume`` make the peer groups; ``alert`` is each entity's alert signal in
    [0, 1] and ``alert_words`` the alerts behind it, in words; ``labels`` (0/1, -1 unknown)
    add the out-of-fold supervised score where both classes have at least ``folds`` entities."""
    import numpy as np
    from sklearn.ensemble import IsolationForest  # type: ignore[import-untyped]  # no stubs shipped

    cfg = cfg or UnsupervisedConfig()
    x, alert = reproducible(x), reproducible(alert)  # the engine's order of a sum must not move a rank
    n = len(x)
    groups, group_words, fallbacks = peer_groups(kinds, volume, cfg)
    group_words = [w.replace("accounts", unit).replace("movements", "of activity") for w in group_words]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a feature unknown for a whole group: z 0
        z, med = robust_z(x, groups)
    anomaly = np.zeros(n)
    if n >= 2:
        forest = IsolationForest(n_estimators=cfg.trees, random_state=cfg.seed, n_jobs=1).fit(z)
        raw = -forest.score_samples(z)
        anomaly[raw.argsort(kind="mergesort")] = np.arange(n) / max(n - 1, 1)
    unsupervised = score = 1 - (1 - alert) * (1 - cfg.anomaly_weight * anomaly)
    supervised = _out_of_fold(np.column_stack([x, z, alert]), labels, cfg.seed) if labels is not None else None
    if supervised is not None:
        score = (score + supervised) / 2
    reasons = []
    for i in range(n):
        why = [f"alerts: {', '.join(alert_words[i])}"] if alert_words[i] else []
        for j in np.argsort(-np.abs(z[i]))[:cfg.reasons]:
            if abs(z[i, j]) >= 2:
                why.append(_reason(features[j], float(x[i, j]), float(med[i, j]), float(z[i, j])))
        if supervised is not None:
            why.append(f"supervised (out of fold) {supervised[i]:.2f}")
        why.append(f"peers: {group_words[i]}; anomaly percentile {anomaly[i]:.2f}")
        reasons.append(why)
    importance = np.abs(z).mean(axis=0) if n else np.zeros(len(features))
    top = [(features[j].name, round(float(importance[j]), 3)) for j in np.argsort(-importance)[:5]]
    return EntityScores(score, unsupervised, anomaly, supervised, reasons, len(set(groups.tolist())), fallbacks, top)


def _reason(f: EntityFeature, value: float, median: float, zval: float) -> str:
    shown = "unknown" if math.isnan(value) else f.fmt.format(value)
    side = "above" if zval > 0 else "below"
    return f"{f.words}: {shown}, {abs(zval):.1f} robust deviations {side} its peers (median {f.fmt.format(median)})"


def _out_of_fold(x: np.ndarray, labels: np.ndarray, seed: int, folds: int = 5) -> np.ndarray | None:
    """Each labelled entity's probability from a model fitted on the other folds; unlabelled
    entities get the mean of the fold models. None where a class has fewer than ``folds`` members."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

    known = np.flatnonzero(labels >= 0)
    y = labels[known]
    if min(int((y == 1).sum()), int((y == 0).sum())) < folds:
        return None
    out = np.zeros(len(x))
    unknown = np.flatnonzero(labels < 0)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(known, y):
        model = HistGradientBoostingClassifier(max_iter=100, random_state=seed).fit(x[known[train]], y[train])
        out[known[test]] = model.predict_proba(x[known[test]])[:, 1]
        if len(unknown):
            out[unknown] += model.predict_proba(x[unknown])[:, 1] / folds
    return out

