from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tenaza.evaluate.scores import evaluate
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
    from tenaza.evaluate.scores import TruthIndex

    bad = tmp_path / "truth.csv"
    bad.write_text("subject,typology,pillar\naccount:A1,structuring,cash\n", encoding="utf-8")
    with pytest.raises(TenazaError, match=r"truth.csv: not a truth file: a Parquet file with the columns"):
        TruthIndex(bad)


# -- your own labels: the label sources of tenaza rank, on the research layouts ----------------------------

IBM_HEADER = ("Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,"
              "Payment Currency,Payment Format,Is Laundering\n")


def _ibm_row(day: str, frm: str, to: str, amount: float, bad: int, fmt: str = "ACH") -> str:
    return f"{day},011,{frm},020,{to},{amount:.2f},US Dollar,{amount:.2f},US Dollar,{fmt},{bad}\n"


@pytest.fixture
def labelled(ws: Workspace, tmp_path: Path) -> Path:
    """IBM AML transactions with Is Laundering, and AMLSim nodes with isFraud for the same accounts:
    a laundering fan-in into HUB, an honest one into DECOY (a false alarm), and three laundering
    transfers X1 -> X2 too small for any detector (missed)."""
    from importlib import resources

    from tenaza.ingest import ingest_file

    layouts = Path(str(resources.files("tenaza") / "data" / "layouts"))
    rows = [_ibm_row("2022/07/01 09:00", "N1", "N2", 5_000, 0), _ibm_row("2022/12/30 09:00", "N2", "N1", 5_000, 0)]
    rows += [_ibm_row(f"2022/09/01 1{i}:00", f"M{i}", "HUB", 4_500, 1) for i in range(8)]
    rows += [_ibm_row(f"2022/10/03 1{i}:00", f"C{i}", "DECOY", 4_800, 0) for i in range(8)]
    rows += [_ibm_row(f"2022/11/0{1 + i} 10:00", "X1", "X2", 40, 1) for i in range(3)]
    path = tmp_path / "HI-Tiny_Trans.csv"
    path.write_text(IBM_HEADER + "".join(rows), encoding="utf-8")
    marks = {"originator": "RESEARCH", "releasable_to": ["USA", "MEX"]}
    ingest_file(ws, path, "transactions", mapping=layouts / "ibm_aml.mapping.yaml", **marks)
    bad = {"HUB", "X1", "X2", *(f"M{i}" for i in range(8))}
    accounts = ["N1", "N2", "HUB", "DECOY", "X1", "X2", *(f"M{i}" for i in range(8)), *(f"C{i}" for i in range(8))]
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("nodeid,isFraud,init_balance\n" + "".join(f"{a},{int(a in bad)},100\n" for a in accounts),
                     encoding="utf-8")
    ingest_file(ws, nodes, "accounts", mapping=layouts / "amlsim_nodes.mapping.yaml", **marks)
    from tenaza.detect import run, select

    run(ws, select(names=["fans"]))
    ws.close()
    return ws.path


def test_transaction_labels_judge_alerts_by_their_evidence_rows(labelled: Path) -> None:
    from tenaza.evaluate.scores import evaluate_labels

    ev = evaluate_labels(labelled, "transactions:Is Laundering")
    assert (ev.level, ev.labelled, ev.positives) == ("transactions", 21, 11)
    fan_in = {(s.level, s.name): s for s in ev.scores}[("typology", "fan_in")]
    # HUB's alert cites its eight laundering transfers, DECOY's none; X1 -> X2 is missed
    assert (fan_in.alerts, fan_in.true_alerts, fan_in.precision) == (2, 1, 0.5)
    assert (fan_in.found_subjects, fan_in.truth_subjects, fan_in.recall) == (8, 11, round(8 / 11, 4))
    assert ev.ranking is None  # no tenaza rank yet


def test_account_labels_judge_alerts_by_their_subjects_and_score_the_ranking(labelled: Path) -> None:
    pytest.importorskip("sklearn")
    from tenaza.evaluate.scores import evaluate_labels
    from tenaza.rank import rank_unsupervised

    with Workspace.open(labelled) as ws:
        assert not rank_unsupervised(ws).skipped
    ev = evaluate_labels(labelled, "accounts:isFraud")
    assert (ev.level, ev.labelled, ev.positives) == ("accounts", 22, 11)
    fans = {(s.level, s.name): s for s in ev.scores}[("detector", "fans")]
    assert (fans.alerts, fans.true_alerts) == (2, 1)
    assert (fans.found_subjects, fans.truth_subjects) == (9, 11)  # HUB and its mules; X1, X2 missed
    r = ev.ranking
    assert r is not None and (r.accounts, r.positives, r.rows) == (22, 11, "unsupervised")
    assert r.scored == 22 and r.average_precision is not None and r.auc is not None
    assert 0.5 <= r.average_precision <= 1 and 0 <= r.auc <= 1  # the base rate is 0.5


def test_average_precision_counts_ties_as_one_threshold() -> None:
    from tenaza.evaluate.scores import average_precision

    assert average_precision([1, 0, 1], [0.9, 0.8, 0.1]) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    assert average_precision([1, 0], [0.5, 0.5]) == pytest.approx(0.5)
    assert average_precision([0, 0], [0.1, 0.2]) is None


def test_evaluate_command_takes_labels_and_refuses_a_bad_source(labelled: Path) -> None:
    import json

    from typer.testing import CliRunner

    from tenaza.cli import app

    ok = CliRunner().invoke(app, ["evaluate", str(labelled), "--labels", "transactions:Is Laundering", "--json"])
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.output)
    assert doc["labels"]["positives"] == 11 and doc["truth"] is None
    table = CliRunner().invoke(app, ["evaluate", str(labelled), "--labels", "accounts:isFraud"])
    assert table.exit_code == 0 and "22 accounts labelled, 11 positive" in table.output
    bad = CliRunner().invoke(app, ["evaluate", str(labelled), "--labels", "rows:x"])
    assert bad.exit_code == 2 and "expected transactions:COLUMN" in bad.output
    none = CliRunner().invoke(app, ["evaluate", str(labelled), "--labels", "accounts:noSuchColumn"])
    assert none.exit_code == 2 and "no labels found" in none.output
    neither = CliRunner().invoke(app, ["evaluate", str(labelled)])
    assert neither.exit_code == 2
