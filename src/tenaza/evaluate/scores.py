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

Labels of the user's own data (``evaluate_labels``: the label sources of ``tenaza rank``,
tenaza.rank.labels) say which transactions or accounts are laundering, not which typology:
every group is scored against the same set. Transaction labels (``Is Laundering``) are matched
with the alerts' evidence rows (an alert is right when one of its transactions is labelled
laundering; recall is the share of labelled transactions some alert cites); account labels
(``isFraud``, a truth file of accounts, dispositions) with the alerts' subject accounts. The
account ranking (``account_scores``, written by ``tenaza rank``) is scored against the
accounts' labels, or against the accounts a labelled transaction touches: average precision
and ROC AUC over the labelled accounts, unscored ones last, the ranker's training rows left out.

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


@dataclass
class RankingScore:
    """The account ranking against labels: average precision and ROC AUC."""

    label_source: str
    accounts: int  # labelled accounts ranked
    positives: int
    scored: int  # of them, with a score of the ranker
    rows: str  # which rows of account_scores were used
    average_precision: float | None
    auc: float | None

    @property
    def base_rate(self) -> float:
        return self.positives / self.accounts if self.accounts else 0.0

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "base_rate": round(self.base_rate, 4)}


@dataclass
class LabelEvaluation:
    label_source: str
    level: str  # transactions or accounts
    labelled: int
    positives: int
    scores: list[Score]
    ranking: RankingScore | None
    alerts_outside: int  # alerts the labels cannot judge (no evidence row or subject of the labelled kind)

    def as_dict(self) -> dict[str, object]:
        return {"label_source": self.label_source, "level": self.level, "labelled": self.labelled,
                "positives": self.positives, "alerts_outside": self.alerts_outside,
                "scores": [x.as_dict() for x in self.scores],
                "ranking": self.ranking.as_dict() if self.ranking else None}


def average_precision(y: list[int], s: list[float]) -> float | None:
    """Average precision: precision at each distinct score threshold, weighted by the recall it adds
    (tied scores form one threshold, as in scikit-learn's average_precision_score)."""
    pos = sum(y)
    if not pos:
        return None
    pairs = sorted(zip(s, y, strict=True), key=lambda p: -p[0])
    ap, tp, seen, i = 0.0, 0, 0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        gained = sum(lbl for _, lbl in pairs[i:j])
        tp, seen = tp + gained, seen + (j - i)
        ap += gained / pos * tp / seen
        i = j
    return ap


def score_labelled(alerts: list[Alert], truth: set[str], ks: tuple[int, ...] = DEFAULT_K) -> list[Score]:
    """Every group (detector, detector/typology, typology, pillar) against one truth set."""
    groups: dict[tuple[str, str], list[Alert]] = defaultdict(list)
    for a in alerts:
        for key in (("detector", a.detector), ("detector/typology", f"{a.detector}/{a.typology}"),
                    ("typology", a.typology), ("pillar", a.pillar)):
            groups[key].append(a)
    order = {"detector": 0, "detector/typology": 1, "typology": 2, "pillar": 3}
    return [score_group(level, name, group, truth, ks)
            for (level, name), group in sorted(groups.items(), key=lambda g: (order[g[0][0]], g[0][1]))]


def _evidence_alerts(ws: Workspace) -> list[Alert]:
    """The alerts with their transaction evidence rows as subjects (``record:<record id>``)."""
    d = ws.backend.dialect
    rows = ws.backend.fetch("evaluate: alerts and their transaction evidence", f"""
        SELECT x.detector, x.pillar, x.typology, x.score,
               {d.list_agg('x.ev', where="l.target_table = 'transactions'")} AS txn_evidence
        FROM (SELECT alert_id, detector, pillar, typology, score, {d.explode('evidence')} AS ev FROM alerts) AS x
        LEFT JOIN ingest_log AS l ON l.ingest_id = TRY_CAST(split_part(x.ev, ':', 1) AS BIGINT)
        GROUP BY x.alert_id, x.detector, x.pillar, x.typology, x.score""")
    return [Alert(str(d), str(p), str(t), float(sc or 0.0), tuple(f"record:{e}" for e in ev or ()))
            for d, p, t, sc, ev in rows]


