"""`tenaza screen`: --explain shows the best candidates and why without touching stored hits;
a missing --list file is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from tenaza.resolve.cli import register
from tenaza.store import Workspace

from ..conftest import add_parties


def app() -> typer.Typer:
    a = typer.Typer()
    a.callback()(lambda: None)
    register(a)
    return a


def _stored(path: Path) -> tuple[list[tuple[object, ...]], int]:
    with Workspace.open(path, read_only=True) as ws:
        rows = ws.backend.fetch("t", "SELECT hit_id, score, screened_at FROM screening_hits ORDER BY hit_id")
        n = int(ws.backend.scalar("t", "SELECT count(*) FROM designations"))
    return [tuple(r) for r in rows], n


def test_explain_shows_candidates_and_why_without_touching_hits(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace.create(path) as ws:
        add_parties(ws, [{"name": "Ovidio Guzman Lopez", "dob": "1990-03-29", "country": "MEX"}])
    runner = CliRunner()
    assert runner.invoke(app(), ["screen", str(path)]).exit_code == 0
    before = _stored(path)
    assert before[0]

    result = runner.invoke(app(), ["screen", str(path), "--explain", "Cártel del Golfo", "--kind", "organization"])
    assert result.exit_code == 0, result.output
    assert "10386" in result.output and "GULF CARTEL" in result.output
    assert "GOLFO" in result.output and "hit" in result.output

    result = runner.invoke(app(), ["screen", str(path), "--explain", "Ovidio Guzman", "--dob", "1990-03-29",
                                   "--country", "MEX", "--entry", "13149", "--entry", "8236", "--json"])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.output)
    by_entry = {c["entry_id"]: c for c in report["candidates"]}
    ovidio = by_entry["13149"]
    assert ovidio["hit"] and ovidio["features"]["dob"]["effect"] > 0
    parts = ovidio["contributions"]
    assert abs(sum(parts.values()) - ovidio["score"]) < 1e-6 or ovidio["score"] == 1.0
    assert {t["token"] for t in ovidio["tokens"]} == {"OVIDIO", "GUZMAN"}
    assert not by_entry["8236"]["candidate"] and not by_entry["8236"]["hit"]
    assert _stored(path) == before  # nothing written: hits, list rows


def test_explain_on_a_workspace_without_a_list_uses_the_shipped_one_and_stores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    Workspace.create(path).close()
    result = CliRunner().invoke(app(), ["screen", str(path), "--explain", "GULF CARTEL", "--kind", "organization"])
    assert result.exit_code == 0, result.output
    assert "10386" in result.output
    assert _stored(path) == ([], 0)


def test_a_missing_list_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    Workspace.create(path).close()
    result = CliRunner().invoke(app(), ["screen", str(path), "--list", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "nope.csv" in lines[0] and "no such file" in lines[0]
