import json
from pathlib import Path

from typer.testing import CliRunner

from tenaza.cli import app
from tenaza.scenario.generate import Result
from tenaza.store import Workspace


def test_generate_command_writes_a_world(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["scenario", "generate", "--scale", "tiny", "--seed", "2", "--out",
                                      str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "w" / "manifest.json").is_file() and (tmp_path / "w" / "truth.parquet").is_file()
    bad = CliRunner().invoke(app, ["scenario", "generate", "--scale", "lots", "--out", str(tmp_path / "x")])
    assert bad.exit_code != 0 and "expected tiny" in bad.output


def test_evaluate_command_prints_json(tiny: Result, tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws.duckdb")
    ws.backend.execute("alert", "INSERT INTO alerts (alert_id, detector, pillar, typology, score, subjects, evidence, "
                       "explanation, created_at, releasable_to) VALUES ('a', 'd', 'cash', 'structuring', 0.5, "
                       "['account:nobody'], [], 'x', now(), ['USA'])")
    ws.close()
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "ws.duckdb"), "--truth", str(tiny.truth), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert {s["level"] for s in scores} == {"detector", "detector/typology", "typology", "pillar"}
    assert all(s["precision"] == 0.0 and s["truth_subjects"] > 0 for s in scores)
    assert {s["name"] for s in scores if s["level"] == "pillar"} == {"cash", "production", "distribution", "weapons"}
    table = CliRunner().invoke(app, ["evaluate", str(tmp_path / "ws.duckdb"), "--truth", str(tiny.truth)])
    assert table.exit_code == 0 and "structuring" in table.output
