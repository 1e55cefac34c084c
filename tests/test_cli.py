from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tenaza.cli import app

runner = CliRunner()


def test_init_ingest_status(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    f = tmp_path / "a.csv"
    f.write_text("account_id,institution\nA1,Banco\nA1,Bank\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(ws), str(f), "--table", "accounts", "--originator", "UIF",
                                 "--releasable-to", "MEX,USA"])
    assert result.exit_code == 0, result.output
    assert "2 read = 1 accepted + 1 quarantined" in result.output
    assert "account_id: duplicate of line 2" in result.output
    status = runner.invoke(app, ["status", str(ws), "--json"])
    data = json.loads(status.output)
    accounts = next(t for t in data["tables"] if t["table"] == "accounts")
    assert accounts == {"table": "accounts", "rows": 1, "quarantined": 1, "sources": 1}
    assert data["ingests"][0]["releasable_to"] == ["MEX", "USA"]


def test_ingest_json_and_quiet(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    runner.invoke(app, ["init", str(ws), "--quiet"])
    f = tmp_path / "a.csv"
    f.write_text("account_id\nA1\n", encoding="utf-8")
    args = ["ingest", str(ws), str(f), "-t", "accounts", "--originator", "UIF", "--releasable-to", "MEX"]
    quiet = runner.invoke(app, [*args, "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""
    again = runner.invoke(app, [*args, "--json"])
    assert json.loads(again.output)["already_ingested_as"] == 1


def test_errors_are_one_line_with_exit_status_2(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    runner.invoke(app, ["init", str(ws)])
    result = runner.invoke(app, ["ingest", str(ws), str(tmp_path / "missing.csv"), "-t", "accounts",
                                 "--originator", "UIF", "--releasable-to", "MEX"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {tmp_path / 'missing.csv'}: no such file"]
    assert runner.invoke(app, ["status", str(tmp_path / "nope.duckdb")]).exit_code == 2


def test_demo_builds_from_the_bundled_sample(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "build", str(tmp_path / "demo"), "--source", "sample", "--no-analyze"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo" / "workspace.duckdb").is_file()
    status = json.loads(runner.invoke(app, ["status", str(tmp_path / "demo" / "workspace.duckdb"), "--json"]).output)
    assert all(t["rows"] > 0 for t in status["tables"]), status["tables"]


def test_demo_builds_and_analyzes_a_tiny_scenario(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "build", str(tmp_path / "demo"), "--scale", "tiny", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "resolve:" in result.output and "detect:" in result.output
    ws = tmp_path / "demo" / "workspace.duckdb"
    status = json.loads(runner.invoke(app, ["status", str(ws), "--json"]).output)
    transactions = next(t for t in status["tables"] if t["table"] == "transactions")
    assert transactions["rows"] > 1000
    from tenaza.store import Workspace

    with Workspace.open(ws, read_only=True) as w:
        assert w.count("alerts") > 0
        assert w.count("entities") > 0
        # the inspection queue is built by analyze, and its latest day's selection written as alerts
        queue = w.backend.fetch("queue", "SELECT count(*), count(*) FILTER (WHERE selected), max(day) "
                                         "FROM inspection_scores")
        (scored, selected, latest), = queue
        assert scored > 0 and 0 < selected < scored
        inspection = w.backend.fetch("inspection alerts", "SELECT count(*), min(explanation) FROM alerts "
                                                          "WHERE detector = 'distribution_inspection_target'")
        (n, text), = inspection
        latest_selected = w.backend.scalar("latest", "SELECT count(*) FROM inspection_scores WHERE selected "
                                                     "AND day = $d", {"d": latest})
        assert n == latest_selected > 0 and text
    assert "target: " in result.output and "inspection alerts" in result.output
