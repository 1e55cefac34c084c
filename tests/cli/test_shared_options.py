"""Every command of ``tenaza`` takes --json, --quiet and -v, before or after its name, with effect."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from tenaza.cli import app

runner = CliRunner()
SHARED = ("--json", "--quiet", "-v")


def _leaves(cmd: object, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], object]]:
    if isinstance(cmd, TyperGroup):
        for name, sub in cmd.commands.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield path, cmd


COMMANDS = sorted(_leaves(typer.main.get_command(app)), key=lambda c: c[0])


def test_the_tree_is_walked_whole() -> None:
    names = {" ".join(p) for p, _ in COMMANDS}
    # Top-level commands, groups' commands, and every area's commands are all there.
    assert {"status", "detect", "alerts", "judge list", "outcomes list", "plan port", "scenario generate"} <= names
    assert len(names) >= 30


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_declares_the_shared_options(path: tuple[str, ...]) -> None:
    cmd = dict(COMMANDS)[path]
    flags = {o for p in cmd.params for o in getattr(p, "opts", [])}  # type: ignore[attr-defined]
    assert set(SHARED) <= flags, f"{' '.join(path)} lacks {set(SHARED) - flags}"
    # Unknown options are refused while parsing, before --help is acted on: exit 0 means every
    # shared option was accepted in that position (after the command, between group and command,
    # and before everything).
    positions = [[*path, *SHARED, "--help"], [*SHARED, *path, "--help"]]
    if len(path) > 1:
        positions.append([path[0], *SHARED, *path[1:], "--help"])
    for args in positions:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"tenaza {' '.join(args)}: {result.output}"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("shared")
    ws = tmp / "ws.duckdb"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    f = tmp / "parties.csv"
    f.write_text("party_id,kind,name,country\nP1,person,Juan Perez,MEX\nP2,person,John Smith,USA\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(ws), str(f), "-t", "parties", "--originator", "UIF",
                                 "--releasable-to", "MEX,USA"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["resolve", str(ws), "--quiet"]).exit_code == 0
    return ws


# The commands that run on a small workspace (or on nothing), each in both positions of --json.
RUNNABLE = [["version"], ["status", "{ws}"], ["schema-docs"], ["detectors"], ["alerts", "{ws}"],
            ["judge", "list", "{ws}"], ["rates", "coverage", "{ws}"], ["outcomes", "list", "{ws}"],
            ["scenario", "styles"], ["screen-tune"], ["entity", "{ws}", "1:2", "--country", "USA"], ["resolve", "{ws}"],
            ["detect", "{ws}", "-d", "structuring"], ["scenario", "generate", "--out", "{dir}"]]


@pytest.mark.parametrize("command", RUNNABLE, ids=[" ".join(c) for c in RUNNABLE])
def test_json_is_one_document_in_either_position(command: list[str], workspace: Path) -> None:
    args = [a.format(ws=workspace, dir=workspace.parent / "world") for a in command]
    after = runner.invoke(app, [*args, "--json"])
    assert after.exit_code == 0, after.output
    before = runner.invoke(app, ["--json", *args])
    assert before.exit_code == 0, before.output
    docs = [json.loads(after.stdout), json.loads(before.stdout)]
    assert docs[0] and type(docs[0]) is type(docs[1])


def test_json_carries_the_result(workspace: Path) -> None:
    status = json.loads(runner.invoke(app, ["--json", "status", str(workspace)]).stdout)
    assert next(t["rows"] for t in status["tables"] if t["table"] == "parties") == 2
    entity = json.loads(runner.invoke(app, ["entity", str(workspace), "1:2", "--country", "MEX", "--json"]).stdout)
    assert [v["canonical_name"] for v in entity] == ["Juan Perez"]  # line 2 of ingest 1
    detectors = json.loads(runner.invoke(app, ["detectors", "--json"]).stdout)["detectors"]
    assert {"name": "structuring", "pillar": "cash"}.items() <= next(
        d for d in detectors if d["name"] == "structuring").items()
    # A command with no JSON form of its own reports what it printed, still one document.
    styles = json.loads(runner.invoke(app, ["scenario", "styles", "--json"]).stdout)["styles"]
    assert styles[0]["name"] == "default" and len(styles) > 3
    analyze = json.loads(runner.invoke(app, ["analyze", str(workspace), "--json"]).stdout)
    assert analyze["command"] == "analyze" and analyze["output"]


@pytest.mark.parametrize("position", ["before", "after"])
def test_quiet_prints_nothing_but_errors(position: str, workspace: Path, tmp_path: Path) -> None:
    for args in (["status", str(workspace)], ["version"], ["judge", "list", str(workspace)]):
        result = runner.invoke(app, ["--quiet", *args] if position == "before" else [*args, "--quiet"])
        assert result.exit_code == 0 and result.stdout == "", result.stdout
    missing = str(tmp_path / "missing.duckdb")
    failed = runner.invoke(app, ["--quiet", "status", missing] if position == "before" else ["status", missing, "-q"])
    assert failed.exit_code == 2 and failed.stdout == "" and "missing.duckdb" in failed.stderr


@pytest.mark.parametrize(("flags", "level"), [([], logging.WARNING), (["-v"], logging.INFO),
                                              (["-vv"], logging.DEBUG), (["-v", "-v"], logging.DEBUG)])
def test_verbose_raises_logging(flags: list[str], level: int, workspace: Path) -> None:
    for args in ([*flags, "status", str(workspace)], ["status", str(workspace), *flags]):
        assert runner.invoke(app, args).exit_code == 0
        assert logging.getLogger("tenaza").level == level, args


def test_verbose_logs_reach_stderr(workspace: Path) -> None:
    quiet = runner.invoke(app, ["resolve", str(workspace), "--json"])
    loud = runner.invoke(app, ["resolve", str(workspace), "--json", "-vv"])
    assert "DEBUG" not in quiet.stderr and "INFO" not in quiet.stderr
    assert "INFO" in loud.stderr or "DEBUG" in loud.stderr
    assert json.loads(loud.stdout)["records"] == 2  # logging never mixes into the document
