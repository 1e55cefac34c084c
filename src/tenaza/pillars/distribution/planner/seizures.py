"""Expected seizures: how many loads a configuration finds, from a precision-capacity curve.

A load is found when the targeting refers it to secondary inspection and the inspection finds
it, or when a non-intrusive (NII) scan shows an anomaly that secondary confirms. The share of
loads targeting refers at capacity k is the curve's recall(k): the targeting model's measured
curve where one is given, else the documented default recall(k) = k ** 0.5 (lift 10 at 1 %,
4.5 at 5 %, 3.2 at 10 %; an assumption, not a measurement). The number of loads is calibrated
so that the status quo (``BASELINE``) reproduces the Office of Field Operations' drug seizure
events on the Southwest border in FY2024 (CBP), shared among ports and conveyances by their
share of BTS crossings. The absolute figure is therefore indicative; the difference between two
configurations is what the planner is for.
"""

from __future__ import annotations

import bisect
import csv
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tenaza.errors import PlanError
from tenaza.pillars.distribution.planner.volume import Port, days_in_month, ports

# Status quo against which the number of loads is calibrated. NII shares: CBP's statements of
# about 2023 (about 17 % of commercial and 2 % of passenger vehicles scanned); targeting share:
# an assumption (3 % of trucks and 1 % of cars referred to secondary).
BASELINE = {"truck": {"nii_rate": 0.17, "capacity": 0.03}, "personal_vehicle": {"nii_rate": 0.02, "capacity": 0.01}}
SECONDARY_FINDS = 0.9  # share of loads a secondary inspection of a referred conveyance finds (assumption)
NII_DETECTS = 0.5  # share of loads a scan shows as an anomaly that secondary confirms (assumption)


@dataclass(frozen=True)
class Curve:
    """Recall of the dangerous class against the share inspected (capacity), both in [0, 1]."""

    capacity: tuple[float, ...]
    recall: tuple[float, ...]
    source: str

    def at(self, k: float) -> float:
        """Linear interpolation; recall(0) = 0 and recall(1) = 1."""
        xs = (0.0, *self.capacity, 1.0)
        ys = (0.0, *self.recall, 1.0)
        k = min(max(k, 0.0), 1.0)
        i = bisect.bisect_left(xs, k)
        if i == 0:
            return ys[0]
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (k - x0) / (x1 - x0)


def default_curve() -> Curve:
    ks = tuple(i / 100 for i in range(1, 100))
    return Curve(ks, tuple(k**0.5 for k in ks), "default recall(k) = k^0.5 (assumption)")


def load_curve(path: Path) -> Curve:
    """A curve written by the targeting evaluation: {"capacity": [...], "recall": [...]}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ks, rs = [float(x) for x in data["capacity"]], [float(x) for x in data["recall"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PlanError(f"{path}: not a precision-capacity curve (capacity and recall lists): {exc}") from exc
    if len(ks) != len(rs) or not ks or ks != sorted(ks) or any(not 0 <= v <= 1 for v in ks + rs):
        raise PlanError(f"{path}: capacity must be sorted, of the same length as recall, all in [0, 1]")
    return Curve(tuple(ks), tuple(rs), str(data.get("source", path.name)))


MIN_FINDS = 5  # dangerous finds a port needs for its own curve; fewer: the curve of every port


def workspace_curve(path: Path, port_code: str | None = None) -> Curve | None:
    """The targeting model's measured curve in a workspace (``inspection_scores`` of the last
    `tenaza target` run): rare-class recall when each port-day inspects its top k %, for the
    port where it has ``MIN_FINDS`` dangerous finds with outcomes, else over every port. None
    where the workspace has no scores with dangerous finds (the planner then says it uses the
    default curve)."""
    from tenaza.store.workspace import Workspace

    ks = (0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5)
    with Workspace.open(path, read_only=True) as ws:
        if not ws.count("inspection_scores"):
            return None
        sql = """
            WITH s AS (SELECT port_code, day, label_rare, rank, count(*) OVER (PARTITION BY port_code, day) AS n
                       FROM inspection_scores WHERE ($port IS NULL OR port_code = $port))
            SELECT sum(label_rare), {cols} FROM s WHERE label_rare IS NOT NULL"""
        cols = ", ".join(f"sum(CASE WHEN label_rare = 1 AND rank <= ceil({k} * n - 1e-9) THEN 1 ELSE 0 END)"
                         for k in ks)
        for port in ([port_code, None] if port_code else [None]):
            row = ws.backend.fetch("planner: targeting curve", sql.format(cols=cols), {"port": port})[0]
            total = int(row[0] or 0)
            if total >= MIN_FINDS:
                recall = [float(x or 0) / total for x in row[1:]]
                recall = [max(recall[: i + 1]) for i in range(len(recall))]
                where = f"port {port}" if port else "all ports"
                return Curve(ks, tuple(recall), f"targeting model in {path.name} ({where}, {total} dangerous finds)")
    return None


def detection(curve: Curve, capacity: float, nii_rate: float) -> float:
    """Probability that a load is found (targeting and NII taken as independent)."""
    return 1 - (1 - curve.at(capacity) * SECONDARY_FINDS) * (1 - nii_rate * NII_DETECTS)


def _ofo_events() -> int:
    text = (resources.files("tenaza") / "data" / "reference" / "cbp_swb_seizures_fy2024.csv").read_text("utf-8")
    return sum(int(r["events"]) for r in csv.DictReader(text.splitlines()) if r["component"] == "Office of Field Operations")


def loads(port: Port, conveyance: str, month: int, curve: Curve) -> float:
    """Expected loads crossing in the month, calibrated to FY2024 seizures at the status quo."""
    total = sum(sum(p.trucks) + sum(p.personal_vehicles) for p in ports().values())
    share = sum(port.trucks if conveyance == "truck" else port.personal_vehicles) / total
    base = BASELINE[conveyance]
    events_year = _ofo_events() * share
    month_share = port.volume(conveyance, month) / max(1, sum(port.trucks if conveyance == "truck"
                                                              else port.personal_vehicles))
    found = detection(curve, base["capacity"], base["nii_rate"])
    return events_year * month_share / found


def per_day(port: Port, conveyance: str, month: int) -> float:
    return port.volume(conveyance, month) / days_in_month(month)
