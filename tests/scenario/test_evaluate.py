from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tenaza.scenario.evaluate import evaluate
from tenaza.scenario.plant.truth import SCHEMA
from tenaza.store import Workspace

TRUTH = [  # table, key, typology, pillar
    ("accounts", "A1", "structuring", "cash"), ("accounts", "A2", "structuring", "cash"),
    ("accounts", "A3", "funnel_account", "cash"), ("transactions", "T1", "structuring", "cash"),
    ("trade_declarations", "D1", "under_invoicing", "cash"), ("parties", "P1", "straw_purchase", "weapons"),
]
KIND = {"accounts": "account", "transactions": "txn", "trade_declarations": "decl", "parties": "party"}


@pytest.fixture
def truth(tmp_path: Path) -> Path:
    rows = [{"table": t, "key": k, "subject": f"{KIND[t]}:{k}", "typology": ty, "pillar": p, "organization": "ORG-01",
             "role": None, "case_id": i} for i, (t, k, ty, p) in enumerate(TRUTH)]
    path = tmp_path / "truth.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path)
    return path


def _alert(ws: Workspace, i: int, detector: str, pillar: str, typology: str, score: float, subjects: list[str]) -> None:
    ws.backend.execute("test alert", "INSERT INTO alerts (alert_id, detector, pillar, typology, score, subjects, "
                       "evidence, explanation, created_at, releasable_to) VALUES ($id, $d, $p, $t, $s, $subj, [], "
                       "'test', now(), ['USA'])", {"id": f"a{i}", "d": detector, "p": pillar, "t": typology,
                                                    "s": score, "subj": subjects})


def test_scores_per_detector_typology_and_pillar(ws: Workspace, truth: Path) -> None:
    _alert(ws, 1, "structuring", "cash", "structuring", 0.9, ["account:A1"])
    _alert(ws, 2, "structuring", "cash", "structuring", 0.8, ["account:A9"])  # a false positive
    _alert(ws, 3, "structuring", "cash", "structuring", 0.2, ["account:A3"])  # illicit, but funnel, not structuring
    _alert(ws, 4, "mirror", "cash", "mirror_discrepancy", 0.5, ["decl:D1", "decl:D7"])
    ws.close()
    scores = {(s.level, s.name): s for s in evaluate(ws.path, truth, ks=(1, 2))}
    det = scores[("detector", "structuring")]
    assert (det.alerts, det.true_alerts, det.precision) == (3, 2, 0.6667)
    assert det.truth_subjects == 3 and det.found_subjects == 2  # accounts of the cash pillar only, not T1 or D1
    assert det.precision_at == {1: 1.0, 2: 0.5}
    typ = scores[("typology", "structuring")]
    assert (typ.precision, typ.recall) == (0.3333, 0.5)
    assert typ.f1 == pytest.approx(2 * 0.3333 * 0.5 / 0.8333, abs=1e-3)
    mirror = scores[("detector/typology", "mirror/mirror_discrepancy")]
    assert (mirror.precision, mirror.recall) == (1.0, 1.0)  # mirror discrepancy counts as under-invoicing
    assert scores[("pillar", "cash")].alerts == 4
    missed = scores[("pillar", "weapons")]  # no alert at all: listed, with what was missed
    assert (missed.alerts, missed.recall, missed.truth_subjects) == (0, 0.0, 1)
    assert scores[("typology", "funnel_account")].alerts == 0


def test_no_alerts_everything_missed(ws: Workspace, truth: Path) -> None:
    ws.close()
    scores = evaluate(ws.path, truth)
    assert {s.name for s in scores if s.level == "pillar"} == {"cash", "weapons"}
    assert all(s.alerts == 0 and s.recall == 0.0 for s in scores)


def test_entity_subjects_stand_for_their_member_parties(ws: Workspace, truth: Path) -> None:
    for entity, party in (("E1", "P1"), ("E1", "P5"), ("E2", "P9")):
        ws.backend.execute("member", "INSERT INTO entity_members (entity_id, record_id, party_id, joined_by, run_id) "
                           "VALUES ($e, $r, $p, 'model', 'r1')", {"e": entity, "r": f"1:{party}", "p": party})
    _alert(ws, 1, "straw", "weapons", "straw_purchase", 0.9, ["entity:E1"])
    _alert(ws, 2, "straw", "weapons", "straw_purchase", 0.5, ["entity:E2"])
    ws.close()
    scores = {(s.level, s.name): s for s in evaluate(ws.path, truth)}
    straw = scores[("typology", "straw_purchase")]
    assert (straw.true_alerts, straw.precision, straw.recall) == (1, 0.5, 1.0)


def test_a_truth_file_that_is_not_parquet_is_one_error_naming_it(tmp_path: Path) -> None:
    from tenaza.errors import TenazaError
    from tenaza.scenario.evaluate import TruthIndex

    bad = tmp_path / "truth.csv"
    bad.write_text("subject,typology,pillar\naccount:A1,structuring,cash\n", encoding="utf-8")
    with pytest.raises(TenazaError, match=r"truth.csv: not a truth file: a Parquet file with the columns"):
        TruthIndex(bad)
