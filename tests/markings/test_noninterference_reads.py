"""Every read path is a viewer's read: what it shows does not depend on rows the viewer may not see.

test_noninterference.py holds the detectors to the rule for derived rows (an alert the viewer
sees comes out the same from the visible rows alone). This file holds the *reads* to it: for
random markings of every source file and of every derived row, and a random viewer, each read
path gives the same output on the whole workspace and on a copy from which everything that
viewer may not see was deleted (source rows, their ingests and quarantine, derived rows, links
and judgements on hidden records). Any difference is a leak: the output depended on a hidden row.

Read paths: status (counts and sources), alerts (list and each alert's detail), entity (by
record id, visible and hidden, and by entity id), screening hits, judge list, evaluate, outcomes
list, and the exported brief.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tenaza.cli import app
from tenaza.markings import Viewer, set_default_viewer
from tenaza.resolve.visibility import Viewer as EntityViewer
from tenaza.resolve.visibility import hits_for
from tenaza.store import Workspace
from tests.markings.reads import MARKINGS, build_world, difference, remark, restrict

pytestmark = pytest.mark.slow  # one generated world analyzed once, then about 25 CLI reads per example

runner = CliRunner()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small generated world, analyzed by its owner, with two analysts' judgements."""
    return build_world(tmp_path_factory.mktemp("reads"), 3_000, 5)


def _remark(path: Path, marks: list[int], derived_seed: int) -> None:
    with Workspace.open(path) as ws:
        remark(ws.backend, marks, derived_seed)


def _restrict(path: Path, viewer: Viewer) -> None:
    """Delete from the workspace at ``path`` every row ``viewer`` may not see."""
    with Workspace.open(path) as ws:
        restrict(ws.backend, viewer)


def _same_name(text: str) -> str:
    """The two workspaces' folders (full-TAG, part-TAG) are the one difference allowed."""
    return re.sub(r"(full|part)-[\w-]+", "WS", text)


def _cli(viewer: Viewer, *args: str) -> Any:
    try:
        result = runner.invoke(app, [*([] if viewer.is_owner else ["--as", str(viewer)]), *args, "--json"])
    finally:  # --as sets the process's default viewer; the owner reads that follow must not inherit it
        set_default_viewer(None)
    if result.exit_code != 0:
        return ("exit", result.exit_code, _same_name(result.stderr))
    return json.loads(_same_name(result.stdout))


def _reads(path: Path, truth: Path, viewer: Viewer, probes: dict[str, list[str]], brief: bool) -> dict[str, Any]:
    """Everything every read path shows ``viewer`` of the workspace at ``path``."""
    ws = str(path)
    shown: dict[str, Any] = {}
    status = _cli(viewer, "status", ws)
    for t in status["tables"]:
        t.pop("bytes", None)
    for i in status["ingests"]:
        i.pop("seconds", None)
    shown["status"] = {k: v for k, v in status.items() if k != "workspace"}
    shown["alerts"] = _cli(viewer, "alerts", ws, "--limit", "0")
    shown["alert detail"] = {a: _cli(viewer, "alert", ws, a) for a in probes["alerts"]}
    shown["entity by record"] = {r: _cli(viewer, "entity", ws, r, "--country", viewer.country,
                                         *(["--agency", viewer.agency] if viewer.agency else []))
                                 for r in probes["records"]}
    ids = sorted({e["entity_id"] for v in shown["entity by record"].values() if isinstance(v, list) for e in v})
    shown["entity by id"] = {e: _cli(viewer, "entity", ws, e, "--country", viewer.country,
                                     *(["--agency", viewer.agency] if viewer.agency else [])) for e in ids}
    shown["judge list"] = _cli(viewer, "judge", "list", ws)
    shown["evaluate"] = _cli(viewer, "evaluate", ws, "--truth", str(truth))
    shown["outcomes list"] = _cli(viewer, "outcomes", "list", ws)
    with Workspace.open(path, read_only=True, viewer=viewer) as w:
        shown["screening hits"] = [tuple(map(str, h)) for h in hits_for(w, EntityViewer(viewer.country, viewer.agency),
                                                                        limit=10_000)]
    if brief:  # the export: the brief's HTML (its PDF is drawn from the same figures), half a minute to write
        folder = path.parent / "brief"
        report = _cli(viewer, "report", ws, "--lang", "en", "--out", str(folder))
        shown["brief"] = sorted((Path(p).name, _same_name((folder / Path(p).name).read_text(encoding="utf-8")))
                                for p in (report if isinstance(report, list) else []) if str(p).endswith(".html"))
        assert shown["brief"], report
    return shown


