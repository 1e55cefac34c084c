"""--as on the command line: every read command shows only what the viewer may see."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tenaza.cli import _hoist_global_options, app
from tenaza.ingest import ingest_file
from tenaza.markings import set_default_viewer
from tenaza.store import Workspace


def _workspace(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with Workspace.create(path) as ws:
        for name, agency, rel in (("both", "FINCEN", ["USA", "MEX"]), ("usa", "FINCEN", ["USA"]),
                                  ("mex", "UIF", ["MEX"])):
            f = tmp_path / f"{name}.csv"
            f.write_text("txn_id,ts,from_account,to_account,amount,currency,channel\n"
                         f"{name}1,2024-01-01 10:00:00,A,B,100,USD,wire\n{name}2,2024-01-02 10:00:00,B,C,90,USD,wire\n")
            ingest_file(ws, f, "transactions", originator=agency, releasable_to=rel)
        ws.backend.execute("alerts", """
            INSERT INTO alerts (alert_id, detector, pillar, typology, score, subjects, evidence, explanation,
                                created_at, releasable_to)
            VALUES ('x:usa', 'x', 'cash', 't', 0.9, ['account:A'], ['2:2'], 'usa only', now(), ['USA']),
                   ('x:both', 'x', 'cash', 't', 0.5, ['account:B'], ['1:2'], 'both', now(), ['MEX', 'USA'])""")
    return path


def _run(*args: str) -> tuple[int, str]:
    try:
        r = CliRunner().invoke(app, list(args))
        return r.exit_code, r.output
    finally:
        set_default_viewer(None)


def test_status_and_alerts_as_a_viewer(tmp_path: Path) -> None:
    ws = str(_workspace(tmp_path))
    code, text = _run("--as", "MEX", "status", ws, "--json")
    assert code == 0, text
    tx = next(t for t in json.loads(text)["tables"] if t["table"] == "transactions")
    assert tx["rows"] == 4  # both + mex; the USA-only file is not counted
    code, text = _run("status", ws, "--json")
    assert next(t for t in json.loads(text)["tables"] if t["table"] == "transactions")["rows"] == 6
    code, text = _run("--as", "MEX", "alerts", ws, "--json")
    assert code == 0 and [a["alert_id"] for a in json.loads(text)["alerts"]] == ["x:both"]
    code, text = _run("--as", "MEX", "alert", ws, "x:usa")
    assert code == 2 and "no alert 'x:usa' that this viewer may see" in text
    code, text = _run("--as", "USA/UIF", "alerts", ws, "--json")
    assert json.loads(text)["total"] == 2


def test_as_refuses_writes_and_bad_codes(tmp_path: Path) -> None:
    ws = str(_workspace(tmp_path))
    code, text = _run("--as", "MEX", "detect", ws)
    assert code == 2 and "only its owner does" in text
    code, text = _run("--as", "ZZZ", "status", ws)
    assert code == 2 and "not an ISO alpha-3 country code" in text


def test_global_options_in_any_position() -> None:
    # -v is an option of every command (tenaza.cli_options), so it stays where it is.
    assert _hoist_global_options(["status", "w.duckdb", "--as", "MEX", "-v"]) == ["--as", "MEX", "status",
                                                                                 "w.duckdb", "-v"]
    assert _hoist_global_options(["status", "w", "--engine", "spark:local[1]"]) == ["--engine", "spark:local[1]",
                                                                                    "status", "w"]
    assert _hoist_global_options(["ingest", "w", "--", "--as"]) == ["ingest", "w", "--", "--as"]
    assert _hoist_global_options(["alerts", "--as=USA/CBP", "w"]) == ["--as=USA/CBP", "alerts", "w"]
