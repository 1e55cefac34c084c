"""Precision-capacity curves and rare-class recall per port, measured on the later period.

At capacity k every port inspects the top ceil(k * n) of its n items of each day (the same
rule as the queue). Measured only on items with an outcome: precision is the share of
selected, inspected items with a violation; recall is the share of the period's violations
(or dangerous finds) that the selection contains.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tenaza.pillars.distribution.targeting.model import select

if TYPE_CHECKING:
    import pandas as pd

CAPACITIES = (0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5)
REPORTED = (0.01, 0.05, 0.1)


@dataclass
class Point:
    capacity: float
    inspected_share: float
    precision_any: float
    recall_any: float
    recall_rare: float | None
    found_rare: int
    rare: int


def point(df: pd.DataFrame, score: np.ndarray, k: float) -> Point:
    _, chosen = select(df, score, k)
    lab = df["inspected"].to_numpy(dtype=bool)
    y_any = df["label_any"].fillna(0).to_numpy(dtype=float) * lab
    y_rare = df["label_rare"].fillna(0).to_numpy(dtype=float) * lab
    sel_lab = chosen & lab
    rare = int(y_rare.sum())
    return Point(k, float(chosen.mean()) if len(chosen) else 0.0,
                 float(y_any[sel_lab].mean()) if sel_lab.any() else 0.0,
                 float(y_any[chosen].sum() / y_any.sum()) if y_any.sum() else 0.0,
                 float(y_rare[chosen].sum() / rare) if rare else None, int(y_rare[chosen].sum()), rare)


def curve(df: pd.DataFrame, score: np.ndarray, capacities: tuple[float, ...] = CAPACITIES) -> list[Point]:
    return [point(df, score, k) for k in capacities]


def per_port(df: pd.DataFrame, score: np.ndarray, capacities: tuple[float, ...] = REPORTED) -> list[dict[str, Any]]:
    """One row per port: items, violations, dangerous finds, precision and rare recall at each k."""
    rows = []
    ports = df["port"].fillna("?").to_numpy()
    for port in sorted(set(ports.tolist())):
        m = ports == port
        sub = df[m].reset_index(drop=True)
        row: dict[str, Any] = {"port": port, "items": int(m.sum()), "violations": int(sub["label_any"].fillna(0).sum()),
                               "dangerous": int(sub["label_rare"].fillna(0).sum())}
        for k in capacities:
            p = point(sub, score[m], k)
            row[f"precision@{k:.0%}"] = round(p.precision_any, 4)
            row[f"rare_recall@{k:.0%}"] = None if p.recall_rare is None else round(p.recall_rare, 4)
        rows.append(row)
    return rows


def write_curve(points: list[Point], path: Path, source: str) -> None:
    """The curve in the planner's format (planner/seizures.load_curve): recall of the rare class."""
    keep = [p for p in points if p.recall_rare is not None]
    ks, rs = [p.capacity for p in keep], [p.recall_rare or 0.0 for p in keep]
    rs = list(np.maximum.accumulate(np.asarray(rs, dtype=float))) if rs else []  # recall cannot fall as k grows
    path.write_text(json.dumps({"capacity": ks, "recall": [round(float(r), 4) for r in rs],
                                "precision_any": [round(p.precision_any, 4) for p in keep], "source": source},
                               indent=1), encoding="utf-8")


def plot(points: list[Point], path: Path, baseline: list[Point] | None = None, title: str = "") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2))
    ks = [100 * p.capacity for p in points]
    ax.plot(ks, [p.precision_any for p in points], "o-", label="precision, any violation")
    ax.plot(ks, [p.recall_rare or 0 for p in points], "s-", label="recall, dangerous class")
    if baseline:
        ax.plot(ks, [p.precision_any for p in baseline], "o--", alpha=0.6, label="baseline precision")
        ax.plot(ks, [p.recall_rare or 0 for p in baseline], "s--", alpha=0.6, label="baseline rare recall")
    ax.set_xscale("log")
    ax.set_xlabel("inspected per port and day (%)")
    ax.set_ylim(0, 1)
    ax.set_title(title or "precision-capacity curve (later period)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
