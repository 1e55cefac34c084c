"""Resolve on a real workspace: the records of the issue join, each join is explained,
judgements win and survive re-runs, and entities carry the intersection of releasability."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenaza.resolve.judgements import current, judge
from tenaza.resolve.pipeline import resolve
from tenaza.store import Workspace

from .conftest import GUZMAN, add_parties, population


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("resolve") / "ws.duckdb"
    with Workspace.create(path) as ws:
        add_parties(ws, population(), originator="UIF", releasable_to=["MEX", "USA"])
        ids = add_parties(ws, GUZMAN[:2], originator="UIF", releasable_to=["MEX", "USA"], source="mx.csv")
        ids += add_parties(ws, GUZMAN[2:3], originator="FINCEN", releasable_to=["USA"], source="us.csv")
        ids += add_parties(ws, GUZMAN[3:], originator="SAT", releasable_to=["MEX", "USA"], source="co.csv")
        resolve(ws)
    return path, ids


def entity_of(ws: Workspace, record_id: str) -> str:
    return str(ws.backend.scalar("t", "SELECT entity_id FROM entity_members WHERE record_id = $r", {"r": record_id}))


def test_the_same_person_across_mexican_and_us_records_is_one_entity(resolved: tuple[Path, list[str]]) -> None:
    path, ids = resolved
    with Workspace.open(path) as ws:
        assert entity_of(ws, ids[0]) == entity_of(ws, ids[1]) == entity_of(ws, ids[2])
        assert entity_of(ws, ids[3]) == entity_of(ws, ids[4]) != entity_of(ws, ids[0])
        name, idents, count = ws.backend.fetch(
            "t", "SELECT canonical_name, identifiers, member_count FROM entities WHERE entity_id = $e",
            {"e": entity_of(ws, ids[0])})[0]
        assert count == 3
        assert name == "José Ángel GUZMÁN LÓPEZ"
        assert set(idents) == {"curp:GULA900329HSLZPN01", "rfc:GULA900329AB1"}


def test_every_join_is_explained_by_match_weights(resolved: tuple[Path, list[str]]) -> None:
    path, ids = resolved
    with Workspace.open(path) as ws:
        rows = ws.backend.fetch("t", "SELECT linked_to, joined_by, match_probability, weights FROM entity_members "
                                "WHERE entity_id = $e AND linked_to IS NOT NULL", {"e": entity_of(ws, ids[0])})
    assert len(rows) == 2  # three records, joined by two links
    for linked_to, joined_by, probability, weights in rows:
        assert joined_by == "model" and float(probability) >= 0.9
        parts = json.loads(weights)
        assert set(parts) >= {"given_name", "surnames", "dob", "mx_id", "phone"}
        assert all({"level", "weight"} <= set(p) for p in parts.values())
        assert sum(p["weight"] for p in parts.values()) > 0


def test_entity_releasability_is_the_intersection_of_its_records(resolved: tuple[Path, list[str]]) -> None:
    path, ids = resolved
    with Workspace.open(path) as ws:
        rel = ws.backend.scalar("t", "SELECT releasable_to FROM entities WHERE entity_id = $e",
                                {"e": entity_of(ws, ids[0])})
        company = ws.backend.scalar("t", "SELECT releasable_to FROM entities WHERE entity_id = $e",
                                    {"e": entity_of(ws, ids[3])})
    assert rel == ["USA"]  # the US bank record may go to the USA only
    assert company == ["MEX", "USA"]


def test_judgements_win_over_the_model_and_survive_reruns(resolved: tuple[Path, list[str]]) -> None:
    path, ids = resolved
    with Workspace.open(path) as ws:
        judge(ws, "split", ids[2], entity_of(ws, ids[0]), analyst="ana", reason="different person, same name")
        judge(ws, "merge", ids[0], ids[3], analyst="ana", reason="front company of this person")
        resolve(ws)
        assert entity_of(ws, ids[2]) != entity_of(ws, ids[0])
        assert entity_of(ws, ids[0]) == entity_of(ws, ids[1]) == entity_of(ws, ids[3]) == entity_of(ws, ids[4])
        joined = ws.backend.scalar("t", "SELECT count(*) FROM entity_members WHERE joined_by = 'analyst'")
        assert joined == 1
        resolve(ws)  # a second re-run changes nothing
        assert entity_of(ws, ids[2]) != entity_of(ws, ids[0]) == entity_of(ws, ids[3])
        # the latest judgement on a pair replaces the earlier one
        judge(ws, "split", ids[0], ids[3], analyst="bob")
        assert [j.decision for j in current(ws) if {j.record_a, j.record_b} == {ids[0], ids[3]}] == ["split"]
        resolve(ws)
        assert entity_of(ws, ids[0]) != entity_of(ws, ids[3])


def test_empty_and_one_record_workspaces_resolve(workspace: Workspace) -> None:
    assert resolve(workspace).entities == 0
    add_parties(workspace, [{"name": "Solo Uno"}])
    report = resolve(workspace)
    assert (report.records, report.entities, report.links) == (1, 1, 0)
    assert workspace.backend.fetch("t", "SELECT joined_by FROM entity_members") == [("single",)]