def _probes(path: Path) -> dict[str, list[str]]:
    """Ids to ask for: some of every alert detector, every judged and hit record, a few others."""
    with Workspace.open(path, read_only=True) as ws:
        alerts = [str(r[0]) for r in ws.backend.fetch("probe", "SELECT min(alert_id) FROM alerts GROUP BY detector "
                                                               "ORDER BY 1")]
        records = [str(r[0]) for r in ws.backend.fetch("probe", """
            SELECT record_a FROM resolve_judgements UNION SELECT record_b FROM resolve_judgements
            UNION SELECT record_id FROM screening_hits
            UNION (SELECT record_id FROM entity_members WHERE entity_id IN (
                   SELECT entity_id FROM entity_members GROUP BY 1 HAVING count(*) > 1) ORDER BY 1 LIMIT 12)
            ORDER BY 1""")]
    return {"alerts": alerts, "records": records}


def _compare(world: tuple[Path, Path], tmp_path: Path, marks: list[int], derived_seed: int, viewer: Viewer,
             brief: bool = False) -> dict[str, Any]:
    base, truth = world
    tag = f"{viewer.country}-{viewer.agency}-{derived_seed}-{''.join(map(str, marks))}"
    # Same file name in two folders: reads that name the workspace (the brief does) name it alike.
    full = tmp_path / f"full-{tag}" / "ws.duckdb"
    full.parent.mkdir(exist_ok=True)  # hypothesis may replay an example
    shutil.copy(base, full)
    _remark(full, marks, derived_seed)
    part = tmp_path / f"part-{tag}" / "ws.duckdb"
    part.parent.mkdir(exist_ok=True)
    shutil.copy(full, part)
    _restrict(part, viewer)
    probes = _probes(full)
    seen = _reads(full, truth, viewer, probes, brief)
    alone = _reads(part, truth, viewer, probes, brief)
    for path in seen:
        assert seen[path] == alone[path], (f"{path}: what {viewer} sees depends on rows it may not see:\n"
                                           + difference(seen[path], alone[path]))
    # The comparison can fail: where source rows were hidden, the owner, who ignores markings,
    # reads the two workspaces apart.
    owner, none = Viewer("*"), dict[str, list[str]](alerts=[], records=[])
    as_owner = [_reads(w, truth, owner, none, False)["status"] for w in (full, part)]
    if len(as_owner[1]["ingests"]) < len(as_owner[0]["ingests"]):
        assert as_owner[0] != as_owner[1]
    return seen


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(marks=st.lists(st.sampled_from(range(len(MARKINGS))), min_size=16, max_size=16),
       derived_seed=st.integers(0, 10**6), country=st.sampled_from(["USA", "MEX"]),
       agency=st.sampled_from([None, "UIF", "FINCEN", "ATF"]))
def test_every_read_shows_nothing_that_rests_on_a_hidden_row(world: tuple[Path, Path], tmp_path: Path,
                                                            marks: list[int], derived_seed: int, country: str,
                                                            agency: str | None) -> None:
    _compare(world, tmp_path, marks, derived_seed, Viewer(country, agency))


def test_the_brief_and_judgements_of_a_mixed_workspace(world: tuple[Path, Path], tmp_path: Path) -> None:
    """US files USA-only, Mexican files MEX-only, the rest shared; a US viewer; the exported brief too."""
    marks = [0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 2]  # in ingest order: fincen, uif, fincen, ... (16 files)
    seen = _compare(world, tmp_path, marks, 7, Viewer("USA"), brief=True)
    # the split within the US customers file is shown; the merge with a Mexican record is not
    assert [j["decision"] for j in seen["judge list"]["judgements"]] == ["split"]
