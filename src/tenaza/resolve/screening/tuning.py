"""Measure screening on the labelled pairs and choose the threshold by the figures.

Every query of ``screening_pairs.csv`` is screened against the shipped list in a scratch
workspace; a pair counts as a hit when its entry is hit at or above the threshold. For each
threshold the measure gives recall (share of label-1 pairs hit) and the false-positive rate
(share of label-0 pairs hit). ``choose`` takes the highest recall whose false-positive rate
stays within the budget, and among equal recalls the higher threshold.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from tenaza.resolve.engine import scratch
from tenaza.resolve.screening.matcher import ScreeningConfig
from tenaza.resolve.screening.pairs import PAIRS, SDN, Pair, read
from tenaza.resolve.screening.screen import score_all
from tenaza.resolve.screening.versions import load
from tenaza.store import Workspace

GRID = tuple(round(0.5 + 0.02 * i, 2) for i in range(25))


@dataclass(frozen=True)
class Point:
    threshold: float
    recall: float
    false_positive_rate: float
    true_positives: int
    false_positives: int
    positives: int
    negatives: int


def pair_scores(pairs: list[Pair], list_path: Path = SDN, config: ScreeningConfig | None = None) -> list[float]:
    """The best score each pair's query gets against the pair's entry (0 when not a candidate)."""
    config = config or ScreeningConfig()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.create(Path(tmp) / "tune.duckdb")
        try:
            b = ws.backend
            now = datetime.now(UTC).replace(tzinfo=None)
            cols = {str(r[0]) for r in b.fetch("cols", "DESCRIBE ingest_log")}
            row = {"ingest_id": 1, "target_table": "parties", "source": "pairs", "path": "pairs",
                   "content_sha256": "pairs", "file_format": "csv", "rows_read": len(pairs),
                   "rows_accepted": len(pairs), "rows_quarantined": 0, "values_repaired": 0, "ids_flagged": 0,
                   "originator": "TENAZA", "releasable_to": ["MEX", "USA"], "started_at": now, "seconds": 0,
                   "content_bytes": 0}
            row = {k: v for k, v in row.items() if k in cols}
            b.execute("log", f"INSERT INTO ingest_log ({', '.join(row)}) VALUES ({', '.join('$' + k for k in row)})", row)
            data: dict[str, list[object]] = {
                "party_id": [str(i) for i in range(len(pairs))], "kind": [p.query_kind for p in pairs],
                "name": [p.query_name for p in pairs], "dob": [p.query_dob or None for p in pairs],
                "country": [p.query_country or None for p in pairs],
                "curp": [p.query_id[5:] if p.query_id.startswith("curp:") else None for p in pairs],
                "rfc": [p.query_id[4:] if p.query_id.startswith("rfc:") else None for p in pairs],
                "ingest_id": [1] * len(pairs), "source_row": list(range(2, len(pairs) + 2))}
            with b.arrow_relation("pairs_in", pa.table(data)) as rel:
                b.execute("pairs", f"INSERT INTO parties_rows ({', '.join(data)}) SELECT {', '.join(data)} FROM {rel}")
            version, _ = load(ws, list_path)
            with scratch(b) as sx:
                score_all(sx, version.list_name, config)
                best = {(str(r[0]), str(r[1])): float(r[2]) for r in sx.fetch(
                    "SELECT record_id, entry_id, max(score) FROM s_scored GROUP BY ALL", step="screen tune")}
        finally:
            ws.close()
    return [best.get((f"1:{i + 2}", p.entry_id), 0.0) for i, p in enumerate(pairs)]


def measure(pairs: list[Pair], scores: list[float], grid: tuple[float, ...] = GRID) -> list[Point]:
    positives = sum(p.label for p in pairs)
    negatives = len(pairs) - positives
    out = []
    for t in grid:
        tp = sum(1 for p, s in zip(pairs, scores, strict=True) if p.label == 1 and s >= t)
        fp = sum(1 for p, s in zip(pairs, scores, strict=True) if p.label == 0 and s >= t)
        out.append(Point(t, tp / positives if positives else 0.0, fp / negatives if negatives else 0.0,
                         tp, fp, positives, negatives))
    return out


def choose(points: list[Point], max_false_positive_rate: float = 0.05) -> Point:
    ok = [p for p in points if p.false_positive_rate <= max_false_positive_rate] or [max(points, key=lambda p: p.threshold)]
    return max(ok, key=lambda p: (p.recall, p.threshold))


def tune(path: Path = PAIRS, max_false_positive_rate: float = 0.05,
         config: ScreeningConfig | None = None) -> tuple[Point, list[Point]]:
    pairs = read(path)
    points = measure(pairs, pair_scores(pairs, config=config))
    return choose(points, max_false_positive_rate), points
