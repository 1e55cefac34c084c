"""What a user who may see only part of an entity's records gets: never a hidden record."""

from __future__ import annotations

from pathlib import Path

from tenaza.resolve.visibility import Viewer, entity_for, entity_id_of, entity_of_record, hits_for
from tenaza.store import Workspace

from .conftest import add_parties
from .test_pipeline import entity_of, resolved  # noqa: F401 - the resolved workspace fixture


def test_a_viewer_sees_the_entity_without_the_records_it_may_not_see(resolved: tuple[Path, list[str]]) -> None:  # noqa: F811
    path, ids = resolved
    with Workspace.open(path) as ws:
        entity = entity_of(ws, ids[0])
        everything = entity_for(ws, entity, Viewer("USA"))
        mexico = entity_for(ws, entity, Viewer("MEX", agency="UIF"))
        fincen_abroad = entity_for(ws, entity, Viewer("CAN", agency="FINCEN"))
        nobody = entity_for(ws, entity, Viewer("CAN", agency="RCMP"))
    assert [len(v.members) for v in everything] == [3]
    seen = {m.record_id for v in mexico for m in v.members}
    assert ids[2] not in seen and seen <= {ids[0], ids[1]}
    text = repr(mexico)
    assert "Jose Guzman'" not in text and ids[2] not in text  # not its name, id, or a link to it
    assert all(m.linked_to in seen | {None} for v in mexico for m in v.members)
    assert [[m.record_id for m in v.members] for v in fincen_abroad] == [[ids[2]]]
    assert fincen_abroad[0].entity_id == entity_id_of([ids[2]])
    assert nobody == []


def test_a_hidden_record_that_linked_two_visible_ones_splits_the_view(workspace: Workspace) -> None:
    a, c = add_parties(workspace, [{"name": "Ana Ruiz Soto", "curp": "RUSA800101MBCZTN01", "curp_check": "valid"},
                                   {"name": "Ana Ruiz", "phone": "+52 664 111 2222"}], releasable_to=["MEX", "USA"])
    (b,) = add_parties(workspace, [{"name": "RUIZ SOTO, Ana", "phone": "+52 664 111 2222",
                                    "curp": "RUSA800101MBCZTN01", "curp_check": "valid"}],
                       originator="FINCEN", releasable_to=["USA"], source="us.csv")
    # the stored links of a chain a - b - c: b joined a, c joined b
    for rec, link, by in ((a, None, "single"), (b, a, "model"), (c, b, "model")):
        workspace.backend.execute(
            "t", "INSERT INTO entity_members (entity_id, record_id, party_id, linked_to, match_probability, weights, "
            "joined_by, run_id, releasable_to) VALUES ('E-x', $r, $r, $l, 0.99, '{}', $by, 'run', ['USA'])",
            {"r": rec, "l": link, "by": by})
    views = entity_for(workspace, "E-x", Viewer("MEX", agency="UIF"))
    assert sorted([m.record_id for m in v.members] for v in views) == [[a], [c]]
    assert all(m.linked_to is None and m.weights is None for v in views for m in v.members)
    assert {v.entity_id for v in views} == {entity_id_of([a]), entity_id_of([c])}
    assert entity_of_record(workspace, b, Viewer("MEX", agency="UIF")) is None
    assert len(entity_for(workspace, "E-x", Viewer("USA"))[0].members) == 3


def test_hits_are_shown_only_on_visible_records(workspace: Workspace) -> None:
    (r,) = add_parties(workspace, [{"name": "Ovidio Guzman Lopez"}], originator="FINCEN", releasable_to=["USA"])
    workspace.backend.execute(
        "t", "INSERT INTO screening_hits (hit_id, list_name, entry_id, entry_name, record_id, party_name, score, "
        "name_score, features, explanation, status, screened_at, releasable_to) VALUES ('h', 'L', '1', 'X', $r, 'O', "
        "0.9, 0.9, '{}', 'why', 'new', now(), ['USA'])", {"r": r})
    assert len(hits_for(workspace, Viewer("USA"))) == 1
    assert hits_for(workspace, Viewer("MEX", agency="UIF")) == []
