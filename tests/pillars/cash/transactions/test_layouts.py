"""The research layouts load through ingest like any other file and the detectors run on them."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from tenaza.detect import run, select
from tenaza.ingest import ingest_file
from tenaza.store import Workspace

LAYOUTS = Path(str(resources.files("tenaza") / "data" / "layouts"))
IBM_HEADER = ("Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,"
              "Payment Currency,Payment Format,Is Laundering\n")


def _alerts(ws: Workspace) -> list[tuple[str, list[str]]]:
    rows = ws.backend.fetch("alerts", "SELECT typology, subjects FROM alerts ORDER BY typology")
    return [(r[0], list(r[1])) for r in rows]


def test_ibm_aml_layout_loads_and_a_fan_in_is_found(ws: Workspace, tmp_path: Path) -> None:
    lines = [f"2022/09/0{1 + i // 4} 1{i % 10}:0{i % 6},0{10 + i},M{i:03d},020,HUB01,4500.00,US Dollar,4500.00,"
             f"US Dollar,ACH,1\n" for i in range(8)]
    lines += ["2022/09/01 08:15,011,A0001,012,B0002,120.50,US Dollar,120.50,US Dollar,Credit Card,0\n",
              "2022/09/02 09:00,011,A0001,013,C0003,900.00,Euro,900.00,Euro,Wire,0\n",
              "2022/10/30 09:00,011,A0001,013,C0003,0.01,Bitcoin,0.01,Bitcoin,Bitcoin,0\n",
              "2022/12/30 09:00,011,A0001,011,A0001,100.00,US Dollar,100.00,US Dollar,Reinvestment,0\n"]
    path = tmp_path / "HI-Tiny_Trans.csv"
    path.write_text(IBM_HEADER + "".join(lines), encoding="utf-8")
    report = ingest_file(ws, path, "transactions", mapping=LAYOUTS / "ibm_aml.mapping.yaml", originator="RESEARCH",
                         releasable_to=["USA", "MEX"])
    assert (report.rows_accepted, report.rows_quarantined) == (12, 0)
    row = ws.backend.fetch("t", "SELECT from_account, to_account, channel, amount_usd, extras FROM transactions "
                                "WHERE to_account = 'HUB01' ORDER BY ts LIMIT 1")[0]
    assert row[:4] == ("M000", "HUB01", "ach", 4500)
    assert json.loads(row[4])["Is Laundering"] == "1"
    currencies = {r[0] for r in ws.backend.fetch("t", "SELECT DISTINCT currency FROM transactions")}
    assert currencies == {"USD", "EUR", "XXX"}
    run(ws, select("cash"))
    fan = [s for t, s in _alerts(ws) if t == "fan_in"]
    assert len(fan) == 1 and "account:HUB01" in fan[0] and len(fan[0]) == 9


def test_amlsim_layout_loads_transactions_and_nodes_and_a_cycle_is_found(ws: Workspace, tmp_path: Path) -> None:
    edges = ["1,2,100000.0,0", "2,3,98000.0,2", "3,1,96000.0,4",  # a cycle that starts at step 0
             "1,2,80000.0,30", "2,3,79000.0,31", "3,1,78000.0,33",
             "4,5,500.0,10", "5,6,20.0,200", "6,4,15.0,400"]  # runs may outlast a year
    (tmp_path / "transactions.csv").write_text("sourceNodeId,targetNodeId,value,time\n" + "\n".join(edges) + "\n",
                                               encoding="utf-8")
    (tmp_path / "nodes.csv").write_text("nodeid,isFraud,init_balance\n1,1,5000\n2,1,300\n3,1,100\n4,0,50\n",
                                        encoding="utf-8")
    marks = {"originator": "RESEARCH", "releasable_to": ["USA", "MEX"]}
    tx = ingest_file(ws, tmp_path / "transactions.csv", "transactions",
                     mapping=LAYOUTS / "amlsim_transactions.mapping.yaml", **marks)
    nodes = ingest_file(ws, tmp_path / "nodes.csv", "accounts", mapping=LAYOUTS / "amlsim_nodes.mapping.yaml", **marks)
    assert (tx.rows_accepted, tx.rows_quarantined, nodes.rows_accepted) == (9, 0, 4)
    days = ws.backend.fetch("t", "SELECT date_diff('day', min(ts), max(ts)), count(DISTINCT ts) FROM transactions")
    assert days[0] == (400, 9)  # steps keep their order and their distance in days
    assert json.loads(ws.backend.scalar("t", "SELECT extras FROM accounts WHERE account_id = '1'"))["isFraud"] == "1"
    run(ws, select("cash"))
    assert ("cycle", ["account:1", "account:2", "account:3"]) in _alerts(ws)


def test_repeated_identical_transfers_all_load_with_ids_from_file_and_line(ws: Workspace, tmp_path: Path) -> None:
    """The research layouts have no transaction id; their simulators repeat identical transfers."""
    marks = {"originator": "RESEARCH", "releasable_to": ["USA", "MEX"]}
    same = "1,2,700.0,5"
    (tmp_path / "tx.csv").write_text("sourceNodeId,targetNodeId,value,time\n" + "\n".join([same] * 4 + ["2,3,650.0,6"])
                                     + "\n", encoding="utf-8")
    amlsim = ingest_file(ws, tmp_path / "tx.csv", "transactions", mapping=LAYOUTS / "amlsim_transactions.mapping.yaml",
                         **marks)
    ibm_row = "2022/09/01 10:00,010,A1,020,B2,4500.00,US Dollar,4500.00,US Dollar,ACH,1\n"
    (tmp_path / "HI-Repeat_Trans.csv").write_text(IBM_HEADER + ibm_row * 3, encoding="utf-8")
    ibm = ingest_file(ws, tmp_path / "HI-Repeat_Trans.csv", "transactions", mapping=LAYOUTS / "ibm_aml.mapping.yaml",
                      **marks)
    assert (amlsim.rows_accepted, amlsim.rows_quarantined) == (5, 0)
    assert (ibm.rows_accepted, ibm.rows_quarantined) == (3, 0)
    ids = [r[0] for r in ws.backend.fetch("ids", "SELECT txn_id FROM transactions ORDER BY txn_id")]
    assert ids == ["HI-Repeat_Trans.csv:2", "HI-Repeat_Trans.csv:3", "HI-Repeat_Trans.csv:4",
                   "tx.csv:2", "tx.csv:3", "tx.csv:4", "tx.csv:5", "tx.csv:6"]
