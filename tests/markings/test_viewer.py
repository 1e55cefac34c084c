"""A viewer's workspace: every marked table reads through the viewer's filter, inside the query."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenaza.errors import TenazaError
from tenaza.ingest import ingest_file
from tenaza.markings import OWNER, Viewer, intersect, parse_record_id, record_id
from tenaza.markings.viewer import install_viewer
from tenaza.schema import TABLES, TableKind
from tenaza.store import Workspace

COUNTRIES = ("USA", "MEX", "CAN")
AGENCIES = ("FINCEN", "UIF", "CBP", "ANAM")


def _file(tmp: Path, name: str, rows: int, bad: int = 0) -> Path:
    lines = ["txn_id,ts,from_account,to_account,amount,currency,channel"]
    lines += [f"{name}-{i},2024-01-0{1 + i % 9} 10:00:00,A{i % 5},B{i % 7},{100 + i},USD,wire" for i in range(rows)]
    lines += [f"{name}-bad{i},not a date,A,B,1,USD,wire" for i in range(bad)]
    path = tmp / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _expected_visible(markings: list[tuple[str, list[str]]], viewer: Viewer) -> set[int]:
    """Indexes of the files the viewer may see, by the rule of DESIGN.md, computed in Python."""
    return {i for i, (agency, rel) in enumerate(markings)
            if viewer.country in rel or (viewer.agency is not None and viewer.agency == agency)}


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, list[str]]]]:
    """A workspace of 24 files of random markings (seeded), each with 3-8 good rows and 0-2 bad."""
    tmp = tmp_path_factory.mktemp("marked")
    rng = random.Random(5)
    path = tmp / "ws.duckdb"
    markings = []
    with Workspace.create(path) as ws:
        for i in range(24):
            agency = rng.choice(AGENCIES)
            rel = sorted(rng.sample(COUNTRIES, rng.randint(1, 3)))
            ingest_file(ws, _file(tmp, f"f{i}", rng.randint(3, 8), rng.randint(0, 2)), "transactions",
                        originator=agency, releasable_to=rel)
            markings.append((agency, rel))
        # Derived rows with their own releasability: one alert per file, marked like its file.
        ws.backend.execute("alerts", """
            INSERT INTO alerts (alert_id, detector, pillar, typology, score, subjects, evidence, explanation,
                                created_at, releasable_to)
            SELECT 'a' || ingest_id, 'x', 'cash', 't', 0.5, ['account:A'], [CAST(ingest_id AS VARCHAR) || ':2'],
                   'e', now(), releasable_to FROM ingest_log""")
    return path, markings


def _counts(ws: Workspace) -> dict[str, object]:
    b = ws.backend
    return {
        "transactions": b.scalar("t", "SELECT count(*) FROM transactions"),
        "rows": b.scalar("t", "SELECT count(*) FROM transactions_rows"),
        "main.rows": b.scalar("t", "SELECT count(*) FROM main.transactions_rows"),
        "quarantine": b.scalar("t", "SELECT count(*) FROM quarantine"),
        "ingests": sorted(int(r[0]) for r in b.fetch("t", "SELECT ingest_id FROM ingest_log")),
        "alert_ingests": sorted(int(r[0][1:]) for r in b.fetch("t", "SELECT alert_id FROM alerts")),
        "tx_ingests": sorted({int(r[0]) for r in b.fetch("t", "SELECT ingest_id FROM transactions")}),
    }


@settings(max_examples=300)
@given(country=st.sampled_from(COUNTRIES + ("DEU",)), agency=st.none() | st.sampled_from(AGENCIES + ("SEDENA",)))
def test_every_marked_table_shows_only_what_the_viewer_may_see(
        marked: tuple[Path, list[tuple[str, list[str]]]], country: str, agency: str | None) -> None:
    path, markings = marked
    viewer = Viewer(country, agency)
    with Workspace.open(path, viewer=viewer) as ws:
        seen = _counts(ws)
    with Workspace.open(path, read_only=True) as owner:
        ids = [int(r[0]) for r in owner.backend.fetch("t", "SELECT ingest_id FROM ingest_log ORDER BY ingest_id")]
        per_file = dict(owner.backend.fetch("t", "SELECT ingest_id, count(*) FROM transactions GROUP BY 1"))
        bad = dict(owner.backend.fetch("t", "SELECT ingest_id, count(*) FROM quarantine GROUP BY 1"))
    visible = sorted(ids[i] for i in _expected_visible(markings, viewer))
    assert seen["ingests"] == visible
    assert seen["tx_ingests"] == [i for i in visible if per_file.get(i)]
    assert seen["transactions"] == seen["rows"] == seen["main.rows"] == sum(per_file.get(i, 0) for i in visible)
    assert seen["quarantine"] == sum(bad.get(i, 0) for i in visible)
    # Derived rows are seen by country only: an agency does not see a derived row of its own file
    # whose releasability leaves its country out.
    assert seen["alert_ingests"] == sorted(ids[i] for i, (_, rel) in enumerate(markings) if country in rel)


def test_owner_sees_everything_and_a_viewer_cannot_write(marked: tuple[Path, list[tuple[str, list[str]]]]) -> None:
    path, markings = marked
    with Workspace.open(path, viewer=OWNER) as ws:
        assert ws.backend.scalar("t", "SELECT count(*) FROM ingest_log") == len(markings)
    with Workspace.open(path, viewer=Viewer("MEX")) as ws, pytest.raises(TenazaError):
        ws.backend.execute("t", "DELETE FROM alerts")


def test_every_table_is_covered_by_the_filter() -> None:
    """A new table that carries no markings fails here, until it is marked or declared public."""
    from tenaza.markings.viewer import PUBLIC_TABLES

    for spec in TABLES.values():
        if spec.kind is TableKind.MARKINGS:
            continue
        cols = {c.name for c in spec.columns}
        assert (spec.name in PUBLIC_TABLES or spec.name == "resolve_judgements"
                or cols & {"ingest_id", "releasable_to"}), spec.name


def test_viewer_parse() -> None:
    assert Viewer.parse("mex/uif") == Viewer("MEX", "UIF")
    assert Viewer.parse("USA") == Viewer("USA")
    assert Viewer.parse("USA/X") == Viewer("USA", "X")  # one-character agency codes exist
    for bad in ("ZZZ", "", "MEX/bad code", "MEX/" + "A" * 33):
        with pytest.raises(TenazaError, match="--as"):
            Viewer.parse(bad)


def test_record_ids_and_intersection() -> None:
    assert parse_record_id(record_id(3, 120)) == (3, 120)
    with pytest.raises(TenazaError, match="not a record id"):
        parse_record_id("E-12")
    assert intersect([["MEX", "USA"], ["USA"], ["USA", "CAN"]]) == ["USA"]
    assert intersect([["MEX"], ["USA"]]) == []
    assert intersect([]) == []


def test_install_refuses_a_table_without_markings(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    import tenaza.markings.viewer as v

    monkeypatch.setattr(v, "PUBLIC_TABLES", frozenset())
    with pytest.raises(TenazaError, match="fx_rates"):
        install_viewer(ws, Viewer("MEX"))
