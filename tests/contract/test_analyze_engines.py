"""`tenaza analyze` on both engines: the whole analysis, as a user runs it, gives the same alerts.

The detector contract (test_engines.py) runs each detector on its own. This runs the command:
`tenaza analyze WS` on DuckDB (rates, entities, screening hits, every detector, the inspection
queue, indicators), then `tenaza --engine spark analyze` on a copy, which runs what is ported
(resolve, screening, every detector, the queue, and the indicator load, which finds DuckDB's
indicators in the Parquet copy and loads nothing again) and names what it does not
(tests/contract/test_outcomes_engines.py compares an indicator load on both engines). The
entities must agree (the same partition of the party records), the screening hits (the same ids,
scores within 1e-6 and explanations; tests/contract/test_screen_engines.py compares many more)
and every detector's alerts: the same ids, and scores within 1e-6.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.analyze import analyze
from tenaza.store import Workspace
from tenaza.store.ported import DUCKDB_ONLY_STEPS

from .worlds import copy_of, tiny_world

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark")

TOLERANCE = 1e-6


def _alerts(ws: Workspace) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for detector, alert_id, score in ws.backend.fetch("alerts", "SELECT detector, alert_id, score FROM alerts"):
        out.setdefault(str(detector), {})[str(alert_id)] = float(score)
    return out


def _hits(ws: Workspace) -> dict[str, tuple[float, str]]:
    rows = ws.backend.fetch("hits", "SELECT hit_id, CAST(score AS DOUBLE), explanation FROM screening_hits")
    return {str(h): (float(s), str(e)) for h, s, e in rows}


def _entities(ws: Workspace) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for entity, record in ws.backend.fetch("entities", "SELECT entity_id, record_id FROM entity_members"):
        groups.setdefault(str(entity), set()).add(str(record))
    return {frozenset(g) for g in groups.values()}


def test_analyze_gives_the_same_alerts_on_duckdb_and_spark(tmp_path: Path) -> None:
    path = tiny_world(tmp_path)
    with Workspace.open(path, engine="duckdb") as ws:
        duck_report = analyze(ws)
        duck = _alerts(ws)
        duck_entities = _entities(ws)
        duck_hits = _hits(ws)
    # Spark writes its own entities, hits, alerts and queue
    copy = copy_of(path, "spark-copy.duckdb",
                   cleared=("alerts", "inspection_scores", "entity_members", "entities", "screening_hits"))
    with Workspace.open(copy, engine="spark:local[1]") as ws:
        spark_report = analyze(ws)
        spark = _alerts(ws)
        spark_entities = _entities(ws)
        spark_hits = _hits(ws)
    steps = {s.step: s for s in spark_report.steps}
    for name in DUCKDB_ONLY_STEPS:  # named as not run, never attempted
        assert steps[name].skipped and "not ported to Spark" in steps[name].summary
    assert not steps["detect"].skipped and "not ported" not in steps["detect"].summary
    assert not steps["target"].skipped, steps["target"].summary
    assert not steps["resolve"].skipped, steps["resolve"].summary
    assert not steps["screen"].skipped and "hits" in steps["screen"].summary, steps["screen"].summary
    assert not steps["outcomes"].skipped and "indicator rows" in steps["outcomes"].summary
    assert len(duck_entities) > 100 and any(len(e) > 1 for e in duck_entities)
    assert spark_entities == duck_entities
    assert duck_hits, "the tiny world's list hits no party on DuckDB: no hit is compared"
    assert sorted(spark_hits) == sorted(duck_hits)
    for hit_id, (score, explanation) in duck_hits.items():
        assert spark_hits[hit_id][0] == pytest.approx(score, abs=TOLERANCE), hit_id
        assert spark_hits[hit_id][1] == explanation, hit_id
    assert {s.step for s in duck_report.steps if not s.skipped} >= {"detect", "target", "resolve"}
    assert sum(map(len, duck.values())) > 100 and "distribution_inspection_target" in duck
    assert sorted(spark) == sorted(duck)
    for detector, alerts in duck.items():
        assert sorted(spark[detector]) == sorted(alerts), detector
        for alert_id, score in alerts.items():
            assert spark[detector][alert_id] == pytest.approx(score, abs=TOLERANCE), (detector, alert_id)