def _ranking(ws: Workspace, source: str, level: str) -> RankingScore | None:
    """account_scores against the accounts' labels (of accounts, or of the transactions they made
    or received); the supervised ranker's training rows are left out."""
    from tenaza.rank.labels import ACCOUNT_LABELS, LABELS
    from tenaza.rank.supervised import auc

    if not ws.backend.scalar("evaluate: scores?", "SELECT count(*) FROM account_scores"):
        return None
    if level == "accounts":
        labelled = f"SELECT account_id, bool_or(positive) AS positive FROM {ACCOUNT_LABELS} GROUP BY account_id"
    else:
        labelled = f"""SELECT account_id, bool_or(positive) AS positive FROM (
            SELECT t.from_account AS account_id, l.positive FROM transactions AS t JOIN {LABELS} AS l USING (txn_id)
            UNION ALL
            SELECT t.to_account, l.positive FROM transactions AS t JOIN {LABELS} AS l USING (txn_id))
            WHERE account_id IS NOT NULL GROUP BY account_id"""
    splits = [str(r[0]) for r in ws.backend.fetch("evaluate: score splits",
                                                   "SELECT DISTINCT split FROM account_scores")]
    kept = [x for x in splits if x != "train"] or splits
    # an account the ranker learnt from and did not score afterwards (a split by account) is left out
    kept_split = ws.backend.dialect.array_contains("$splits", "split")
    rows = ws.backend.fetch("evaluate: ranking against labels", f"""
        WITH lab AS ({labelled}),
        sc AS (SELECT account_id, max(score) AS score FROM account_scores WHERE {kept_split}
               GROUP BY account_id),
        learnt AS (SELECT DISTINCT account_id FROM account_scores WHERE split = 'train' AND NOT {kept_split})
        SELECT CAST(lab.positive AS INTEGER), sc.score FROM lab LEFT JOIN sc USING (account_id)
        WHERE sc.score IS NOT NULL OR lab.account_id NOT IN (SELECT account_id FROM learnt)""",
                            {"splits": kept})
    if not rows:
        return None
    import numpy as np

    y = [int(r[0]) for r in rows]
    s = [float(r[1]) if r[1] is not None else -1.0 for r in rows]  # unscored accounts rank last
    scored = sum(1 for r in rows if r[1] is not None)
    roc = auc(np.array(y), np.array(s))
    ap = average_precision(y, s)
    return RankingScore(source, len(rows), sum(y), scored, "+".join(sorted(kept)),
                        None if ap is None else round(ap, 4), None if roc is None else round(roc, 4))


def evaluate_labels(workspace: Path | str, spec: str, ks: tuple[int, ...] = DEFAULT_K) -> LabelEvaluation:
    """Alerts and the account ranking against labels named as for ``tenaza rank --labels``."""
    from tenaza.rank.labels import ACCOUNT_LABELS, LABELS, from_spec

    with Workspace.open(workspace, read_only=True) as ws:
        labels = from_spec(ws, spec)
        if not labels.labelled:
            raise TenazaError(f"--labels {spec}: no labels found ({labels.source}); name the column that holds them, "
                              "e.g. transactions:'Is Laundering' or accounts:isFraud")
        if labels.level == "accounts":
            truth = {f"account:{a}" for (a,) in ws.backend.fetch(
                "evaluate: positive accounts", f"SELECT DISTINCT account_id FROM {ACCOUNT_LABELS} WHERE positive")}
            alerts = [a for a in load_alerts(ws) if any(x.startswith("account:") for x in a.subjects)]
            every = ws.backend.scalar("evaluate: alerts", "SELECT count(*) FROM alerts")
        else:
            truth = {f"record:{r}" for (r,) in ws.backend.fetch("evaluate: positive transactions", f"""
                SELECT DISTINCT CAST(t.ingest_id AS STRING) || ':' || CAST(t.source_row AS STRING)
                FROM transactions AS t JOIN {LABELS} AS l USING (txn_id) WHERE l.positive""")}
            alerts = [a for a in _evidence_alerts(ws) if a.subjects]
            every = ws.backend.scalar("evaluate: alerts", "SELECT count(*) FROM alerts")
        ranking = _ranking(ws, labels.source, labels.level)
    return LabelEvaluation(labels.source, labels.level, labels.labelled, labels.positives,
                           score_labelled(alerts, truth, ks), ranking, int(every or 0) - len(alerts))
