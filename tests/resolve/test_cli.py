"""The resolve area's commands, run through the `tenaza` app on a real workspace."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from tenaza.resolve.cli import register
from tenaza.store import Workspace

from .conftest import GUZMAN, add_parties, population


def app() -> typer.Typer:
    a = typer.Typer()
    a.callback()(lambda: None)
    register(a)
    return a


def test_resolve_screen_judge_and_entity_commands(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace.create(path) as ws:
        add_parties(ws, population(60))
        ids = add_parties(ws, GUZMAN[:2] + [{"name": "Ovidio Guzman Lopez", "dob": "1990-03-29"}], source="mx.csv")
    runner = CliRunner()
    result = runner.invoke(app(), ["resolve", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["records"] > 100

    result = runner.invoke(app(), ["screen", str(path), "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)[0]["hits"]
    assert any(h["record_id"] == ids[2] and h["entry_id"] == "13149" for h in hits)

    result = runner.invoke(app(), ["judge", "split", str(path), ids[0], ids[1], "--analyst", "ana"])
    assert result.exit_code == 0 and "1 split judgement" in result.output
    result = runner.invoke(app(), ["judge", "list", str(path)])
    assert ids[0] in result.output and "split" in result.output
    runner.invoke(app(), ["resolve", str(path)])
    result = runner.invoke(app(), ["entity", str(path), ids[0], "--country", "MEX", "--json"])
    assert result.exit_code == 0, result.output
    assert ids[1] not in {m["record_id"] for v in json.loads(result.output) for m in v["members"]}

    result = runner.invoke(app(), ["judge", "merge", str(path), ids[0], "7:7", "--analyst", "ana"])
    assert result.exit_code == 2 and "no party record" in result.output


def test_the_package_front_door_is_lazy() -> None:
    import subprocess
    import sys

    code = ("import sys, tenaza.resolve, tenaza.resolve.cli; assert 'splink' not in sys.modules; "
            "assert 'duckdb' not in sys.modules; print(tenaza.resolve.resolve.__name__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "resolve"


def test_entity_of_no_country_or_nothing_to_show_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    Workspace.create(path).close()
    runner = CliRunner()
    bad = runner.invoke(app(), ["entity", str(path), "E-00000001", "--country", "ZZZ"])
    assert bad.exit_code == 2 and "--country/--agency 'ZZZ': 'ZZZ' is not an ISO alpha-3 country code" in bad.output
    none = runner.invoke(app(), ["entity", str(path), "E-00000001", "--country", "mex"])
    assert none.exit_code == 2 and "nothing to show: no E-00000001 that a viewer of MEX may see" in none.output
