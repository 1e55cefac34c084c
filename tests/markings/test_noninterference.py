"""Nothing a viewer is shown depends on a row the viewer may not see.

For random markings of a generated world's files and a random viewer, every alert the viewer
sees in the full workspace must come out the same (id, score, subjects, evidence, figures and
sentence) when the detectors run on a workspace holding only the rows that viewer may see; and
every count the viewer reads must equal the owner's count of that smaller workspace.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenaza.detect import run, select
from tenaza.manifest import ingest_manifest
from tenaza.markings import Viewer
from tenaza.scenario.generate import generate
from tenaza.scenario.world.config import ScenarioConfig
from tenaza.schema import TABLES, TableKind
from tenaza.store import Workspace

MARKINGS = (["USA"], ["MEX"], ["MEX", "USA"])
# Detectors whose alerts are known to rest on rows outside their evidence: none. The trade
# detectors and the dealer trace excess, found leaking by this test on 2026-12-02 (their
# baselines counted every row), now compute them per audience (BASELINE_DETECTORS below); the
# weapons multiple-sales and cartel-calibers detectors leaked the traces they counted until the
# same day: the trace records are now in their evidence. A detector added here is tolerated by
# the property test until fixed.
# fans, found by this test on 2026-12-03 (its business test read the holder's account and party
# records without putting them in the evidence), now has those records in the evidence of the
# hub's alerts.
KNOWN_LEAKS: frozenset[str] = frozenset()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ni")
    res = generate(ScenarioConfig(20_000, seed=11), tmp / "world")
    with Workspace.create(tmp / "full.duckdb") as ws:
        ingest_manifest(ws, res.manifest)
    return tmp / "full.duckdb"


def _alerts(ws: Workspace) -> dict[str, tuple[Any, ...]]:
    rows = ws.backend.fetch("alerts", "SELECT alert_id, typology, round(score, 6), list_sort(subjects), "
                                      "list_sort(evidence), figures, explanation FROM alerts")
    return {str(r[0]): tuple(r[1:]) for r in rows}


def _counts(ws: Workspace) -> dict[str, int]:
    return {s.name: int(ws.backend.scalar("count", f'SELECT count(*) FROM "{s.name}"'))
            for s in TABLES.values() if s.kind is TableKind.CANONICAL}


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(marks=st.lists(st.sampled_from(range(len(MARKINGS))), min_size=16, max_size=16),
       country=st.sampled_from(["USA", "MEX"]))
def test_what_a_viewer_sees_rests_only_on_rows_it_may_see(world: Path, tmp_path: Path, marks: list[int],
                                                          country: str) -> None:
    full = tmp_path / f"full-{country}-{''.join(map(str, marks))}.duckdb"
    shutil.copy(world, full)
    with Workspace.open(full) as ws:
        ids = [int(r[0]) for r in ws.backend.fetch("ids", "SELECT ingest_id FROM ingest_log ORDER BY 1")]
        for ingest_id, m in zip(ids, marks, strict=False):
            ws.backend.execute("remark", "UPDATE ingest_log SET releasable_to = $r WHERE ingest_id = $i",
                               {"r": MARKINGS[m], "i": ingest_id})
        hidden = [int(r[0]) for r in ws.backend.fetch("hidden", "SELECT ingest_id FROM ingest_log WHERE NOT "
                                                                "list_contains(releasable_to, $c)", {"c": country})]
        run(ws, select())
    part = full.with_name(full.stem + "-part.duckdb")
    shutil.copy(full, part)
    with Workspace.open(part) as ws:
        for spec in TABLES.values():
            if spec.kind is TableKind.CANONICAL or spec.name == "quarantine":
                ws.backend.execute("drop hidden", f'DELETE FROM "{spec.physical_name}" WHERE list_contains($h, ingest_id)',
                                   {"h": hidden})
        ws.backend.execute("drop hidden", "DELETE FROM ingest_log WHERE list_contains($h, ingest_id)", {"h": hidden})
        ws.backend.execute("clear", "DELETE FROM alerts")
        run(ws, select())
        expected = _alerts(ws)
        expected_counts = _counts(ws)
    # The viewer has no agency here: an agency also sees its own rows, which the smaller
    # workspace would then have to keep; the country rule is the one derived rows follow.
    with Workspace.open(full, viewer=Viewer(country)) as ws:
        seen = _alerts(ws)
        seen_counts = _counts(ws)
    assert seen_counts == expected_counts
    leaks = {a: (v, expected.get(a)) for a, v in seen.items() if expected.get(a) != v}
    new = {a: v for a, v in leaks.items() if a.split(":")[0] not in KNOWN_LEAKS}
    assert not new, f"{len(new)} of {len(seen)} alerts the viewer sees rest on hidden rows: " + "; ".join(
        f"{a}: seen {v[0][4]} / {v[0][5]!r}, from visible rows alone {v[1][4] if v[1] else 'no such alert'}"
        for a, v in list(new.items())[:3])


# Detectors that judge a row against a baseline of other rows (market prices, a month's
# crossings, the other pairs' gaps, a national trace rate): each runs once per audience
# (tenaza.markings.audience), so its baselines hold only rows shared at least as widely as the alert.
BASELINE_DETECTORS = frozenset({"cash_trade_phantom", "cash_trade_third_party", "cash_trade_prices",
                                "cash_trade_mirror", "cash_trade_routing", "weapons_dealer_trace_excess"})
# Mexican crossings, Mexican payers and the US firearm sales: MEX only; every other file shared.
MEX_ONLY = (11, 5, 14)


def _seen_and_expected(world: Path, tmp_path: Path, names: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The alerts of ``names`` a USA viewer sees with the MEX_ONLY files hidden from it, and the
    alerts the detectors make from the rows the USA may see."""
    full = tmp_path / "full.duckdb"
    shutil.copy(world, full)
    with Workspace.open(full) as ws:
        ids = [int(r[0]) for r in ws.backend.fetch("ids", "SELECT ingest_id FROM ingest_log ORDER BY 1")]
        for ingest_id in ids:
            ws.backend.execute("remark", "UPDATE ingest_log SET releasable_to = $r WHERE ingest_id = $i",
                               {"r": MARKINGS[1 if ingest_id in MEX_ONLY else 2], "i": ingest_id})
        run(ws, select(names=names))
    part = tmp_path / "part.duckdb"
    shutil.copy(full, part)
    with Workspace.open(part) as ws:
        for spec in TABLES.values():
            if spec.kind is TableKind.CANONICAL or spec.name == "quarantine":
                ws.backend.execute("drop", f'DELETE FROM "{spec.physical_name}" WHERE list_contains($h, ingest_id)',
                                   {"h": list(MEX_ONLY)})
        ws.backend.execute("clear", "DELETE FROM alerts")
        run(ws, select(names=names))
        expected = _alerts(ws)
    with Workspace.open(full, viewer=Viewer("USA")) as ws:
        seen = _alerts(ws)
    return seen, expected


def test_baseline_detectors_do_not_leak(world: Path, tmp_path: Path) -> None:
    names = sorted(BASELINE_DETECTORS)
    seen, expected = _seen_and_expected(world, tmp_path, names)
    assert len({a.split(":")[0] for a in seen}) >= 3, "the viewer should see alerts of most of them"
    assert {a: v for a, v in seen.items() if expected.get(a) != v} == {}

