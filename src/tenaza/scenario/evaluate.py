"""Score the alerts of a workspace against a scenario's truth.

The unit is the alert subject (``account:<id>``, ``party:<id>``, ``decl:<id>`` ...), which the
truth carries for every illicit record. For a group of alerts (one detector; one detector and
typology; one typology; one pillar):

- an alert is a true positive when one of its subjects is in the group's truth set;
- precision is the share of true-positive alerts; precision@k the same among the k alerts with
  the highest scores;
- recall is the share of the group's truth subjects that some alert names, counting only the
  subject kinds the group's alerts use (a detector that names accounts is not blamed for
  missing transactions);
- F1 is their harmonic mean.

Typologies and pillars of the truth that no alert touches are listed too, with no alerts and
recall 0, so that gaps in coverage show. The truth set of a typology group is the truth rows of that typology; typologies the truth
does not name map through ALIASES (a mirror discrepancy is an under- or over-invoicing) or,
failing that, to every typology of the alert's pillar. A detector's overall group uses the
truth rows of its pillar. Entity subjects (``entity:E3``) stand for the party records resolution
put in the entity (``entity_members``), so an alert about an entity is right when one of its
records is illicit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tenaza.errors import TenazaError
from tenaza.scenario.plant.truth import TYPOLOGIES
from tenaza.store import Workspace

ALIASES = {
    "mirror_discrepancy": ("under_invoicing", "over_invoicing", "phantom_shipment"),
    "gather_scatter": ("fan_in", "fan_out"), "scatter_gather": ("fan_in", "fan_out"),
    "reused_conveyance": ("smuggling_load",), "multiple_sale": ("straw_purchase",),
}
DEFAULT_K = (10, 100)


@dataclass
class Score:
    level: str  # detector, detector/typology, typology, pillar
    name: str
    alerts: int
    true_alerts: int
    truth_subjects: int
    found_subjects: int
    precision: float
    recall: float
    f1: float
    precision_at: dict[int, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["precision_at"] = {str(k): v for k, v in self.precision_at.items()}
        return d


@dataclass(frozen=True)
class Alert:
    detector: str
    pillar: str
    typology: str
    score: float
    subjects: tuple[str, ...]


class TruthIndex:
    def __init__(self, path: Path | str) -> None:
        try:
            tab = pq.read_table(path, columns=["subject", "typology", "pillar"]).to_pydict()
        except (pa.ArrowException, OSError) as exc:
            raise TenazaError(f"{path}: not a truth file: a Parquet file with the columns subject, typology and "
                              f"pillar is expected ({str(exc).splitlines()[0]})") from exc
        self.by_typology: dict[str, set[str]] = defaultdict(set)
        self.by_pillar: dict[str, set[str]] = defaultdict(set)
        for s, t, p in zip(tab["subject"], tab["typology"], tab["pillar"], strict=True):
            self.by_typology[t].add(s)
            self.by_pillar[p].add(s)

    def for_typology(self, typology: str, pillar: str) -> set[str]:
        if typology in TYPOLOGIES:
            return self.by_typology.get(typology, set())
        if typology in ALIASES:
            return set().union(*(self.by_typology.get(t, set()) for t in ALIASES[typology]))
        return self.by_pillar.get(pillar, set())


def entity_parties(ws: Workspace) -> dict[str, tuple[str, ...]]:
    """``entity:<id>`` -> the ``party:<id>`` subjects of its members, from the last resolve run."""
    exists = ws.backend.scalar("evaluate: entity table?", "SELECT count(*) FROM information_schema.tables "
                               "WHERE table_name = 'entity_members'")
    if not exists:
        return {}
    out: dict[str, list[str]] = defaultdict(list)
    for entity, party in ws.backend.fetch("evaluate: entity members", "SELECT entity_id, party_id FROM entity_members"):
        out[f"entity:{entity}"].append(f"party:{party}")
    return {k: tuple(v) for k, v in out.items()}


def load_alerts(ws: Workspace) -> list[Alert]:
    """The alerts, with entity subjects replaced by their member parties (the truth knows parties)."""
    members = entity_parties(ws)
    rows = ws.backend.fetch("evaluate: read alerts",
                            "SELECT detector, pillar, typology, score, subjects FROM alerts")
    out = []
    for d, p, t, s, subj in rows:
        subjects = tuple(x for subject in subj or () for x in members.get(subject, (subject,)))
        out.append(Alert(str(d), str(p), str(t), float(s or 0.0), subjects))
    return out


def score_group(level: str, name: str, alerts: list[Alert], truth: set[str], ks: tuple[int, ...]) -> Score:
    kinds = {s.split(":", 1)[0] for a in alerts for s in a.subjects}
    relevant = {s for s in truth if s.split(":", 1)[0] in kinds}
    hits = [any(s in truth for s in a.subjects) for a in alerts]
    found = {s for a in alerts for s in a.subjects if s in relevant}
    precision = sum(hits) / len(alerts) if alerts else 0.0
    recall = len(found) / len(relevant) if relevant else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    ranked = [h for _, h in sorted(zip((a.score for a in alerts), hits, strict=True), key=lambda x: -x[0])]
    at = {k: sum(ranked[:k]) / min(k, len(ranked)) for k in ks if ranked}
    return Score(level, name, len(alerts), sum(hits), len(relevant), len(found), round(precision, 4),
                 round(recall, 4), round(f1, 4), {k: round(v, 4) for k, v in at.items()})


def evaluate_alerts(alerts: list[Alert], truth: TruthIndex, ks: tuple[int, ...] = DEFAULT_K) -> list[Score]:
    out: list[Score] = []
    groups: dict[tuple[str, str], list[Alert]] = defaultdict(list)
    for a in alerts:
        groups[("detector", a.detector)].append(a)
        groups[("detector/typology", f"{a.detector}/{a.typology}")].append(a)
        groups[("typology", a.typology)].append(a)
        groups[("pillar", a.pillar)].append(a)
    order = {"detector": 0, "detector/typology": 1, "typology": 2, "pillar": 3}
    for (level, name), group in sorted(groups.items(), key=lambda g: (order[g[0][0]], g[0][1])):
        first = group[0]
        if level == "detector" or level == "pillar":
            truth_set = truth.by_pillar.get(first.pillar, set())
        else:
            truth_set = truth.for_typology(first.typology, first.pillar)
        out.append(score_group(level, name, group, truth_set, ks))
    # What no alert touches at all: typologies and pillars of the truth with no alert.
    covered = {a.typology for a in alerts} | {t for a in alerts for t in ALIASES.get(a.typology, ())}
    for typology, subjects in sorted(truth.by_typology.items()):
        if typology not in covered:
            out.append(Score("typology", typology, 0, 0, len(subjects), 0, 0.0, 0.0, 0.0))
    for pillar, subjects in sorted(truth.by_pillar.items()):
        if pillar not in {a.pillar for a in alerts}:
            out.append(Score("pillar", pillar, 0, 0, len(subjects), 0, 0.0, 0.0, 0.0))
    return out


def evaluate(workspace: Path | str, truth_path: Path | str, ks: tuple[int, ...] = DEFAULT_K) -> list[Score]:
    with Workspace.open(workspace, read_only=True) as ws:
        alerts = load_alerts(ws)
    return evaluate_alerts(alerts, TruthIndex(truth_path), ks)
