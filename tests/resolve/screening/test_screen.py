"""Screening on a real workspace: cross-language names, qualifiers, explanations, versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenaza.errors import ListError
from tenaza.resolve.screening.screen import screen
from tenaza.resolve.screening.versions import load, versions
from tenaza.store import Workspace

from ..conftest import add_parties
from .test_lists import CSV

V2 = CSV.splitlines()[1] + "\n" + ('99999,"ZAMBADA NIEBLA, Serafin","individual","SDNTK",-0- ,-0- ,-0- ,-0- ,-0- ,'
                                   '-0- ,-0- ,"DOB 03 Nov 1990; nationality Mexico."\n')


@pytest.fixture
def listed(workspace: Workspace, tmp_path: Path) -> tuple[Workspace, list[str], Path]:
    ids = add_parties(workspace, [
        {"name": "Ovidio Guzmán", "dob": "1990-03-29", "country": "MEX"},   # maternal surname dropped
        {"name": "OVIDIO GUZMAN LOPEZ", "dob": "1975-01-01", "country": "MEX"},  # namesake born 15 years earlier
        {"name": "Distribuidora Imperial de Baja California SA de CV", "kind": "company"},
        {"name": "Fulano de Tal", "curp": "GULO900329HSLZPV09", "curp_check": "valid"},
        {"name": "Joaquin Guzman Lopez", "dob": "1986-07-16"},  # a relative
        {"name": "Serafín Zambada", "dob": "1990-11-03"},
    ])
    path = tmp_path / "sdn_2024-05-03.csv"
    path.write_text(CSV, encoding="utf-8")
    return workspace, ids, path


def test_hits_cross_spellings_and_are_explained(listed: tuple[Workspace, list[str], Path]) -> None:
    ws, ids, path = listed
    version, again = load(ws, path)
    assert not again
    report = screen(ws, version)
    by_record = {h.record_id: h for h in report.hits}
    assert set(by_record) == {ids[0], ids[2], ids[3]}
    ovidio = by_record[ids[0]]
    assert ovidio.entry_id == "13149" and ovidio.features["dob"]["effect"] > 0
    assert "date of birth 1990-03-29 agrees" in ovidio.explanation and "SDNTK" in ovidio.explanation
    assert by_record[ids[3]].features["identifier"]["shared"] == ["curp:GULO900329HSLZPV09"]
    assert "identifier curp:GULO900329HSLZPV09 shared" in by_record[ids[3]].explanation
    stored = ws.backend.fetch("t", "SELECT record_id, status, releasable_to FROM screening_hits ORDER BY record_id")
    assert {r[0] for r in stored} == set(by_record) and {r[1] for r in stored} == {"new"}


def test_a_newer_version_reports_new_and_dropped_hits(listed: tuple[Workspace, list[str], Path],
                                                      tmp_path: Path) -> None:
    ws, ids, path = listed
    screen(ws, load(ws, path)[0])
    newer = tmp_path / "sdn_2024-06-14.csv"
    newer.write_text(V2, encoding="utf-8")  # Ovidio delisted, Zambada listed
    report = screen(ws, load(ws, newer)[0])
    assert report.previous == "OFAC-SDN 2024-05-03"
    assert report.new == [f"OFAC-SDN:99999:{ids[5]}"]
    assert report.dropped == sorted([f"OFAC-SDN:13149:{ids[0]}", f"OFAC-SDN:13149:{ids[3]}"])
    kept = [h for h in report.hits if h.status == "kept"]
    assert [h.record_id for h in kept] == [ids[2]]
    assert [v.version for v in versions(ws)] == ["2024-05-03", "2024-06-14"]
    assert load(ws, newer)[1]  # loading the same file again is a no-op
    newer.write_text(CSV, encoding="utf-8")
    with pytest.raises(ListError, match="already loaded from a different file"):
        load(ws, newer)
