"""The read paths as a property, at volume: thousands of random markings and viewers.

test_noninterference_reads.py checks every read path, through the CLI and the exported brief,
on copies of a workspace: thorough, and a few examples a minute. This file checks the same rule
on the same read functions (the ones those commands call) in thousands of examples: each
example re-marks every source file and every derived row at random, installs a random viewer's
filter, reads everything, then deletes every row that viewer may not see and reads again, all
inside one transaction that is rolled back. Any difference between the two reads is a leak:
what the viewer was shown depended on a row it may not see.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenaza.detect.alerts_cli import _rows as alert_rows
from tenaza.evaluate.scores import TruthIndex, evaluate_alerts, load_alerts
from tenaza.markings import Viewer
from tenaza.markings.viewer import install_viewer
from tenaza.outcomes.series import available, workspace_series
from tenaza.resolve.judgements import current
from tenaza.resolve.visibility import Viewer as EntityViewer
from tenaza.resolve.visibility import entity_for, entity_of_record, hits_for
from tenaza.store import Workspace
from tests.markings.reads import MARKINGS, build_world, difference, remark, restrict

pytestmark = pytest.mark.slow
# Examples per test (two tests). make test runs the default; the CI step of the read property
# runs 5,000 each, in two processes side by side (.ci/run): 10,000 per build.
EXAMPLES = int(os.environ.get("TENAZA_READ_EXAMPLES", "150"))
FILES = 32  # at least the world's source files (29, in ingest order): one marking each
PILLARS = ("cash", "weapons", "production", "distribution")


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The world open for writing (each example's changes are rolled back), its catalog, the
    records to ask for (judged, screened, and members of multi-record entities), and the truth."""
    path, truth = build_world(tmp_path_factory.mktemp("reads-props"), 1_000, 9)
    ws = Workspace.open(path)
    b = ws.backend
    b.execute("one thread", "SET threads = 1")  # two of these side by side on two cores (CI)
    (db,), = b.fetch("catalog", "SELECT current_database()")
    files = int(b.scalar("files", "SELECT count(*) FROM ingest_log"))
    records = [str(r[0]) for r in b.fetch("probe", """
        SELECT record_a FROM resolve_judgements UNION SELECT record_b FROM resolve_judgements
        UNION (SELECT record_id FROM screening_hits ORDER BY 1 LIMIT 6)
        UNION (SELECT record_id FROM entity_members WHERE entity_id IN (
               SELECT entity_id FROM entity_members GROUP BY 1 HAVING count(*) > 1) ORDER BY 1 LIMIT 10)
        ORDER BY 1""")]
    agencies = sorted(str(r[0]) for r in b.fetch("agencies", "SELECT DISTINCT originator FROM ingest_log"))
    yield ws, f'"{db}"', files, records, agencies, TruthIndex(truth)
    ws.close()


def _reads(ws: Workspace, viewer: Viewer, records: list[str], truth: TruthIndex) -> dict[str, Any]:
    """What every read path shows: the functions behind status, alerts, alert, entity, judge list,
    screening hits, evaluate, outcomes list, and the brief's workspace-counted series."""
    ev = EntityViewer(viewer.country, viewer.agency)
    by_record = {r: entity_of_record(ws, r, ev) for r in records}
    ids = sorted({v.entity_id for v in by_record.values() if v is not None})
    series = {}
    for pillar in PILLARS:
        s = workspace_series(ws, f"workspace_alerts_{pillar}")
        series[pillar] = (list(s.values.items()), s.record_ids)
    return {
        "status": [asdict(t) for t in ws.status()],
        "ingests": [{k: v for k, v in i.items() if k != "seconds"} for i in ws.ingests()],
        "alerts": alert_rows(ws, "TRUE", {}, None),
        "entity by record": {r: asdict(v) if v is not None else None for r, v in by_record.items()},
        "entity by id": {e: [asdict(v) for v in entity_for(ws, e, ev)] for e in ids},
        "judge list": [asdict(j) for j in current(ws)],
        "screening hits": hits_for(ws, ev, limit=100_000),
        "evaluate": [asdict(s) for s in evaluate_alerts(load_alerts(ws), truth)],
        "outcomes list": available(ws),
        "workspace series": series,
    }


def test_the_fixture_has_something_to_hide(opened: Any) -> None:
    """The world has what the property needs: files to mark, records of every read, agencies."""
    ws, _, files, records, agencies, _ = opened
    assert 16 <= files <= FILES
    assert len(records) >= 8 and len(agencies) >= 3
    counts = {t: ws.count(t) for t in ("alerts", "entity_members", "screening_hits", "resolve_judgements")}
    assert all(counts.values()), counts


def _check(opened: Any, marks: list[int], derived_seed: int, country: str, agency: int, asked: list[int]) -> None:
    """One example: random markings of every file and derived row, a viewer (a country, with one
    of the world's agencies or none), and up to four of the probe records to look up."""
    ws, db, _, pool, agencies, truth = opened
    viewer = Viewer(country, agencies[agency] if agency < len(agencies) else None)
    records = sorted({pool[i % len(pool)] for i in asked})
    b = ws.backend
    b.execute("begin", "BEGIN TRANSACTION")
    try:
        remark(b, marks, derived_seed, db)
        install_viewer(ws, viewer)  # temporary views, rolled back with the rest
        ws.viewer = viewer
        seen = _reads(ws, viewer, records, truth)
        restrict(b, viewer, db)
        alone = _reads(ws, viewer, records, truth)
    finally:
        ws.viewer = None
        b.execute("rollback", "ROLLBACK")
    for path in seen:
        assert seen[path] == alone[path], (f"{path}: what {viewer} sees depends on rows it may not see:\n"
                                           + difference(seen[path], alone[path]))


EXAMPLE = {"marks": st.lists(st.sampled_from(range(len(MARKINGS))), min_size=FILES, max_size=FILES),
           "derived_seed": st.integers(0, 10**6), "agency": st.integers(0, 8),
           "asked": st.lists(st.integers(0, 10**6), min_size=1, max_size=4)}
PROPERTY = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# Two tests, so that two processes can share the examples out (CI runs them side by side):
# derandomized, each draws its own examples from its own name.
@PROPERTY
@given(country=st.just("USA"), **EXAMPLE)
def test_no_read_by_a_us_viewer_rests_on_a_hidden_row(opened: Any, marks: list[int], derived_seed: int,
                                                      country: str, agency: int, asked: list[int]) -> None:
    _check(opened, marks, derived_seed, country, agency, asked)


@PROPERTY
@given(country=st.sampled_from(["MEX", "MEX", "MEX", "CAN"]), **EXAMPLE)
def test_no_read_by_a_mexican_or_third_viewer_rests_on_a_hidden_row(opened: Any, marks: list[int],
                                                                    derived_seed: int, country: str, agency: int,
                                                                    asked: list[int]) -> None:
    _check(opened, marks, derived_seed, country, agency, asked)
